// The AgentSession agent code gets (through the @livekit/agents shim) is agents-js's own with
// one difference for local voice calls: before it starts, it takes the call's audio input and
// output and starts without the job's room. The room is a local stand-in that never connects;
// given it, agents-js would build RoomIO and wait for a remote participant's track that never
// comes. In a real LiveKit job, or a text call, the session starts exactly as agents-js's does.
import type { voice } from '@livekit/agents';
import type { AgentsModule } from '../agents-module';
import { voiceCallOf } from './call-registry';

type StartOptions = Parameters<voice.AgentSession['start']>[0];

export function voiceAgentSessionClass(agents: AgentsModule): typeof agents.voice.AgentSession {
  const Base = agents.voice.AgentSession;
  class AgentSession<UserData = unknown> extends Base<UserData> {
    override start(options: StartOptions): Promise<void> {
      const call = voiceCallOf(agents.getJobContext(false));
      if (!call?.attachIo(this)) return super.start(options);
      // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the room is left out on purpose (see above)
      const { room, ...rest } = options;
      return super.start(rest);
    }
  }
  return AgentSession;
}
