// The runtime as LiveKit worker mode sees it: admission that reserves, sessions started in a
// reserved slot, and the few figures load reporting needs. Runtime.jobHost() implements it.
import type { SessionEndListener } from '../../engine/session-manager';
import type { AdmissionResult, Slot } from '../../policy/admission';
import type { FinalStatus, Session } from '../../session/session';
import type { CallAttempt } from '../../caller/load';

export interface JobHost {
  agentNames(): string[];
  /** Admission: on ok the slot is held until released or a session started in it ends. Refusals are logged.
   *  Asynchronous because in fleet mode the lease is taken in Redis (runtime/fleet). */
  reserve(agent: string, metadata: Record<string, unknown>): Promise<AdmissionResult>;
  release(slot: Slot): void;
  startReserved(
    slot: Slot,
    metadata: Record<string, unknown>,
    drive: (session: Session) => Promise<FinalStatus>,
    onEnd: SessionEndListener,
  ): CallAttempt;
  activeTotal(): number;
  workerCap(): number;
  isDraining(): boolean;
  /** A runtime log line (no session scope), for the worker's own events. */
  log(level: 'info' | 'warn' | 'error', tenant: string | null, message: string): void;
}
