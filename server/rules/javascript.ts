// The JavaScript/TypeScript catalogue: one row per rule, matched against fully qualified
// API names after import/alias resolution (module part without the `node:` prefix).
// ORJ100 (blocks through a helper) is reported by the core, with the chain; ORJ150 and ORJ160
// by the front end from the shape of the code; the rest are matched call by call.
// Docs: docs/rules/<code>.md, headers generated from this table. Codes are never reused.
import { helperCallTemplate } from './helper-message';
import type { Rule } from './rule';

/** Code for a loop-reachable call to a helper that blocks (reported by the core with the chain). */
export const JAVASCRIPT_HELPER_CODE = 'ORJ100';
/** Code for a loop that polls the clock without awaiting. */
export const JAVASCRIPT_BUSY_WAIT_CODE = 'ORJ150';
/** Code for `require()` in loop code. */
export const JAVASCRIPT_REQUIRE_CODE = 'ORJ160';

const both: Rule['languages'] = ['typescript', 'javascript'];
const fsApis = (names: readonly string[]): string[] => names.map((name) => `fs.${name}`);
/** fs-extra's own sync helpers (it also re-exports every `fs` function; see blockingCallRule). */
const fsExtraApis = (names: readonly string[]): string[] => names.map((name) => `fs-extra.${name}`);

export const javascriptRules: readonly Rule[] = [
  {
    code: JAVASCRIPT_HELPER_CODE,
    name: 'blocking-helper-call',
    languages: both,
    apis: [],
    message: helperCallTemplate(undefined),
    replacement:
      'make the helper async (node:fs/promises, child_process.execFile with await, ...) or move it to a worker_threads Worker',
    severity: 'warning',
    flags: 'a call from loop code to a sync helper that blocks (any file in the workspace)',
    peerNote: '`n/no-sync` matches names, not call chains',
  },
  {
    code: 'ORJ101',
    name: 'sync-fs-read',
    languages: both,
    apis: [...fsApis(['readFileSync', 'readSync', 'readvSync']), ...fsExtraApis(['readJsonSync', 'readJSONSync'])],
    message: 'Synchronous file read blocks the shared event loop; use `await readFile(...)` from `node:fs/promises`',
    replacement: 'readFile / FileHandle.read from node:fs/promises',
    severity: 'warning',
    flags: '`readFileSync`, `readSync`, `readvSync`',
    eslintRules: ['n/no-sync'],
    peerNote: 'matches any name ending in `Sync`, in loop code or not',
  },
  {
    code: 'ORJ102',
    name: 'sync-fs-write',
    languages: both,
    apis: [
      ...fsApis([
        'writeFileSync',
        'appendFileSync',
        'writeSync',
        'writevSync',
        'copyFileSync',
        'cpSync',
        'truncateSync',
        'ftruncateSync',
        'fsyncSync',
        'fdatasyncSync',
      ]),
      ...fsExtraApis([
        'outputFileSync',
        'outputJsonSync',
        'outputJSONSync',
        'writeJsonSync',
        'writeJSONSync',
        'copySync',
      ]),
    ],
    message:
      'Synchronous file write blocks the shared event loop; use `await writeFile(...)`/`appendFile`/`copyFile` from `node:fs/promises`',
    replacement: 'writeFile / appendFile / copyFile / cp from node:fs/promises',
    severity: 'warning',
    flags: '`writeFileSync`, `appendFileSync`, `copyFileSync`, ...',
    eslintRules: ['n/no-sync'],
    peerNote: 'matches any name ending in `Sync`, in loop code or not',
  },
  {
    code: 'ORJ103',
    name: 'sync-fs-metadata',
    languages: both,
    apis: fsApis([
      'existsSync',
      'accessSync',
      'statSync',
      'lstatSync',
      'fstatSync',
      'statfsSync',
      'readdirSync',
      'opendirSync',
      'globSync',
      'mkdirSync',
      'mkdtempSync',
      'rmSync',
      'rmdirSync',
      'unlinkSync',
      'renameSync',
      'linkSync',
      'symlinkSync',
      'readlinkSync',
      'realpathSync',
      'realpathSync.native',
      'openSync',
      'closeSync',
      'chmodSync',
      'fchmodSync',
      'lchmodSync',
      'chownSync',
      'fchownSync',
      'lchownSync',
      'utimesSync',
      'futimesSync',
      'lutimesSync',
    ]).concat(
      fsExtraApis([
        'ensureDirSync',
        'ensureFileSync',
        'mkdirsSync',
        'mkdirpSync',
        'removeSync',
        'emptyDirSync',
        'emptydirSync',
        'moveSync',
        'pathExistsSync',
      ]),
    ),
    message:
      'Synchronous file-system call (metadata, directory or handle) blocks the shared event loop; use the `node:fs/promises` form (`stat`, `access`, `readdir`, `mkdir`, `rm`, ...) with await',
    replacement: 'stat / access / readdir / mkdir / rm / rename / open from node:fs/promises',
    severity: 'warning',
    flags: '`statSync`, `existsSync`, `readdirSync`, `openSync`, ...',
    eslintRules: ['n/no-sync'],
    peerNote: 'matches any name ending in `Sync`, in loop code or not',
  },
  {
    code: 'ORJ110',
    name: 'sync-child-process',
    languages: both,
    apis: ['child_process.execSync', 'child_process.execFileSync', 'child_process.spawnSync'],
    message:
      'Synchronous child process blocks the shared event loop until the process exits; use `promisify(execFile)` from `node:util` with await, or `spawn` with events',
    replacement: 'promisify(execFile) / spawn from node:child_process',
    severity: 'warning',
    flags: '`execSync`, `execFileSync`, `spawnSync`',
    eslintRules: ['n/no-sync'],
    peerNote: 'matches any name ending in `Sync`, in loop code or not',
  },
  {
    code: 'ORJ120',
    name: 'sync-crypto',
    languages: both,
    apis: [
      'crypto.pbkdf2Sync',
      'crypto.scryptSync',
      'crypto.generateKeyPairSync',
      'crypto.generateKeySync',
      'crypto.generatePrimeSync',
      'crypto.checkPrimeSync',
    ],
    message:
      'CPU-heavy synchronous crypto blocks the shared event loop; use the callback form through `promisify` (`pbkdf2`, `scrypt`, `generateKeyPair`), which runs on the libuv thread pool',
    replacement: 'promisify(pbkdf2) / promisify(scrypt) / promisify(generateKeyPair) from node:crypto',
    severity: 'warning',
    flags: '`pbkdf2Sync`, `scryptSync`, `generateKeyPairSync`, ...',
    eslintRules: ['n/no-sync'],
    peerNote: 'matches any name ending in `Sync`, in loop code or not',
  },
  {
    code: 'ORJ130',
    name: 'sync-zlib',
    languages: both,
    apis: [
      'deflateSync',
      'inflateSync',
      'deflateRawSync',
      'inflateRawSync',
      'gzipSync',
      'gunzipSync',
      'unzipSync',
      'brotliCompressSync',
      'brotliDecompressSync',
      'zstdCompressSync',
      'zstdDecompressSync',
    ].map((name) => `zlib.${name}`),
    message:
      'Synchronous compression blocks the shared event loop; use the callback form through `promisify` (`gzip`, `gunzip`, `brotliCompress`, ...) or a zlib stream',
    replacement: 'promisify(gzip) / promisify(gunzip) / zlib streams from node:zlib',
    severity: 'warning',
    flags: '`gzipSync`, `gunzipSync`, `brotliCompressSync`, ...',
    eslintRules: ['n/no-sync'],
    peerNote: 'matches any name ending in `Sync`, in loop code or not',
  },
  {
    code: 'ORJ140',
    name: 'atomics-wait',
    languages: both,
    apis: ['Atomics.wait'],
    message:
      '`Atomics.wait` parks the thread that runs the shared event loop; use `await Atomics.waitAsync(...).value`',
    replacement: 'Atomics.waitAsync',
    severity: 'warning',
    flags: '`Atomics.wait`',
  },
  {
    code: JAVASCRIPT_BUSY_WAIT_CODE,
    name: 'clock-busy-wait',
    languages: both,
    // 'Date' is `new Date()` (or `Date()`) read in the loop condition.
    apis: [
      'Date.now',
      'Date',
      'performance.now',
      'perf_hooks.performance.now',
      'process.hrtime',
      'process.hrtime.bigint',
    ],
    message:
      'Busy-wait on the clock spins the shared event loop; use `await setTimeout(ms)` from `node:timers/promises`',
    replacement: 'setTimeout from node:timers/promises',
    severity: 'warning',
    flags: 'a loop that polls `Date.now()` / `performance.now()` / `process.hrtime` without awaiting',
  },
  {
    code: JAVASCRIPT_REQUIRE_CODE,
    name: 'require-in-loop-code',
    languages: both,
    apis: ['require'],
    message:
      '`require()` in loop code reads and compiles the module synchronously on first use; import it at module top level or use `await import(...)`',
    replacement: 'a top-level import, or await import()',
    severity: 'information',
    flags: '`require()` inside loop code',
    eslintRules: ['n/global-require'],
    peerNote: 'flags every `require()` that is not at top level, in loop code or not',
  },
];

