// The tenants kept isolated across a restart (runtime/engine/isolation-memory.ts): written
// atomically, read back, and a file a person broke is refused whole with where and why.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsolationMemory } from '../../runtime/engine/isolation-memory';

describe('isolation memory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orc-isomem-'));
  const file = join(dir, '.openrtc', 'isolated-tenants.json');
  const fresh = (): { memory: IsolationMemory; problems: string[] } => {
    const memory = new IsolationMemory(file);
    const problems: string[] = [];
    memory.load((p) => problems.push(p));
    return { memory, problems };
  };

  it('remembers, survives a reload, forgets (the file goes with the last tenant)', () => {
    const a = fresh();
    assert.deepEqual(a.problems, []);
    a.memory.remember('spinco', { reason: 'stall exit: blocked', at: '2026-12-06T00:00:00.000Z' });
    const b = fresh();
    assert.equal(b.memory.reasonOf('spinco'), 'stall exit: blocked');
    assert.deepEqual(
      b.memory.entries().map(([t]) => t),
      ['spinco'],
    );
    b.memory.forget('spinco');
    assert.equal(existsSync(file), false);
  });

  it('a broken file is ignored whole, with the file and the reason', () => {
    for (const [text, why] of [
      ['{nope', /not valid JSON/],
      ['{"version": 2, "tenants": {}}', /version must be 1, got 2/],
      ['{"version": 1, "tenants": {"bad id": {"reason": "x", "at": "y"}}}', /"bad id" is not a valid tenant id/],
      ['{"version": 1, "tenants": {"ok": {"reason": 3}}}', /tenants\.ok: must be/],
    ] as const) {
      writeFileSync(file, text);
      const { memory, problems } = fresh();
      assert.equal(problems.length, 1);
      assert.match(problems[0]!, why);
      assert.ok(problems[0]!.startsWith(file));
      assert.deepEqual(memory.entries(), []);
      assert.equal(readFileSync(file, 'utf8'), text, 'a refused file is left as it was');
    }
    rmSync(dir, { recursive: true, force: true });
  });
});
