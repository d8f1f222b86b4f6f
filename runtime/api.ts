// The module agent code gets for `import { defineAgent, currentSession } from 'openrtc'`.
// The loader hands this very object to every agent bundle, so there is one AsyncLocalStorage.
export { defineAgent } from './agents/define';
export { currentSession } from './session/current';
export type { AgentDefinition, AgentProcess, SessionContext, EndReason } from './agents/types';
export type { ScopedLogger } from './log-writer/log';
export { scriptedSTT, espeakTTS } from './agents/livekit/voice/api';
