// A stand-in LiveKit server for tests (issue 17, Deliver 6): the agent-worker side of LiveKit on
// the real @livekit/protocol message classes and livekit-server-sdk's token verification. It has
// no media server. What it does mirrors livekit pkg/agent/worker.go and pkg/service/agentservice.go:
//   - the WebSocket upgrade on /agent requires a Bearer token carrying the `agent` grant;
//   - the first worker message must be `register`; the answer carries a fresh worker id;
//   - a dispatch offers the job (availability) to a worker chosen at random weighted by 1 − load
//     among AVAILABLE workers of the agent name, trying the next one on refusal or timeout;
//   - on yes, it mints the room token (BuildAgentToken) and sends the assignment;
//   - it records updateWorker (status, load, job count) and updateJob, answers ping, sends terminations;
//   - a worker that goes away has its jobs failed after `workerGoneTimeoutMs` unless a worker
//     reports them running again (re-register after a lost connection);
//   - Twirp CreateDispatch (JSON) so the real AgentDispatchClient works against it.
// Messages cross to livekit-server-sdk (its own @livekit/protocol copy) only as JSON or bytes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  AgentDispatch,
  AvailabilityRequest,
  AvailabilityResponse,
  CreateAgentDispatchRequest,
  Job,
  JobAssignment,
  JobStatus,
  JobTermination,
  JobType,
  RegisterWorkerResponse,
  Room,
  ServerInfo,
  ServerMessage,
  WorkerMessage,
  WorkerPong,
  WorkerStatus,
} from '@livekit/protocol';
import { AccessToken, TokenVerifier } from 'livekit-server-sdk';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

export interface StandInOptions {
  apiKey: string;
  apiSecret: string;
  /** Frames above this size close the connection (ws maxPayload). */
  maxPayload?: number;
  /** How long a worker has to answer an availability request (LiveKit: 10 s). */
  availabilityTimeoutMs?: number;
  /** How long the jobs of a worker that went away stay pending a re-report before they fail. */
  workerGoneTimeoutMs?: number;
  /** Random source for the weighted worker choice (tests may fix it). */
  random?: () => number;
  port?: number;
}

export interface WorkerRecord {
  id: string;
  agentName: string;
  connected: boolean;
  status: WorkerStatus;
  load: number;
  jobCount: number;
  updates: number;
  /** Job ids this worker said were running after it registered (updateJob RUNNING or migrateJob). */
  reported: Set<string>;
  ws: WebSocket;
}

export interface JobRecord {
  job: Job;
  workerId: string | null;
  status: JobStatus;
  error: string;
  /** Worker ids that refused (or timed out on) the offer, in order. */
  refusedBy: string[];
  assignedAt: number | null;
  endedAt: number | null;
}

export interface DispatchRequest {
  agentName: string;
  room: string;
  metadata?: string;
  roomMetadata?: string;
  jobId?: string;
  /** Answer-yes but never assign: what a lost assignment looks like to the worker. */
  withholdAssignment?: boolean;
}

interface PendingOffer {
  resolve: (r: AvailabilityResponse | null) => void;
  timer: NodeJS.Timeout;
}

let counter = 0;
const nextId = (prefix: string): string => `${prefix}_${process.pid.toString(36)}${(++counter).toString(36)}`;

export class StandInLiveKit {
  readonly workers = new Map<string, WorkerRecord>();
  readonly jobs = new Map<string, JobRecord>();
  /** Upgrades refused, with the reason (no token, bad signature, no agent grant). */
  readonly refusedUpgrades: string[] = [];
  /** Frames that were not a WorkerMessage, or protocol violations. */
  readonly badFrames: string[] = [];
  /**
   * Room joins (rtc-node's signal connection to `/rtc`, what ctx.connect() does with the assigned
   * url and token): the token is verified and what it grants recorded. There is no media server
   * behind the stand-in, so every join is then refused (503) and connect() rejects.
   */
  readonly roomJoins: { room: string; identity: string; name: string; path: string }[] = [];
  /** Offer → answer round trips, ms (bench/livekit reads them). */
  readonly offerLatenciesMs: number[] = [];
  private readonly wss: WebSocketServer;
  private readonly pending = new Map<string, PendingOffer>();
  private readonly verifier: TokenVerifier;
  private readonly sockets = new Set<Socket>();
  private readonly random: () => number;

