// Availability answers (issue 17, Deliver 2): route the job, then our admission, and on yes keep
// the slot reserved for the assignment, so caps stay exact under any burst of offers. A
// reservation whose assignment never comes is released after `assignmentTimeoutMs` (agents-js
// waits 7.5 s). Counts offers, accepts and refusals by reason for the snapshot.
import type { Job } from '@livekit/protocol';
import type { Slot } from '../../policy/admission';
import type { Clock, TimerHandle } from '../../policy/clock';
import type { JobHost } from './job-host';
import { routeJob } from './routing';

export interface Reservation {
  slot: Slot;
  metadata: Record<string, unknown>;
}

export type OfferAnswer = { available: true; agent: string; tenant: string } | { available: false; reason: string };

export interface OfferCounts {
  offered: number;
  accepted: number;
  refused: Record<string, number>;
  assignmentTimeouts: number;
}

export class Offers {
  private readonly held = new Map<string, { reservation: Reservation; timer: TimerHandle }>();
  /** Offers whose admission is still deciding (the fleet's lease is an await away). */
  private readonly deciding = new Set<string>();
  readonly counts: OfferCounts = { offered: 0, accepted: 0, refused: {}, assignmentTimeouts: 0 };

  constructor(
    private readonly host: JobHost,
    private readonly clock: Clock,
    private readonly assignmentTimeoutMs: number,
  ) {}

  /** One availability request. Local admission reserves synchronously, so no burst overshoots; the
   *  fleet's lease (when configured) is checked and taken atomically in Redis. */
  async answer(job: Job): Promise<OfferAnswer> {
    this.counts.offered++;
    if (this.held.has(job.id) || this.deciding.has(job.id)) {
      return this.refuse('duplicate_offer', null, `job ${job.id} was offered twice`);
    }
    const route = routeJob(
      {
        agentName: job.agentName,
        metadata: job.metadata,
        roomName: job.room?.name ?? '',
        roomMetadata: job.room?.metadata ?? '',
      },
      this.host.agentNames(),
    );
    if (!route.ok) return this.refuse(route.reason, null, `refusing LiveKit job ${job.id}: ${route.message}`);
    this.deciding.add(job.id);
    const decision = await this.host.reserve(route.agent, route.metadata).finally(() => this.deciding.delete(job.id));
    if (!decision.ok) return this.refuse(decision.reason, decision.tenant, null);
    const reservation: Reservation = {
      slot: decision.slot,
      metadata: { ...route.metadata, tenant: decision.slot.tenant },
    };
    const timer = this.clock.setTimer(this.assignmentTimeoutMs, () => this.expire(job.id));
    this.held.set(job.id, { reservation, timer });
    this.counts.accepted++;
    return { available: true, agent: route.agent, tenant: decision.slot.tenant };
  }

  /** The assignment for an offer we accepted: its reservation, now the caller's to use or release. */
  take(jobId: string): Reservation | undefined {
    const h = this.held.get(jobId);
    if (!h) return undefined;
    h.timer.cancel();
    this.held.delete(jobId);
    return h.reservation;
  }

  heldCount(): number {
    return this.held.size;
  }

  /** Gives every reservation back (the worker closes). */
  releaseAll(): void {
    for (const id of [...this.held.keys()]) {
      const r = this.take(id);
      if (r) this.host.release(r.slot);
    }
  }

  private expire(jobId: string): void {
    const r = this.take(jobId);
    if (!r) return;
    this.host.release(r.slot);
    this.counts.assignmentTimeouts++;
    this.host.log(
      'warn',
      r.slot.tenant,
      `LiveKit job ${jobId}: no assignment within ${this.assignmentTimeoutMs} ms; its reserved slot is released`,
    );
  }

  /** Admission logged its own refusals; routing and protocol refusals are logged here. */
  private refuse(reason: string, tenant: string | null, message: string | null): OfferAnswer {
    this.counts.refused[reason] = (this.counts.refused[reason] ?? 0) + 1;
    if (message !== null) this.host.log('info', tenant, message);
    return { available: false, reason };
  }
}
