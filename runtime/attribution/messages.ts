// What the watchdog worker and the main thread say to each other, and the layout of the
// SharedArrayBuffer they share. Kept in one place so both sides agree on every slot.
import type { MessagePort } from 'node:worker_threads';
import type { StackFrame } from '../../protocol/control';
import type { CpuBucket } from './cpu-window';

/** Float64 slots of the shared buffer. Times are wall-clock ms (timeOrigin + now, sub-ms). */
export const Slot = {
  /** Last heartbeat stamp written by the main loop. */
  heartbeat: 0,
  /** Current slow threshold, ms (changeable at run time). */
  thresholdMs: 1,
  /** Heartbeat interval, ms: the watchdog allows this much staleness before counting a stall. */
  heartbeatMs: 2,
  /** 1 while sampling is allowed; 0 while a debugger is attached or the engine is stopping. */
  enabled: 3,
  /** CPU time (ms) the main thread had used at the last heartbeat (the process's on Node 20). */
  heartbeatCpuMs: 4,
  /** `loop_stall_exit_s` in ms: a stall this old makes the watchdog call the stall-exit global; 0 = off. */
  stallExitMs: 5,
} as const;
export const SLOT_COUNT = 6;

/** Globals the main thread installs for the watchdog to evaluate inside its interrupt. */
export const BLOCK_PROBE_GLOBAL = '__openrtcBlockProbe';
export const RUNNING_PROBE_GLOBAL = '__openrtcRunningProbe';
/**
 * Source-map URLs of scripts evaluated from memory (agent bundles), asked inside the interrupt
 * too: the main thread answers while it is still blocked, so the live block names the agent's line.
 */
export const SCRIPT_MAPS_PROBE_GLOBAL = '__openrtcScriptMapsProbe';
/**
 * Called with a StallExitWire (JSON) once a stall reaches `Slot.stallExitMs`: the only way to act
 * while the loop is stuck is from inside the interrupt, on the main thread, where the log lives.
 */
export const STALL_EXIT_GLOBAL = '__openrtcStallExit';

/** What the watchdog hands the stall exit: how long the loop has been stuck, and the latest look inside. */
export interface StallExitWire {
  blocked_ms: number;
  since_ms: number;
  sample: BlockSampleWire | null;
}

/** A frame as the V8 CallSite reports it on the main thread: bundle coordinates, 1-based. */
export interface RawFrame {
  function: string;
  file: string;
  line: number;
  column: number;
}

export interface ProbeScope {
  session_id: string;
  tenant: string;
  agent_name: string;
}

/** One look at the stalled main thread: when, whose code, where (mapped to the agent's source). */
export interface BlockSampleWire {
  at: number;
  scope: ProbeScope | null;
  frames: StackFrame[];
}

/**
 * What the CPU sampler's probe returns (as JSON) when JS is running; null when the loop is idle.
 * Stamped with the heartbeat it saw, so a sample taken inside a stall joins that stall's timeline
 * (the block probes start only once a stall is past the threshold; these run all along).
 */
export interface RunningProbeResult {
  stamp: number;
  at: number;
  scope: ProbeScope | null;
}

/** What the block probe returns (as JSON) when evaluated during a stall. */
export interface BlockProbeResult {
  /** false when the heartbeat moved since the stall was seen: the block ended, the sample is stale. */
  in_block: boolean;
  scope: ProbeScope | null;
  frames: RawFrame[];
  /** Main-thread wall clock at the sample. */
  sampled_at: number;
}

export interface WorkerInit {
  buffer: SharedArrayBuffer;
  /** CPU sampling period, ms; 0 = no CPU sampling. */
  cpuSampleMs: number;
  cpuFlushMs: number;
}

/** watchdog → live listener (the control thread), while a stall is in progress. */
export type LiveStallMessage =
  /** A stall was seen (sample null) or sampled again; the latest sample says who blocks now. */
  { type: 'stall'; stamp: number; sample: BlockSampleWire | null } | { type: 'stall-end'; stamp: number };

/** worker → main */
export type WatchdogMessage =
  | { type: 'ready' }
  | {
      type: 'block-samples';
      /** Heartbeat stamp the stall started after: pairs the samples with the heartbeat's own measurement. */
      stamp: number;
      /** Stall age when the watchdog noticed it, ms. */
      detected_after_ms: number;
      /** In time order, taken while the loop was stalled. */
      samples: BlockSampleWire[];
      /** How late the watchdog itself woke when it saw the stall (a contended host), ms. */
      watchdog_late_ms: number;
    }
  | ({ type: 'cpu' } & CpuBucket)
  /** The watchdog was starved too and took no sample inside the stall: the host, not code, stalled it. */
  | { type: 'host-stall'; stamp: number; watchdog_late_ms: number }
  | { type: 'error'; message: string };

/** main → worker */
export type MainMessage =
  | { type: 'stop' }
  /** From now on, tell the stall in progress on this port as it is sampled (the control thread listens). */
  | { type: 'live'; port: MessagePort };
