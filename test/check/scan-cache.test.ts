// The language server's start-up scan through `openrtc check`'s cache and worker threads: the
// real server bundle (with dist/analysis-worker.js beside it) over stdio, restarted on the
// same workspace. Counted from the scan's log line, never timed.
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../server/lsp-client';
import { agentFiles, BuiltCheck, countsOf, TempWorkspace } from './check-harness';

const bundles = new BuiltCheck(['cli', 'check', 'analysis-worker', 'frontend-python', 'frontend-typescript', 'server']);
let ws: TempWorkspace;

before(() => {
  bundles.build();
  // lsp-client.ts starts this bundle instead of building its own (which has no worker script).
  process.env['OPENRTC_SERVER_BUNDLE'] = path.join(bundles.dir, 'server.js');
  const files: Record<string, string> = { ...agentFiles };
  for (let i = 0; i < 60; i++) files[`many/m${i}.py`] = `import time\n\n\nasync def h${i}():\n    time.sleep(${i})\n`;
  ws = new TempWorkspace(files);
});
after(() => {
  bundles.remove();
  ws.remove();
});

interface ScanLog {
  files: number;
  analysed: number;
  threads: number;
}

async function scanOnce(): Promise<{ log: ScanLog; agentCodes: string[] }> {
  const client = await TestClient.start({ root: ws.root });
  try {
    const deadline = Date.now() + 60_000;
    let line: RegExpExecArray | null = null;
    while (line === null && Date.now() < deadline) {
      line =
        client.logs
          .map((l) => /workspace scan: (\d+) files, (\d+) analysed(?: on (\d+) worker threads?)?/.exec(l))
          .find((m) => m !== null) ?? null;
      if (line === null) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(line !== null, `no scan log line in ${JSON.stringify(client.logs)}`);
    const diagnostics = await client.pull(path.join(ws.root, 'pkg/agent.py'));
    return {
      log: { files: +line[1]!, analysed: +line[2]!, threads: line[3] === undefined ? 0 : +line[3] },
      agentCodes: diagnostics.map((d) => String(d.code)).sort(),
    };
  } finally {
    await client.stop();
  }
}

describe('the server scan shares the check cache', () => {
  it('parses every file on worker threads cold, nothing on a restart, one file after an edit; check reuses it', async () => {
    const cold = await scanOnce();
    const expectedThreads = availableParallelism() > 1 ? Math.min(availableParallelism(), 3) : 0;
    assert.deepEqual(cold.log, { files: 64, analysed: 64, threads: expectedThreads });
    assert.deepEqual(cold.agentCodes, ['ORP100', 'ORP101'], 'the chain through pkg/helpers.py is found');

    const warm = await scanOnce();
    assert.deepEqual(warm.log, { files: 64, analysed: 0, threads: 0 });
    assert.deepEqual(warm.agentCodes, cold.agentCodes);

    // `openrtc check` finds the server's summaries (it computes the findings, which the server does not store).
    const check = await bundles.run(ws.root, ['--json']);
    assert.deepEqual(countsOf(check.stderr), [{ files: 64, analysed: 0, threads: 0, findingsComputed: 64 }]);

    ws.write('pkg/helpers.py', 'import time\n\n\ndef load():\n    return 1\n');
    const edited = await scanOnce();
    assert.deepEqual(edited.log, { files: 64, analysed: 1, threads: 0 });
    assert.deepEqual(edited.agentCodes, ['ORP101'], 'the edited helper no longer blocks');
  });
});
