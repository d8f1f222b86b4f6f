// Local calls without an agent name (`openrtc call --tenant T --metadata '{"agent":…}'`) are
// routed as worker mode routes a LiveKit job with automatic dispatch (issue 17, Deliver 3).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ControlError, ErrorCodes } from '../../protocol/control';
import { Runtime } from '../../runtime/runtime';
import { ECHO_AGENT, makeWorkspace, type Workspace } from '../runtime/engine-workspace';

const NAMED = (name: string): string =>
  ECHO_AGENT.replace("name: 'echo'", `name: '${name}'`).replace("'echo: '", `'${name}: '`);

describe('startCalls without an agent routes like automatic dispatch', () => {
  let ws: Workspace;
  let rt: Runtime;
  before(async () => {
    ws = makeWorkspace({ 'agents/booking.ts': NAMED('booking'), 'agents/support.ts': NAMED('support') });
    rt = await Runtime.start({ workspaceDir: ws.dir, watch: false });
  });
  after(async () => {
    await rt.stop();
    ws.cleanup();
  });

  const agentOf = async (sessionId: string): Promise<unknown> =>
    (await rt.logs({ session_id: sessionId })).records.find((r) => String(r.message).startsWith('session started'))
      ?.agent_name;

  it('metadata "agent" picks the agent; without it the first registered one answers', async () => {
    const named = await rt.startCalls({ tenant: 'acme', metadata: { agent: 'support' }, say: ['hi'] });
    assert.equal(named.succeeded, 1, JSON.stringify(named));
    assert.equal(await agentOf(named.sessions[0]!), 'support');
    const first = await rt.startCalls({ tenant: 'acme', say: ['hi'] });
    assert.equal(first.succeeded, 1, JSON.stringify(first));
    assert.equal(await agentOf(first.sessions[0]!), rt.jobHost().agentNames()[0]);
  });

  it('metadata naming an agent this runtime does not have is refused, naming the agents', async () => {
    await assert.rejects(
      rt.startCalls({ tenant: 'acme', metadata: { agent: 'billing' }, say: ['hi'] }),
      (e: unknown) =>
        e instanceof ControlError &&
        e.code === ErrorCodes.UnknownAgent &&
        /names agent "billing", which this runtime does not have \(agents: booking, support\)/.test(e.message),
    );
  });
});