const ruleByApi = new Map<string, Rule>(
  javascriptRules.flatMap((rule) => rule.apis.map((api) => [api, rule] as const)),
);

/**
 * The rule for a call to `api` (a `fs-extra.`/`graceful-fs.` call falls back to the `fs` API it
 * re-exports), except for ORJ150 whose APIs are clock reads (only a
 * busy-wait loop around them blocks) and ORJ160 (only in function bodies): the front end
 * decides those two from the shape of the code, not from the call alone.
 */
export function blockingCallRule(api: string): Rule | undefined {
  const rule = ruleByApi.get(api) ?? ruleByApi.get(api.replace(/^(fs-extra|graceful-fs)\./, 'fs.'));
  return rule === undefined || rule.code === JAVASCRIPT_BUSY_WAIT_CODE || rule.code === JAVASCRIPT_REQUIRE_CODE
    ? undefined
    : rule;
}

export const clockApis: ReadonlySet<string> = new Set(
  javascriptRules.find((rule) => rule.code === JAVASCRIPT_BUSY_WAIT_CODE)?.apis ?? [],
);

/**
 * `fs.<sync>` → the `node:fs/promises` function with the same arguments and result, for the
 * mechanical quick fix. Left out on purpose: existsSync (no promise twin), stat/lstat
 * (`throwIfNoEntry` has no promise form), the fd-based calls (promises take a FileHandle).
 */
export const fsPromiseTwins: ReadonlyMap<string, string> = new Map([
  ['readFileSync', 'readFile'],
  ['writeFileSync', 'writeFile'],
  ['appendFileSync', 'appendFile'],
  ['copyFileSync', 'copyFile'],
  ['readdirSync', 'readdir'],
  ['mkdirSync', 'mkdir'],
  ['rmSync', 'rm'],
  ['unlinkSync', 'unlink'],
  ['renameSync', 'rename'],
]);
