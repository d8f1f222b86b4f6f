// The LiveKit job a local call (openrtc call, the editor's test calls, runbooks) runs as: a fake
// job (connect() and recording are no-ops) whose job and room metadata carry the tenant, as a
// dispatch would. A text call runs in text simulation mode (AgentSession drops STT, TTS, VAD and
// audio I/O); a voice call does not: its session gets the caller's audio (agents/livekit/voice).
import type { RunningJobInfo } from '@livekit/agents';
import type { ProtocolModule } from '../../agents/livekit/agents-module';

/** agents-js's job attribute for a simulated dispatch (types.ts ATTRIBUTE_SIMULATOR_DISPATCH). */
export const SIMULATOR_DISPATCH_ATTRIBUTE = 'lk.simulator.dispatch';
export const LOCAL_WORKER_ID = 'openrtc-local';

export interface LocalJobInit {
  sessionId: string;
  tenant: string;
  agentName: string;
  /** Dispatch metadata of the call (its `tenant` is the resolved tenant). */
  metadata: Readonly<Record<string, unknown>>;
  /** A voice call: no text simulation attribute, so the AgentSession keeps its audio pipeline. */
  voice?: boolean;
}

export function localJobInfo(protocol: ProtocolModule, init: LocalJobInit): RunningJobInfo {
  const metadata = JSON.stringify({ ...init.metadata, tenant: init.tenant });
  const job = new protocol.Job({
    id: `AJ_${init.sessionId}`,
    agentName: init.agentName,
    metadata,
    room: {
      sid: `RM_${init.sessionId}`,
      name: `openrtc-${init.tenant}-${init.sessionId}`,
      metadata: JSON.stringify({ tenant: init.tenant }),
    },
    attributes: init.voice
      ? {}
      : {
          [SIMULATOR_DISPATCH_ATTRIBUTE]: JSON.stringify({
            simulationRunId: init.sessionId,
            mode: 'SIMULATION_MODE_TEXT',
          }),
        },
  });
  return {
    acceptArguments: { name: init.agentName, identity: `agent-${init.sessionId}`, metadata: '' },
    job,
    url: '',
    token: '',
    workerId: LOCAL_WORKER_ID,
    fakeJob: true,
  };
}