  private constructor(
    private readonly http: Server,
    private readonly opts: StandInOptions,
  ) {
    this.verifier = new TokenVerifier(opts.apiKey, opts.apiSecret);
    this.random = opts.random ?? Math.random;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload ?? 1 << 20 });
    http.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    http.on('upgrade', (req, socket, head) => void this.upgrade(req, socket as Socket, head));
    http.on('request', (req, res) => void this.twirp(req, res));
  }

  static async start(opts: StandInOptions): Promise<StandInLiveKit> {
    const http = createServer();
    const server = new StandInLiveKit(http, opts);
    await new Promise<void>((resolve) => http.listen(opts.port ?? 0, '127.0.0.1', resolve));
    return server;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** What LIVEKIT_URL would be. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  connectedWorkers(agentName?: string): WorkerRecord[] {
    return [...this.workers.values()].filter(
      (w) => w.connected && (agentName === undefined || w.agentName === agentName),
    );
  }

  jobsWith(status: JobStatus): JobRecord[] {
    return [...this.jobs.values()].filter((j) => j.status === status);
  }

  /** Offers a job to the agent's workers, weighted by load, until one accepts; null when none did. */
  async dispatch(req: DispatchRequest): Promise<JobRecord> {
    const job = new Job({
      id: req.jobId ?? nextId('AJ'),
      dispatchId: nextId('AD'),
      type: JobType.JT_ROOM,
      room: new Room({ sid: nextId('RM'), name: req.room, metadata: req.roomMetadata ?? '' }),
      metadata: req.metadata ?? '',
      agentName: req.agentName,
    });
    const record: JobRecord = {
      job,
      workerId: null,
      status: JobStatus.JS_PENDING,
      error: '',
      refusedBy: [],
      assignedAt: null,
      endedAt: null,
    };
    this.jobs.set(job.id, record);
    for (;;) {
      const worker = this.pick(req.agentName, record.refusedBy);
      if (!worker) {
        this.end(record, JobStatus.JS_FAILED, 'no workers available');
        return record;
      }
      const answer = await this.offer(worker, job);
      if (answer?.available && worker.connected) {
        if (answer.terminate) {
          this.end(record, JobStatus.JS_SUCCESS, '');
          return record;
        }
        if (req.withholdAssignment) record.workerId = worker.id;
        else await this.assign(worker, record, answer);
        return record;
      }
      record.refusedBy.push(worker.id);
    }
  }

  /** Sends JobTermination to the job's worker. */
  terminate(jobId: string): void {
    const record = this.jobs.get(jobId);
    const worker = record?.workerId ? this.workers.get(record.workerId) : undefined;
    if (!worker?.connected) throw new Error(`stand-in: job ${jobId} has no connected worker`);
    this.send(worker, new ServerMessage({ message: { case: 'termination', value: new JobTermination({ jobId }) } }));
  }

  /** Raw bytes to a worker (garbled, truncated or oversized frames). */
  sendRaw(workerId: string, bytes: Uint8Array | string): void {
    this.workers.get(workerId)?.ws.send(bytes);
  }

  /** A server restart: every worker connection drops; job records survive (the jobs' rooms live on). */
  dropAllConnections(): void {
    for (const w of this.workers.values()) if (w.connected) w.ws.terminate();
  }

  async close(): Promise<void> {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    for (const c of this.wss.clients) c.terminate();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // ---- worker side ---------------------------------------------------------------------------

  private async upgrade(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path.startsWith('/rtc')) {
      await this.recordJoin(req, path);
      return this.refuse(socket, 503, 'no media server behind the stand-in');
    }
    if (path !== '/agent' && path !== '/agent/') return this.refuse(socket, 404, `no endpoint ${path}`);
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ')) return this.refuse(socket, 401, 'no bearer token');
    try {
      const claims = await this.verifier.verify(auth.slice('Bearer '.length));
      if (claims.video?.agent !== true) return this.refuse(socket, 401, 'token has no agent grant');
    } catch (err) {
      return this.refuse(socket, 401, `invalid token: ${(err as Error).message}`);
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws));
  }

  private refuse(socket: Socket, code: number, reason: string): void {
    this.refusedUpgrades.push(reason);
    const text = code === 404 ? 'Not Found' : code === 503 ? 'Service Unavailable' : 'Unauthorized';
    socket.end(`HTTP/1.1 ${code} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  /** A join attempt with a token this server signed: which room and participant it grants. */
  private async recordJoin(req: IncomingMessage, path: string): Promise<void> {
    // rtc-node sends it as a Bearer header (older SDKs as the access_token query parameter).
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const token = bearer || (new URL(req.url ?? '', 'http://stand-in').searchParams.get('access_token') ?? '');
    try {
      const claims = await this.verifier.verify(token);
      this.roomJoins.push({
        room: claims.video?.room ?? '',
        identity: claims.sub ?? '',
        name: claims.name ?? '',
        path,
      });
    } catch (err) {
      this.refusedUpgrades.push(`room join with an invalid token: ${(err as Error).message}`);
    }
  }

  private attach(ws: WebSocket): void {
    let worker: WorkerRecord | null = null;
    ws.on('error', (err) => this.badFrames.push(`socket error: ${err.message}`));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      let msg: WorkerMessage;
      try {
        if (!isBinary) throw new Error('text frame');
        msg = WorkerMessage.fromBinary(toBytes(data));
      } catch (err) {
        this.badFrames.push(`undecodable frame: ${(err as Error).message}`);
        return;
      }
      const m = msg.message;
      if (worker === null) {
        if (m.case !== 'register') {
          this.badFrames.push(`first message was ${m.case ?? 'empty'}, not register`);
          ws.close(1002, 'register first');
          return;
        }
        worker = {
          id: nextId('AW'),
          agentName: m.value.agentName,
          connected: true,
          status: WorkerStatus.WS_AVAILABLE,
          load: 0,
          jobCount: 0,
          updates: 0,
          reported: new Set(),
          ws,
        };
        this.workers.set(worker.id, worker);
        const answer = new RegisterWorkerResponse({
          workerId: worker.id,
          serverInfo: new ServerInfo({ version: 'stand-in' }),
        });
        this.send(worker, new ServerMessage({ message: { case: 'register', value: answer } }));
        return;
      }
      this.handle(worker, msg);
    });
    ws.on('close', () => {
      if (worker === null) return;
      const gone = worker;
      gone.connected = false;
      for (const [key, p] of this.pending) if (key.startsWith(`${gone.id}/`)) p.resolve(null);
      // LiveKit fails a lost worker's jobs once they are not picked up again.
      setTimeout(() => {
        for (const j of this.jobs.values()) {
          if (j.workerId === gone.id && j.endedAt === null) this.end(j, JobStatus.JS_FAILED, 'worker gone');
        }
      }, this.opts.workerGoneTimeoutMs ?? 2_000).unref();
    });
  }

  private handle(worker: WorkerRecord, msg: WorkerMessage): void {
    const m = msg.message;
    switch (m.case) {
      case 'availability': {
        this.pending.get(`${worker.id}/${m.value.jobId}`)?.resolve(m.value);
        return;
      }
      case 'updateWorker': {
        worker.updates++;
        if (m.value.status !== undefined) worker.status = m.value.status;
        worker.load = m.value.load;
        worker.jobCount = m.value.jobCount;
        return;
      }
      case 'updateJob': {
        const j = this.jobs.get(m.value.jobId);
        if (!j) {
          this.badFrames.push(`updateJob for unknown job ${m.value.jobId}`);
          return;
        }
        if (m.value.status === JobStatus.JS_RUNNING) {
          // A worker that re-registered reports the job it still runs: it is that worker's now.
          if (j.workerId !== worker.id) worker.reported.add(j.job.id);
          j.workerId = worker.id;
          if (j.endedAt === null) j.status = JobStatus.JS_RUNNING;
        } else if (m.value.status === JobStatus.JS_SUCCESS || m.value.status === JobStatus.JS_FAILED) {
          if (j.workerId === worker.id) this.end(j, m.value.status, m.value.error);
        }
        return;
      }
      case 'migrateJob': {
        for (const id of m.value.jobIds) {
          const j = this.jobs.get(id);
          if (j && j.endedAt === null) {
            j.workerId = worker.id;
            worker.reported.add(id);
          }
        }
        return;
      }
      case 'ping': {
        const pong = new WorkerPong({ lastTimestamp: m.value.timestamp, timestamp: BigInt(Date.now()) });
        this.send(worker, new ServerMessage({ message: { case: 'pong', value: pong } }));
        return;
      }
      default:
        this.badFrames.push(`unexpected ${m.case ?? 'empty'} message`);
    }
  }

  /** LiveKit's selectWorkerWeightedByLoad: random among AVAILABLE workers, weight 1 − load
   *  (uniform when every candidate reports full load: status, not load, is what stops offers). */
  private pick(agentName: string, exclude: readonly string[]): WorkerRecord | null {
    const candidates = this.connectedWorkers(agentName).filter(
      (w) => w.status === WorkerStatus.WS_AVAILABLE && !exclude.includes(w.id),
    );
    if (candidates.length === 0) return null;
    const weights = candidates.map((w) => Math.max(0, 1 - w.load));
    const total = weights.reduce((s, x) => s + x, 0);
    const weightOf = (i: number): number => (total > 0 ? (weights[i] ?? 0) : 1);
    let r = this.random() * (total > 0 ? total : candidates.length);
    for (let i = 0; i < candidates.length; i++) {
      r -= weightOf(i);
      if (r < 0) return candidates[i] ?? null;
    }
    return candidates[candidates.length - 1] ?? null;
  }

  private offer(worker: WorkerRecord, job: Job): Promise<AvailabilityResponse | null> {
    const key = `${worker.id}/${job.id}`;
    const sentAt = performance.now();
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(null), this.opts.availabilityTimeoutMs ?? 10_000);
      const done = (r: AvailabilityResponse | null): void => {
        clearTimeout(timer);
        if (r) this.offerLatenciesMs.push(performance.now() - sentAt);
        this.pending.delete(key);
        resolve(r);
      };
      this.pending.set(key, { resolve: done, timer });
      this.send(
        worker,
        new ServerMessage({ message: { case: 'availability', value: new AvailabilityRequest({ job }) } }),
      );
    });
  }

  /** BuildAgentToken: the agent participant's room token, then the assignment. */
  private async assign(worker: WorkerRecord, record: JobRecord, answer: AvailabilityResponse): Promise<void> {
    const job = record.job;
    const token = new AccessToken(this.opts.apiKey, this.opts.apiSecret, {
      identity: answer.participantIdentity || `agent-${job.id}`,
      name: answer.participantName,
      metadata: answer.participantMetadata,
      attributes: { ...answer.participantAttributes, 'lk.agent_name': job.agentName },
    });
    token.addGrant({ roomJoin: true, room: job.room?.name ?? '', agent: true, canPublish: true, canSubscribe: true });
    const assignment = new JobAssignment({ job, url: this.url, token: await token.toJwt() });
    record.workerId = worker.id;
    record.assignedAt = Date.now();
    this.send(worker, new ServerMessage({ message: { case: 'assignment', value: assignment } }));
  }

  private end(record: JobRecord, status: JobStatus, error: string): void {
    if (record.endedAt !== null) return;
    record.status = status;
    record.error = error;
    record.endedAt = Date.now();
  }

  private send(worker: WorkerRecord, msg: ServerMessage): void {
    if (worker.connected) worker.ws.send(msg.toBinary());
  }

  // ---- Twirp ---------------------------------------------------------------------------------

  private async twirp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path.startsWith('/rtc')) {
      await this.recordJoin(req, path);
      return reply(503, { code: 'unavailable', msg: 'no media server behind the stand-in' });
    }
    if (req.method !== 'POST' || req.url !== '/twirp/livekit.AgentDispatchService/CreateDispatch') {
      return reply(404, { code: 'bad_route', msg: `no route ${req.method} ${req.url}` });
    }
    try {
      const claims = await this.verifier.verify((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      if (claims.video?.roomAdmin !== true) return reply(401, { code: 'unauthenticated', msg: 'roomAdmin required' });
    } catch (err) {
      return reply(401, { code: 'unauthenticated', msg: (err as Error).message });
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let create: CreateAgentDispatchRequest;
    try {
      create = CreateAgentDispatchRequest.fromJsonString(Buffer.concat(chunks).toString('utf8'));
    } catch (err) {
      return reply(400, { code: 'malformed', msg: (err as Error).message });
    }
    const dispatchId = nextId('AD');
    reply(
      200,
      new AgentDispatch({
        id: dispatchId,
        agentName: create.agentName,
        room: create.room,
        metadata: create.metadata,
      }).toJson(),
    );
    void this.dispatch({ agentName: create.agentName, room: create.room, metadata: create.metadata });
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
