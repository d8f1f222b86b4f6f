// `npm start`: the demo. Builds, starts `openrtc run examples/`, places calls for five tenants
// (one of them a stock LiveKit agents-js agent, called by text and by voice) at once so each
// behaviour shows within a minute (healthy, breaker opening, cap reached, loop blocked, voice
// sessions with their CPU share), prints the snapshot and `openrtc top --once` while they run, the outcome of every
// call, the telling log lines, then stops the runtime with SIGINT (drain, exit 0).
// Exits 1 if any of the behaviours did not show.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
const workspace = join(root, 'examples');
const logFile = join(workspace, '.openrtc', 'worker.jsonl');

const section = (title) => console.log(`\n=== ${title}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function openrtc(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: root,
      env: { ...process.env, OPENRTC_SOCKET: socket ?? '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let socket = null;
const demoStart = new Date().toISOString();

section('building (npm run build)');
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

section('starting: openrtc run examples/');
const runtime = spawn(process.execPath, [cli, 'run', workspace], {
  cwd: root,
  env: { ...process.env, OPENRTC_SOCKET: '' },
});
runtime.stderr.on('data', (d) => process.stderr.write(`  [runtime] ${d}`));
socket = await new Promise((resolve, reject) => {
  let out = '';
  const timer = setTimeout(() => reject(new Error(`runtime did not start: ${out}`)), 30_000);
  runtime.stdout.on('data', (d) => {
    out += d;
    const m = /listening on (\S+)/.exec(out);
    if (m) {
      clearTimeout(timer);
      console.log(`  ${out.trim()}`);
      resolve(m[1]);
    }
  });
  runtime.on('exit', (code) => reject(new Error(`runtime exited (${code}): ${out}`)));
});
console.log(`  watch it live from another terminal: OPENRTC_SOCKET=${socket} node dist/cli.js top`);

const calls = {
  'bright-dental (healthy)': [
    'call',
    'reception',
    '--tenant',
    'bright-dental',
    '--say',
    "I'd like a cleaning",
    '--say',
    'Tuesday works',
    '--count',
    '4',
    '--concurrency',
    '2',
    '--json',
  ],
  'busy-bistro (cap 2, 6 at once)': [
    'call',
    'reception',
    '--tenant',
    'busy-bistro',
    '--say',
    'table for two tonight',
    '--count',
    '6',
    '--concurrency',
    '6',
    '--json',
  ],
  'flaky-clinic (backend down)': [
    'call',
    'booking',
    '--tenant',
    'flaky-clinic',
    '--say',
    'any slots Friday?',
    '--count',
    '8',
    '--concurrency',
    '1',
    '--json',
  ],
  'slow-salon (sync calendar)': [
    'call',
    'legacy-calendar',
    '--tenant',
    'slow-salon',
    '--say',
    'a haircut',
    '--say',
    'Tuesday',
    '--say',
    '3pm',
    '--count',
    '2',
    '--concurrency',
    '2',
    '--json',
  ],
  'harbor-hotel (agents-js agent)': [
    'call',
    'concierge',
    '--tenant',
    'harbor-hotel',
    '--say',
    'a double room please',
    '--say',
    'and a suite?',
    '--say',
    'thanks',
    '--count',
    '3',
    '--concurrency',
    '3',
    '--json',
  ],
  // Real audio: espeak-ng speech in 20 ms frames into the agent's AgentSession, Silero VAD,
  // end-of-turn, espeak TTS played back at 1× (speech-to-text is scripted).
  'harbor-hotel (voice calls)': [
    'call',
    'concierge-voice',
    '--tenant',
    'harbor-hotel',
    '--voice',
    '--say',
    'a double room please',
    '--say',
    'thank you',
    '--count',
    '3',
    '--concurrency',
    '3',
    '--json',
  ],
};
section('placing calls for five tenants at once (harbor-hotel by text and by voice)');
for (const [label, args] of Object.entries(calls)) console.log(`  ${label.padEnd(32)} openrtc ${args.join(' ')}`);
const pending = Object.entries(calls).map(async ([label, args]) => [label, await openrtc(args)]);

await sleep(1800);
const [mid, midJson, top] = await Promise.all([
  openrtc(['snapshot']),
  openrtc(['snapshot', '--json']),
  openrtc(['top', '--once']),
]);
section('while the calls run: openrtc snapshot');
console.log(mid.stdout || mid.stderr);
section('openrtc top --once');
console.log(top.stdout || top.stderr);

// The voice sessions start once agents-js and Silero have loaded (a few seconds, once): wait for
// them to be live and streaming, then show them in `top` with their share of the loop.
let voiceTop = { stdout: '', stderr: 'no voice session was live' };
for (let i = 0; i < 60; i++) {
  const snap = await openrtc(['snapshot', '--json']);
  const live = (() => {
    try {
      return JSON.parse(snap.stdout).sessions.filter(
        (x) => x.agent_name === 'concierge-voice' && x.status === 'active',
      );
    } catch {
      return [];
    }
  })();
  if (live.length > 0) {
    await sleep(2500);
    voiceTop = await openrtc(['top', '--once', '--tenant', 'harbor-hotel']);
    break;
  }
  await sleep(500);
}
section('voice calls live: openrtc top --once --tenant harbor-hotel');
console.log(voiceTop.stdout || voiceTop.stderr);

const results = Object.fromEntries(await Promise.all(pending));
section("outcome of each tenant's calls (openrtc call --json; exit 1 = some failed or were rejected)");
for (const [label, r] of Object.entries(results))
  console.log(`  ${label.padEnd(32)} exit ${r.code}  ${r.stdout.trim() || r.stderr.trim()}`);

section('final snapshot');
const final = await openrtc(['snapshot']);
console.log(final.stdout || final.stderr);
const finalJson = JSON.parse((await openrtc(['snapshot', '--json'])).stdout);

section(`telling log lines: openrtc logs ${logFile.replace(`${root}/`, '')} --level warning`);
// The log file outlives runs: keep this run's records only, one of each kind.
const logs = await openrtc(['logs', logFile, '--level', 'warning', '--json']);
const telling = logs.stdout
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l))
  .filter((r) => r.timestamp >= demoStart && /circuit-breaker|slow-session|Rejecting|failed|Error/.test(r.message));
const shown = new Set();
for (const r of telling) {
  const kind = /circuit-breaker|slow-session|Rejecting|failed|Error/.exec(r.message)[0];
  if (shown.has(kind)) continue;
  shown.add(kind);
  console.log(
    `  ${r.level} ${r.tenant ?? '-'} ${r.session_id ?? '-'}: ${r.message.split('\n').slice(0, 2).join(' | ').slice(0, 220)}`,
  );
}

section('stopping: SIGINT (drain, then exit)');
runtime.kill('SIGINT');
const code = await new Promise((r) => runtime.once('exit', r));
console.log(`  runtime exited with code ${code}`);

const parse = (r) => {
  try {
    return JSON.parse(r.stdout);
  } catch {
    return null;
  }
};
const healthy = parse(results['bright-dental (healthy)']);
const capped = parse(results['busy-bistro (cap 2, 6 at once)']);
const flaky = parse(results['flaky-clinic (backend down)']);
const hotel = parse(results['harbor-hotel (agents-js agent)']);
const voiceCalls = parse(results['harbor-hotel (voice calls)']);
// The voice sessions were live while `top` ran, each on a row of its own with its CPU share.
const voiceRows = (voiceTop.stdout ?? '')
  .split('\n')
  .filter((l) => /concierge-voi\S*\s+harbor-hotel\s+\d+\s+\d+\.\d/.test(l));
const midSnap = (() => {
  try {
    return JSON.parse(midJson.stdout);
  } catch {
    return null;
  }
})();
const slowSeen =
  (finalJson.tenants?.['slow-salon']?.slow_sessions ?? 0) > 0 ||
  (midSnap?.sessions ?? []).some((s) => s.tenant === 'slow-salon' && (s.status === 'slow' || s.blocked_ms_last)) ||
  telling.some((r) => /slow-session/.test(r.message) && /slow-salon|legacy-calendar/.test(r.message));
const checks = [
  [
    'healthy tenant: every call succeeded',
    healthy && healthy.failed === 0 && healthy.succeeded === healthy.started && healthy.started > 0,
  ],
  [
    'agents-js tenant: every call succeeded',
    hotel && hotel.failed === 0 && hotel.succeeded === hotel.started && hotel.started > 0,
  ],
  [
    'voice calls: every call succeeded',
    voiceCalls && voiceCalls.failed === 0 && voiceCalls.succeeded === voiceCalls.started && voiceCalls.started > 0,
  ],
  ['voice sessions shown in top with their CPU share', voiceRows.length > 0],
  ['capped tenant: rejected at its cap', (capped?.rejected?.tenant_cap ?? 0) > 0],
  [
    'failing tenant: calls failed and its breaker opened',
    (flaky?.failed ?? 0) > 0 && (flaky?.rejected?.circuit_open ?? 0) > 0,
  ],
  ['blocking tenant: its sessions marked slow / attributed', slowSeen],
  ['runtime stopped cleanly (exit 0)', code === 0],
];
section('what the demo showed');
for (const [what, ok] of checks) console.log(`  ${ok ? 'yes' : 'NO '}  ${what}`);
process.exit(checks.every(([, ok]) => ok) ? 0 : 1);
