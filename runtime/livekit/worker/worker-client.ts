// Our LiveKit agent worker (issue 17, Deliver 2): one WebSocket registration per agent name, on
// the real @livekit/protocol messages. Availability answers come from our admission (offers.ts,
// which reserves the slot); assignments start through the JobLauncher seam; status and load go
// out every 2.5 s; jobs report RUNNING/SUCCESS/FAILED; terminations end the job; a lost
// connection is retried with backoff, and on re-register the jobs still running are reported
// (updateJob RUNNING + migrateJob) so the server keeps them. Drain: FULL at once, live jobs
// finish, then the connection closes. The API secret only ever signs the token; neither it nor
// room tokens are logged.
import { messageOf } from '../../../protocol/errors';
import { performance } from 'node:perf_hooks';
import {
  AvailabilityResponse,
  JobStatus,
  JobType,
  MigrateJobRequest,
  ParticipantPermission,
  RegisterWorkerRequest,
  ServerMessage,
  UpdateJobStatus,
  UpdateWorkerStatus,
  WorkerMessage,
  WorkerPing,
  WorkerStatus,
  type Job,
  type JobAssignment,
} from '@livekit/protocol';
import { AccessToken } from 'livekit-server-sdk';
import { WebSocket, type RawData } from 'ws';
import { RestartBackoff, type BackoffSettings } from '../../isolation/backoff';
import type { Clock, TimerHandle } from '../../policy/clock';
import type { JobHost } from './job-host';
import type { JobHandle, JobLauncher } from './job-launcher';
import { workerLoad } from './load';
import { Offers, type OfferCounts } from './offers';

export type ConnectionState = 'connecting' | 'registered' | 'reconnecting' | 'draining' | 'closed';

export interface WorkerSettings {
  /** ws(s):// or http(s):// server URL (LIVEKIT_URL). */
  url: string;
  apiKey: string;
  apiSecret: string;
  agentName: string;
  statusIntervalMs: number;
  assignmentTimeoutMs: number;
  reconnect: BackoffSettings;
  /** Server frames above this size close the connection (then it reconnects). */
  maxFrameBytes: number;
  version: string;
}

export const DEFAULT_WORKER_TIMING = {
  statusIntervalMs: 2_500,
  assignmentTimeoutMs: 7_500,
  reconnect: { initialMs: 500, maxMs: 10_000, stableMs: 30_000 },
  maxFrameBytes: 1 << 20,
} as const;

export interface WorkerView {
  url: string;
  agentName: string;
  workerId: string | null;
  state: ConnectionState;
  lastLoad: number | null;
  lastStatus: 'available' | 'full' | null;
  runningJobs: number;
  reconnects: number;
  counts: OfferCounts;
  lastError: string | null;
}

export class LiveKitWorker {
  private ws: WebSocket | null = null;
  private workerId: string | null = null;
  private state: ConnectionState = 'connecting';
  private readonly running = new Map<string, JobHandle>();
  /** Final job updates that happened while disconnected; sent after the next register. */
  private readonly outbox: WorkerMessage[] = [];
  private readonly offers: Offers;
  private readonly backoff: RestartBackoff;
  private statusTimer: NodeJS.Timeout | null = null;
  private retryTimer: TimerHandle | null = null;
  private connectedAtMs = 0;
  private reconnects = 0;
  private lastLoad: number | null = null;
  private lastStatus: 'available' | 'full' | null = null;
  private lastError: string | null = null;
  private draining = false;
  private closed = false;
  private elu = performance.eventLoopUtilization();
  private drained: (() => void) | null = null;

  constructor(
    private readonly settings: WorkerSettings,
    private readonly host: JobHost,
    private readonly launcher: JobLauncher,
    private readonly clock: Clock,
  ) {
    this.offers = new Offers(host, clock, settings.assignmentTimeoutMs);
    this.backoff = new RestartBackoff(settings.reconnect);
  }

  start(): void {
    void this.connect();
  }

  view(): WorkerView {
    return {
      url: publicUrl(this.settings.url),
      agentName: this.settings.agentName,
      workerId: this.workerId,
      state: this.state,
      lastLoad: this.lastLoad,
      lastStatus: this.lastStatus,
      runningJobs: this.running.size,
      reconnects: this.reconnects,
      counts: structuredClone(this.offers.counts),
      lastError: this.lastError,
    };
  }

