import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAgentsInternalRejection } from '../../runtime/livekit/job/rejection-policy';

const withStack = (frames: string[]): Error => {
  const e = new Error('x');
  e.stack = ['Error: x', ...frames.map((f) => `    at ${f}`)].join('\n');
  return e;
};
const AGENTS = '/w/node_modules/@livekit/agents/dist/voice/agent_activity.cjs:10:5';

describe('agents-js internal rejections (pure policy)', () => {
  it('only @livekit frames and Node internals: internal', () => {
    assert.equal(
      isAgentsInternalRejection(
        withStack([
          `AgentActivity.x (${AGENTS})`,
          'process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
        ]),
      ),
      true,
    );
  });
  it("any frame of the user's code (an agent bundle) makes it the session's own failure", () => {
    assert.equal(isAgentsInternalRejection(withStack([`x (${AGENTS})`, 'entry (/w/agents/a.ts?v=3:12:7)'])), false);
    assert.equal(isAgentsInternalRejection(withStack(['tool (/w/agents/a.ts:12:7)', `y (${AGENTS})`])), false);
  });
  it('no stack, no frames, or only Node internals: not agents-js (the session fails, as before)', () => {
    assert.equal(isAgentsInternalRejection('a string'), false);
    assert.equal(isAgentsInternalRejection(withStack([])), false);
    assert.equal(isAgentsInternalRejection(withStack(['f (node:internal/timers:1:1)'])), false);
  });
});
