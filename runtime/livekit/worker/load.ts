// What a worker reports to LiveKit every 2.5 s (issue 17; research §6). Pure. LiveKit's dispatcher
// only sees `load` (offers are weighted by 1 − load) and AVAILABLE/FULL, so load is the larger
// of the session share of the worker cap and the event loop's utilisation (a loop busy with
// few sessions is as full as one at its cap), and FULL stops offers outright at the cap and
// while draining.

export interface LoadInputs {
  active: number;
  workerCap: number;
  /** Event loop utilisation over the last interval, 0..1. */
  loopUtilisation: number;
  draining: boolean;
}

export interface WorkerLoad {
  load: number;
  full: boolean;
}

export function workerLoad(i: LoadInputs): WorkerLoad {
  const share = i.workerCap > 0 ? i.active / i.workerCap : 1;
  const load = Math.min(1, Math.max(0, share, Number.isFinite(i.loopUtilisation) ? i.loopUtilisation : 0));
  return { load, full: i.draining || i.active >= i.workerCap };
}