  /** FULL at once (no more offers), live jobs run to their end, then the connection closes. */
  async drain(): Promise<void> {
    if (this.closed) return;
    this.draining = true;
    this.state = 'draining';
    this.sendStatus();
    if (this.running.size > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    this.close();
  }

  /** Closes the connection now; reservations are given back, running jobs are left to the runtime. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.state = 'closed';
    this.retryTimer?.cancel();
    this.stopStatusLoop();
    this.offers.releaseAll();
    this.ws?.close(1000, 'worker closing');
    this.ws = null;
  }

  // ---- connection ----------------------------------------------------------------------------

  private async connect(): Promise<void> {
    if (this.closed) return;
    const token = new AccessToken(this.settings.apiKey, this.settings.apiSecret);
    token.addGrant({ agent: true });
    const jwt = await token.toJwt();
    if (this.closed) return;
    const ws = new WebSocket(agentEndpoint(this.settings.url), {
      headers: { authorization: `Bearer ${jwt}` },
      maxPayload: this.settings.maxFrameBytes,
    });
    this.ws = ws;
    this.workerId = null;
    ws.binaryType = 'nodebuffer';
    ws.on('open', () => {
      this.connectedAtMs = this.clock.now();
      this.send(this.registerMessage());
    });
    ws.on('unexpected-response', (_req, res) => {
      this.lastError = `server refused the connection: HTTP ${res.statusCode ?? '?'}`;
      ws.terminate();
    });
    ws.on('message', (data: RawData, isBinary: boolean) => this.onFrame(data, isBinary));
    ws.on('error', (err) => {
      this.lastError = err.message;
    });
    ws.on('close', (code) => this.onClose(ws, code));
  }

  private onClose(ws: WebSocket, code: number): void {
    if (this.ws !== ws) return;
    this.ws = null;
    this.workerId = null;
    this.stopStatusLoop();
    if (this.closed) return;
    const upFor = this.connectedAtMs > 0 ? this.clock.now() - this.connectedAtMs : 0;
    this.connectedAtMs = 0;
    const delay = this.backoff.next(upFor);
    this.reconnects++;
    this.state = this.draining ? 'draining' : 'reconnecting';
    this.host.log(
      'warn',
      null,
      `[livekit] connection to ${publicUrl(this.settings.url)} lost (code ${code}${this.lastError ? `: ${this.lastError}` : ''}); ${this.running.size} job(s) keep running; reconnecting in ${delay} ms`,
    );
    this.retryTimer = this.clock.setTimer(delay, () => void this.connect());
  }

  private registerMessage(): WorkerMessage {
    const register = new RegisterWorkerRequest({
      type: JobType.JT_ROOM,
      agentName: this.settings.agentName,
      version: this.settings.version,
      allowedPermissions: new ParticipantPermission({
        canPublish: true,
        canSubscribe: true,
        canPublishData: true,
        canUpdateMetadata: true,
        agent: true,
      }),
    });
    return new WorkerMessage({ message: { case: 'register', value: register } });
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    let msg: ServerMessage;
    try {
      if (!isBinary) throw new Error('a text frame (the protocol is binary protobuf)');
      msg = ServerMessage.fromBinary(toBytes(data));
    } catch (err) {
      this.host.log('warn', null, `[livekit] ignored an undecodable server frame: ${messageOf(err)}`);
      return;
    }
    const m = msg.message;
    if (this.workerId === null) {
      if (m.case !== 'register') {
        this.host.log(
          'warn',
          null,
          `[livekit] expected register as the first server message, got ${m.case ?? 'empty'}; reconnecting`,
        );
        this.ws?.terminate();
        return;
      }
      this.onRegistered(m.value.workerId);
      return;
    }
    switch (m.case) {
      case 'availability':
        if (m.value.job) void this.onAvailability(m.value.job);
        return;
      case 'assignment':
        this.onAssignment(m.value);
        return;
      case 'termination':
        this.running.get(m.value.jobId)?.terminate();
        return;
      case 'pong':
      case 'register':
        return;
      default:
        this.host.log('warn', null, `[livekit] ignored an empty server message`);
    }
  }

  private onRegistered(workerId: string): void {
    const first = this.reconnects === 0 && this.state === 'connecting';
    this.workerId = workerId;
    this.lastError = null;
    if (!this.draining) this.state = 'registered';
    this.host.log(
      'info',
      null,
      `[livekit] registered with ${publicUrl(this.settings.url)} as worker ${workerId} (agent name ${JSON.stringify(this.settings.agentName)})${first ? '' : `; reporting ${this.running.size} running job(s)`}`,
    );
    if (this.running.size > 0) {
      for (const id of this.running.keys()) this.send(jobUpdate(id, JobStatus.JS_RUNNING, ''));
      const migrate = new MigrateJobRequest({ jobIds: [...this.running.keys()] });
      this.send(new WorkerMessage({ message: { case: 'migrateJob', value: migrate } }));
    }
    for (const m of this.outbox.splice(0)) this.send(m);
    this.sendStatus();
    this.statusTimer = setInterval(() => this.sendStatus(), this.settings.statusIntervalMs);
    this.statusTimer.unref();
  }

  private async onAvailability(job: Job): Promise<void> {
    const answer = this.draining ? ({ available: false, reason: 'draining' } as const) : await this.offers.answer(job);
    const response = new AvailabilityResponse({ jobId: job.id, available: answer.available });
    if (answer.available) {
      response.participantIdentity = `agent-${job.id}`;
      response.participantName = answer.agent;
      response.participantAttributes = { 'lk.agent_name': this.settings.agentName };
    }
    this.send(new WorkerMessage({ message: { case: 'availability', value: response } }));
  }

  private onAssignment(a: JobAssignment): void {
    const job = a.job;
    if (!job) return;
    const reservation = this.offers.take(job.id);
    if (!reservation) {
      this.host.log(
        'warn',
        null,
        `[livekit] assignment for job ${job.id} without a live reservation (it timed out or was never offered); failing it`,
      );
      this.send(jobUpdate(job.id, JobStatus.JS_FAILED, 'no reservation for this job (assignment came too late)'));
      return;
    }
    const handle = this.launcher.launch({
      job,
      url: a.url || this.settings.url,
      token: a.token,
      reservation: reservation.slot,
      metadata: reservation.metadata,
    });
    this.running.set(job.id, handle);
    this.send(jobUpdate(job.id, JobStatus.JS_RUNNING, ''));
    void handle.ended.then((outcome) => {
      this.running.delete(job.id);
      const update = jobUpdate(job.id, outcome.ok ? JobStatus.JS_SUCCESS : JobStatus.JS_FAILED, outcome.error ?? '');
      if (this.workerId !== null) this.send(update);
      else this.outbox.push(update);
      if (this.running.size === 0 && this.drained) this.drained();
    });
  }

  // ---- status --------------------------------------------------------------------------------

  private sendStatus(): void {
    if (this.workerId === null) return;
    const sample = performance.eventLoopUtilization(this.elu);
    this.elu = performance.eventLoopUtilization();
    const { load, full } = workerLoad({
      active: this.host.activeTotal(),
      workerCap: this.host.workerCap(),
      loopUtilisation: sample.utilization,
      draining: this.draining || this.host.isDraining(),
    });
    this.lastLoad = load;
    this.lastStatus = full ? 'full' : 'available';
    const status = new UpdateWorkerStatus({
      status: full ? WorkerStatus.WS_FULL : WorkerStatus.WS_AVAILABLE,
      load,
      jobCount: this.running.size,
    });
    this.send(new WorkerMessage({ message: { case: 'updateWorker', value: status } }));
    this.send(
      new WorkerMessage({ message: { case: 'ping', value: new WorkerPing({ timestamp: BigInt(Date.now()) }) } }),
    );
  }

  private stopStatusLoop(): void {
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.statusTimer = null;
  }

  private send(msg: WorkerMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(msg.toBinary());
  }
}

function jobUpdate(jobId: string, status: JobStatus, error: string): WorkerMessage {
  return new WorkerMessage({ message: { case: 'updateJob', value: new UpdateJobStatus({ jobId, status, error }) } });
}

/** `<url>/agent` with ws(s): the endpoint agents-js connects to. */
export function agentEndpoint(url: string): string {
  const u = new URL(url);
  u.protocol = u.protocol.replace(/^http/, 'ws');
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/agent`;
  return u.toString();
}

/** The server URL as shown in logs and the snapshot: no credentials, no query (a worker token may ride there). */
export function publicUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid url)';
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
