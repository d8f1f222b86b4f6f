// No record lost on SIGTERM/SIGINT: a real runtime in a child process under load is signalled;
// after it exits the log must hold a start and exactly one end record for every session the
// final snapshot counted, and every record of a session must carry its scope.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeWorkspace } from './engine-workspace';

const CHILD = join(__dirname, 'engine-child.ts');

const CHATTY = `
import { defineAgent, currentSession } from 'openrtc';
export default defineAgent({
  name: 'chatty',
  async entry(ctx) {
    ctx.log.info('call from %s', ctx.tenant);
    for await (const turn of ctx.userTurns()) {
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
      console.log('heard', turn);
      currentSession()?.log.debug('replying');
      ctx.say('ok ' + turn);
    }
  },
});
`;

interface Report {
  signal: string;
  live_at_signal: number;
  total_sessions_started: number;
  log_file: string;
}

function runUntilSignal(
  dir: string,
  signal: NodeJS.Signals,
  afterMs: number,
): Promise<{ code: number | null; report: Report; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'serve', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!signalled && stdout.includes('ready\n')) {
        signalled = true;
        setTimeout(() => child.kill(signal), afterMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        resolve({ code, report: JSON.parse(stdout.trim().split('\n').at(-1)!) as Report, stderr });
      } catch {
        reject(new Error(`child gave no report (exit ${code}): ${stdout} ${stderr}`));
      }
    });
  });
}

describe('log completeness on shutdown signals', { concurrency: 2 }, () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const ws = makeWorkspace({ 'agents/chatty.ts': CHATTY }, { max_concurrent_sessions: 200 });
    after(() => ws.cleanup());

    it(`${signal} mid-load: every counted session has one start and exactly one end record`, async () => {
      const { code, report, stderr } = await runUntilSignal(ws.dir, signal, 700);
      assert.equal(code, 0, stderr);
      assert.equal(report.signal, signal);
      assert.ok(report.live_at_signal > 0, 'the signal arrived while calls were live');
      const records = readFileSync(report.log_file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const starts = new Map<string, number>();
      const ends = new Map<string, number>();
      for (const r of records) {
        assert.ok(typeof r['timestamp'] === 'string' && !Number.isNaN(Date.parse(r['timestamp'])), 'ISO timestamp');
        assert.ok(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'].includes(String(r['level'])));
        const sid = r['session_id'];
        if (sid === null) {
          assert.equal(r['tenant'], null);
          assert.equal(r['agent_name'], null);
          continue;
        }
        assert.equal(r['agent_name'], 'chatty');
        assert.ok(r['tenant'] === 'acme' || r['tenant'] === 'beta');
        const msg = String(r['message']);
        if (msg.startsWith('session started')) starts.set(String(sid), (starts.get(String(sid)) ?? 0) + 1);
        if (/^session (ended|failed|cancelled)/.test(msg)) ends.set(String(sid), (ends.get(String(sid)) ?? 0) + 1);
      }
      assert.ok(report.total_sessions_started > 0);
      assert.equal(starts.size, report.total_sessions_started, 'a start record for every counted session');
      for (const [sid, n] of starts) {
        assert.equal(n, 1, `one start record for ${sid}`);
        assert.equal(ends.get(sid), 1, `exactly one end record for ${sid}`);
      }
      assert.equal(ends.size, starts.size);
      // console.* and currentSession().log inside sessions were captured with their scope.
      assert.ok(
        records.some(
          (r) => r['logger'] === 'console' && String(r['message']).startsWith('heard') && r['session_id'] !== null,
        ),
      );
      assert.ok(records.some((r) => r['logger'] === 'agent.chatty' && r['level'] === 'DEBUG'));
    });
  }
});
