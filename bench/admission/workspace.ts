// Writes a throw-away workspace whose agents are the benchmark's agent bodies, with caps high
// enough that admission never rejects (the benchmark measures the admission path, not refusals).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function makeBenchWorkspace(maxSessions: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'openrtc-bench-'));
  mkdirSync(join(dir, 'agents'));
  const logic = JSON.stringify(join(__dirname, 'agent-logic.ts'));
  for (const [name, entry] of [
    ['echo', 'echoEntry'],
    ['idle', 'idleEntry'],
  ]) {
    writeFileSync(
      join(dir, 'agents', `${name}.ts`),
      `import { defineAgent } from 'openrtc';\nimport { ${entry} } from ${logic};\nexport default defineAgent({ name: '${name}', entry: ${entry} });\n`,
    );
  }
  writeFileSync(
    join(dir, 'openrtc.json'),
    JSON.stringify({
      agents: 'agents/',
      max_concurrent_sessions: maxSessions,
      max_sessions_per_tenant: { '*': maxSessions },
      log_file: '.openrtc/worker.jsonl',
      metrics_jsonl: '.openrtc/metrics.jsonl',
    }),
  );
  return dir;
}
