// What `openrtc run --livekit` loads on demand (the rest of the CLI never pays for it).
export { resolveLiveKitSettings, LiveKitSettingsError } from './settings';
export { WorkerMode } from './worker-mode';
export { publicUrl } from './worker-client';
export { capturedAgentNames } from './request-func';
