// Package entry: the agent API (what `import ... from 'openrtc'` resolves to) plus the engine for
// programs that embed a runtime (the CLI, tests, benchmarks).
export * from './api';
export { Runtime, RUNTIME_VERSION, type RuntimeStartOptions } from './runtime';
export { ConfigError } from './config/types';
export type { OpenrtcConfig } from './config/types';
export type { AttributionFactory, SessionAttribution, LoopBlockReport } from './loop-health/attribution-seam';
