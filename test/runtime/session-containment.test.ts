// Failure containment in a real child process: errors from timers and unhandled rejections
// started by sessions must fail those sessions only; the process keeps serving others.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { StartCallsResult, TenantSnapshot } from '../../protocol/control';
import { ECHO_AGENT, makeWorkspace } from './engine-workspace';

const CHILD = join(__dirname, 'engine-child.ts');

const TIMER_THROW = `
import { defineAgent } from 'openrtc';
export default defineAgent({
  name: 'timer-throw',
  async entry(ctx) {
    setTimeout(() => { throw new Error('timer exploded in ' + ctx.sessionId); }, 5);
    await new Promise((r) => setTimeout(r, 100));
  },
});
`;

const LEAKY_REJECT = `
import { defineAgent } from 'openrtc';
async function fetchLater() {
  await new Promise((r) => setTimeout(r, 3));
  throw new Error('provider 503');
}
export default defineAgent({
  name: 'leaky-reject',
  async entry() {
    void fetchLater(); // nobody awaits it: an unhandled rejection inside the session
    await new Promise((r) => setTimeout(r, 100));
  },
});
`;

interface ChildResult {
  timer: StartCallsResult;
  rejection: StartCallsResult;
  good: StartCallsResult;
  afterwards: StartCallsResult;
  tenants: Record<string, TenantSnapshot>;
  total_session_failures: number;
}

function runChild(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('failure containment', () => {
  const ws = makeWorkspace(
    { 'agents/timer-throw.ts': TIMER_THROW, 'agents/leaky-reject.ts': LEAKY_REJECT, 'agents/echo.ts': ECHO_AGENT },
    { max_concurrent_sessions: 1000 },
  );
  after(() => ws.cleanup());

  it('100 sessions throwing from timers / leaving unhandled rejections fail alone; others are served', async () => {
    const { code, stdout, stderr } = await runChild(['containment', ws.dir]);
    assert.equal(code, 0, `child exited ${code}: ${stderr}`);
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
    assert.deepEqual([r.timer.started, r.timer.failed], [50, 50]);
    assert.deepEqual([r.rejection.started, r.rejection.failed], [50, 50]);
    assert.deepEqual([r.good.started, r.good.succeeded, r.good.failed], [100, 100, 0]);
    assert.deepEqual([r.afterwards.succeeded, r.afterwards.failed], [20, 0]);
    assert.equal(r.tenants['bad']?.failures, 100, 'each failing session counted once for its tenant');
    assert.equal(r.tenants['good']?.failures, 0);
    assert.equal(r.total_session_failures, 100);

    const log = ws.readLog();
    const failed = log.filter((l) => typeof l['message'] === 'string' && l['message'].startsWith('session failed'));
    assert.equal(failed.length, 100);
    for (const rec of failed) {
      assert.equal(rec['tenant'], 'bad');
      assert.match(String(rec['exc_info']), /timer exploded in SES_|provider 503/);
      // The stack points at the agent's own source line, not the bundle.
      assert.match(String(rec['exc_info']), /agents\/(timer-throw|leaky-reject)\.ts:\d+:\d+/);
      assert.doesNotMatch(String(rec['exc_info']), /\?v=\d+/);
    }
    // The error of session X was attributed to X: the message names the session that threw.
    for (const rec of failed.filter((l) => String(l['exc_info']).includes('timer exploded'))) {
      assert.ok(String(rec['exc_info']).includes(String(rec['session_id'])));
    }
  });
});
