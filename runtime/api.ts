// The module agent code gets for `import { defineAgent, currentSession } from 'openrtc'`.
// The loader hands this very object to every agent bundle, so there is one AsyncLocalStorage.
export { defineAgent } from './agents/define.js';
export { currentSession } from './session/current.js';
export type { AgentDefinition, AgentProcess, SessionContext, EndReason } from './agents/types.js';
export type { ScopedLogger } from './logging/log.js';
