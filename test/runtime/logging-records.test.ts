import assert from 'node:assert/strict';
import fs, { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RuntimeLog } from '../../runtime/log-writer/log';
import { Runtime } from '../../runtime/runtime';
import { makeWorkspace } from './engine-workspace';

const TALKER = `
import { defineAgent, currentSession } from 'openrtc';
function deepHelper() {
  // No ctx in scope here: the record is scoped through AsyncLocalStorage.
  currentSession()?.log.warn('helper saw %d turns', 1);
}
export default defineAgent({
  name: 'talker',
  async entry(ctx) {
    ctx.log.info('start %s', ctx.tenant);
    console.info('console line');
    await new Promise((r) => setTimeout(r, 2));
    deepHelper();
    console.error('about to fail', new Error('inner detail'));
    if (ctx.metadata.explode) throw new TypeError('exploded');
  },
});
`;

describe('scoped JSONL records', () => {
  it('every record of a session carries its scope; logs() selects exactly by session and tenant', async () => {
    const ws = makeWorkspace({ 'agents/talker.ts': TALKER });
    const rt = await Runtime.start({ workspaceDir: ws.dir, watch: false });
    try {
      const a = await rt.startCalls({ agent: 'talker', tenant: 'acme', count: 3, concurrency: 3 });
      const b = await rt.startCalls({ agent: 'talker', tenant: 'beta', metadata: { explode: true } });
      const written: string[] = [];
      const realWrite = process.stdout.write.bind(process.stdout);
      process.stdout.write = (chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      };
      try {
        console.log('outside any session: reaches the terminal, not the log');
      } finally {
        process.stdout.write = realWrite;
      }
      assert.ok(
        written.join('').includes('outside any session: reaches the terminal'),
        'console outside a session still prints',
      );
      assert.equal(b.failed, 1);

      const all = (await rt.logs({ limit: 10_000 })).records;
      for (const r of all) {
        assert.deepEqual(
          Object.keys(r)
            .filter((k) => k !== 'exc_info')
            .sort(),
          ['agent_name', 'level', 'logger', 'message', 'session_id', 'tenant', 'timestamp'],
        );
        const scoped = r.session_id !== null;
        assert.equal(r.tenant !== null, scoped);
        assert.equal(r.agent_name !== null, scoped);
      }
      assert.ok(!all.some((r) => r.message.includes('outside any session')));

      const sid = b.sessions[0]!;
      const mine = (await rt.logs({ session_id: sid })).records;
      assert.deepEqual(
        mine.map((r) => [r.logger, r.level, r.message]),
        [
          ['openrtc', 'INFO', 'session started (agent=talker tenant=beta)'],
          ['agent.talker', 'INFO', 'start beta'],
          ['console', 'INFO', 'console line'],
          ['agent.talker', 'WARNING', 'helper saw 1 turns'],
          ['console', 'ERROR', 'about to fail'],
          ['openrtc', 'ERROR', mine.at(-1)!.message],
        ],
      );
      assert.match(mine.at(-1)!.message, /^session failed after \d+(\.\d+)?s: TypeError: exploded$/);
      assert.match(mine[4]!.exc_info ?? '', /Error: inner detail/);
      assert.match(mine[5]!.exc_info ?? '', /TypeError: exploded\n\s+at .*agents\/talker\.ts:\d+:\d+/);
      assert.ok(mine.every((r) => r.session_id === sid && r.tenant === 'beta' && r.agent_name === 'talker'));

      const acme = (await rt.logs({ tenant: 'acme', limit: 10_000 })).records;
      assert.equal(new Set(acme.map((r) => r.session_id)).size, 3);
      assert.ok(acme.every((r) => r.tenant === 'acme' && a.sessions.includes(r.session_id!)));
      assert.equal(acme.length, 3 * 6, 'six records per acme session: start, 4 agent lines, end');
    } finally {
      await rt.stop();
      ws.cleanup();
    }
  });
});

describe('log latency', () => {
  it('a record reaches the file within a second on a quiet runtime, without stop or a full batch', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'openrtc-log-')), 'worker.jsonl');
    const log = new RuntimeLog(file);
    try {
      log.write('info', null, 'openrtc', 'one small record');
      const deadline = Date.now() + 1_000;
      while (!readFileSync(file, 'utf8').includes('one small record')) {
        assert.ok(Date.now() < deadline, 'record not in the file after 1 s');
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      log.close();
    }
  });

  it('the periodic flush only writes: no fsync on the loop while the runtime runs, one on close', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'openrtc-log-')), 'worker.jsonl');
    const log = new RuntimeLog(file);
    // Counts the fsyncs sonic-boom makes (it calls fs.fsyncSync through the module object).
    const realFsync = fs.fsyncSync;
    let fsyncs = 0;
    fs.fsyncSync = (fd) => {
      fsyncs++;
      realFsync(fd);
    };
    try {
      for (let i = 0; i < 10; i++) {
        log.write('info', null, 'openrtc', `record ${i}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(readFileSync(file, 'utf8').includes('record 8'), 'the timer wrote the records');
      assert.equal(fsyncs, 0);
      log.close();
      assert.equal(fsyncs, 1);
    } finally {
      fs.fsyncSync = realFsync;
      log.close();
    }
  });
});
