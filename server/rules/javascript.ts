// The JavaScript/TypeScript catalogue: one row per rule, matched against fully qualified
// API names after import/alias resolution (module part without the `node:` prefix).
// ORJ100 (blocks through a helper) belongs to the core; these are the direct rules.
// Docs: docs/rules/<code>.md. Codes are never reused.
import type { Rule } from './rule';

const both: Rule['languages'] = ['typescript', 'javascript'];
const fsApis = (names: readonly string[]): string[] => names.map((name) => `fs.${name}`);
/** fs-extra's own sync helpers (it also re-exports every `fs` function; see blockingCallRule). */
const fsExtraApis = (names: readonly string[]): string[] => names.map((name) => `fs-extra.${name}`);

export const javascriptRules: readonly Rule[] = [
  {
    code: 'ORJ101',
    name: 'sync-fs-read',
    languages: both,
    apis: [...fsApis(['readFileSync', 'readSync', 'readvSync']), ...fsExtraApis(['readJsonSync', 'readJSONSync'])],
    message: 'Synchronous file read blocks the shared event loop; use `await readFile(...)` from `node:fs/promises`',
    replacement: 'readFile / FileHandle.read from node:fs/promises',
    severity: 'warning',
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
  },
  {
    code: 'ORJ150',
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
  },
  {
    code: 'ORJ160',
    name: 'require-in-loop-code',
    languages: both,
    apis: ['require'],
    message:
      '`require()` in loop code reads and compiles the module synchronously on first use; import it at module top level or use `await import(...)`',
    replacement: 'a top-level import, or await import()',
    severity: 'information',
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
  return rule === undefined || rule.code === 'ORJ150' || rule.code === 'ORJ160' ? undefined : rule;
}

export const clockApis: ReadonlySet<string> = new Set(
  javascriptRules.find((rule) => rule.code === 'ORJ150')?.apis ?? [],
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
