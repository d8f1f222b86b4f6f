// The bundled runtime (as the vsix ships it) must load .ts agents with no node_modules at all:
// esbuild's JS API is in the bundle and drives dist/bin/esbuild through ESBUILD_BINARY_PATH.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ECHO_AGENT, makeWorkspace } from './engine-workspace';

const ROOT = join(__dirname, '../..');

describe('bundled runtime without node_modules', () => {
  const out = mkdtempSync(join(tmpdir(), 'openrtc-dist-'));
  const ws = makeWorkspace({ 'agents/echo.ts': ECHO_AGENT });
  after(() => {
    rmSync(out, { recursive: true, force: true });
    ws.cleanup();
  });

  it('dist/runtime.js loads a .ts agent and runs a call from a directory with no node_modules', () => {
    const dist = join(out, 'dist');
    const build = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts/build.mjs'), '--outdir', dist, '--only', 'runtime'],
      { encoding: 'utf8' },
    );
    assert.equal(build.status, 0, build.stderr);
    assert.ok(existsSync(join(dist, 'bin/esbuild')), 'the native binary is shipped');
    const script = `
      const { Runtime } = require(${JSON.stringify(join(dist, 'runtime.js'))});
      (async () => {
        const rt = await Runtime.start({ workspaceDir: ${JSON.stringify(ws.dir)}, watch: false });
        const r = await rt.startCalls({ agent: 'echo', tenant: 'acme', say: ['ping'] });
        const lines = (await rt.logs({ session_id: r.sessions[0] })).records.map((x) => x.message);
        await rt.stop();
        console.log(JSON.stringify({ r, lines, binary: process.env.ESBUILD_BINARY_PATH }));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const run = spawnSync(process.execPath, ['-e', script], {
      cwd: out,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '' },
    });
    assert.equal(run.status, 0, run.stderr);
    const res = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
      r: { succeeded: number };
      lines: string[];
      binary: string;
    };
    assert.equal(res.r.succeeded, 1);
    assert.ok(res.lines.includes('agent: echo: ping'), res.lines.join('\n'));
    assert.equal(res.binary, join(dist, 'bin/esbuild'));
  });
});
