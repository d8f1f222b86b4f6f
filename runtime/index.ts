// Package entry: the agent API (what `import ... from 'openrtc'` resolves to) plus the engine for
// programs that embed a runtime (the CLI, tests, benchmarks).
export * from './api.js';
export { Runtime, RUNTIME_VERSION, type RuntimeStartOptions } from './runtime.js';
export { ConfigError } from './config/types.js';
export type { OpenrtcConfig } from './config/types.js';
export type { AttributionFactory, SessionAttribution, LoopBlockReport } from './observe/attribution-seam.js';
