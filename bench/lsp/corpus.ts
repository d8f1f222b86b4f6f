// A generated corpus of agent-like files with planted blocking calls at known lines, the
// same for every tool. Each plant lists the lines where a report counts: the loop call
// site, and (generously to the peers) the blocking call itself inside a helper. Decoys
// are lines that must not be reported. TypeScript files avoid type annotations so eslint's
// default parser (no typescript-eslint installed) reads them the same as our front end.
import { seededRandom } from '../../test/helpers/seeded-random';

export interface Plant {
  file: string;
  kind: string;
  lines: number[];
}
export interface CorpusFile {
  path: string;
  text: string;
  lines: number;
}
export interface Corpus {
  files: CorpusFile[];
  plants: Plant[];
  /** file → 0-based lines that must stay quiet. */
  decoys: Map<string, Set<number>>;
}

/** Builds one file line by line, remembering where plants and decoys landed. */
class FileBuilder {
  readonly out: string[] = [];
  readonly plants: { kind: string; lines: number[] }[] = [];
  readonly decoys: number[] = [];
  line(text: string): number {
    this.out.push(text);
    return this.out.length - 1;
  }
  filler(rnd: () => number, indent: string, comment: string, n: number): void {
    for (let i = 0; i < n; i++)
      this.line(`${indent}${comment} step ${Math.floor(rnd() * 1000)}: normalise the caller's turn`);
  }
}

type Block = (b: FileBuilder, i: number, rnd: () => number) => void;

const pyBlocks: Block[] = [
  (b, i) => {
    b.line(`async def on_turn_${i}(ctx, turn):`);
    b.line('    reply = await ctx.llm.complete(turn)');
    b.plants.push({ kind: 'direct', lines: [b.line('    time.sleep(0.2)')] });
    b.line('    await ctx.say(reply)');
  },
  (b, i) => {
    b.line(`async def fetch_menu_${i}(ctx):`);
    b.plants.push({ kind: 'direct-http', lines: [b.line('    r = requests.get("https://api.example/menu")')] });
    b.line('    return r.json()');
  },
  (b, i) => {
    b.line(`async def transcript_${i}(ctx):`);
    b.plants.push({ kind: 'direct-open', lines: [b.line('    with open("/tmp/transcript.txt") as f:')] });
    b.line('        return f.read()');
  },
  (b, i) => {
    b.line(`async def pause_${i}(ctx):`);
    b.plants.push({ kind: 'alias', lines: [b.line('    nap(0.05)')] });
    b.line('    return None');
  },
  (b, i) => {
    b.line(`def _load_prompt_${i}():`);
    const inner = b.line('    return subprocess.run(["cat", "prompt.txt"], capture_output=True).stdout');
    b.line('');
    b.line(`async def greet_${i}(ctx):`);
    b.plants.push({ kind: 'helper', lines: [b.line(`    prompt = _load_prompt_${i}()`), inner] });
    b.line('    await ctx.say(prompt)');
  },
  (b, i) => {
    b.line(`def _read_row_${i}(key):`);
    b.line(`    return _query_${i}(key)`);
    b.line('');
    b.line(`def _query_${i}(key):`);
    const inner = b.line('    return sqlite3.connect("tenants.db").execute("select 1").fetchone()');
    b.line('');
    b.line(`async def lookup_${i}(ctx, key):`);
    b.plants.push({ kind: 'helper-2-deep', lines: [b.line(`    return _read_row_${i}(key)`), inner] });
  },
  (b, i) => {
    b.line(`async def settings_${i}(ctx):`);
    b.plants.push({ kind: 'helper-cross-file', lines: [b.line('    return read_settings()')] });
  },
  (b, i) => {
    b.line('@room.on("track_subscribed")');
    b.line(`def on_track_${i}(track):`);
    b.plants.push({ kind: 'sync-event-handler', lines: [b.line('    time.sleep(0.1)')] });
  },
  (b, i) => {
    b.line(`async def wait_${i}(ctx):`);
    b.line('    start = time.monotonic()');
    b.plants.push({ kind: 'busy-wait', lines: [b.line('    while time.monotonic() - start < 0.05:')] });
    b.line('        pass');
  },
  (b, i) => {
    b.line(`async def token_${i}(ctx, pw):`);
    b.plants.push({
      kind: 'cpu-heavy',
      lines: [b.line('    return hashlib.pbkdf2_hmac("sha256", pw, b"salt", 200_000)')],
    });
  },
  (b, i) => {
    b.line(`async def offloaded_${i}(ctx):`);
    b.decoys.push(b.line('    await asyncio.to_thread(time.sleep, 1)'));
    b.decoys.push(b.line('    await asyncio.to_thread(lambda: time.sleep(1))'));
    b.decoys.push(b.line('    await asyncio.sleep(0.1)'));
    b.decoys.push(b.line('    return settings_sync.load()'));
  },
  (b, i) => {
    b.line(`def offline_report_${i}():`);
    b.decoys.push(b.line('    time.sleep(1)'));
  },
];

const tsBlocks: Block[] = [
  (b, i) => {
    b.line(`export async function onTurn${i}(ctx, turn) {`);
    b.line('  const reply = await ctx.llm.complete(turn);');
    b.plants.push({ kind: 'direct', lines: [b.line("  const prompt = readFileSync('prompt.txt', 'utf8');")] });
    b.line('  await ctx.say(reply + prompt);');
    b.line('}');
  },
  (b, i) => {
    b.line(`export async function listFiles${i}(ctx) {`);
    b.plants.push({ kind: 'direct-exec', lines: [b.line("  return cp.execSync('ls -la').toString();")] });
    b.line('}');
  },
  (b, i) => {
    b.line(`export async function stat${i}(ctx) {`);
    b.plants.push({ kind: 'namespace', lines: [b.line("  return fs.statSync('/tmp').size;")] });
    b.line('}');
  },
  (b, i) => {
    b.line(`export async function aliased${i}(ctx) {`);
    b.plants.push({ kind: 'alias', lines: [b.line("  return rf('/etc/hosts', 'utf8');")] });
    b.line('}');
  },
  (b, i) => {
    b.line(`function loadPrompt${i}() {`);
    const inner = b.line("  return readFileSync('prompt.txt', 'utf8');");
    b.line('}');
    b.line(`export async function greet${i}(ctx) {`);
    b.plants.push({ kind: 'helper', lines: [b.line(`  const prompt = loadPrompt${i}();`), inner] });
    b.line('  await ctx.say(prompt);');
    b.line('}');
  },
  (b, i) => {
    b.line(`function readRow${i}(key) {`);
    b.line(`  return query${i}(key);`);
    b.line('}');
    b.line(`function query${i}(key) {`);
    const inner = b.line("  return zlib.gunzipSync(fs.readFileSync('rows.gz')).toString().split(key);");
    b.line('}');
    b.line(`export async function lookup${i}(ctx, key) {`);
    b.plants.push({ kind: 'helper-2-deep', lines: [b.line(`  return readRow${i}(key);`), inner] });
    b.line('}');
  },
  (b, i) => {
    b.line(`export async function settings${i}(ctx) {`);
    b.plants.push({ kind: 'helper-cross-file', lines: [b.line('  return readSettings();')] });
    b.line('}');
  },
  (b, i) => {
    b.line(`export function watch${i}(room) {`);
    b.line("  room.on('track_subscribed', (track) => {");
    b.plants.push({ kind: 'sync-event-handler', lines: [b.line("    cp.execFileSync('ffprobe', [track.id]);")] });
    b.line('  });');
    b.line('}');
  },
  (b, i) => {
    b.line(`export async function spin${i}(ctx) {`);
    b.line('  const start = Date.now();');
    b.plants.push({ kind: 'busy-wait', lines: [b.line('  while (Date.now() - start < 50) {}')] });
    b.line('}');
  },
  (b, i) => {
    b.line(`export async function park${i}(ctx) {`);
    b.plants.push({
      kind: 'atomics-wait',
      lines: [b.line('  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);')],
    });
    b.line('}');
  },
  (b, i) => {
    b.line(`export async function token${i}(ctx, pw) {`);
    b.plants.push({
      kind: 'cpu-heavy',
      lines: [b.line("  return crypto.pbkdf2Sync(pw, 'salt', 200000, 32, 'sha256');")],
    });
    b.line('}');
  },
  (b, i) => {
    b.line(`export async function fine${i}(ctx) {`);
    b.decoys.push(b.line('  const cfg = settingsSync.load();'));
    b.decoys.push(b.line("  return (await readFile('a.txt', 'utf8')) + cfg;"));
    b.line('}');
  },
  (b, i) => {
    b.line(`export function offlineReport${i}() {`);
    b.decoys.push(b.line("  return readFileSync('report.txt', 'utf8');"));
    b.line('}');
  },
];

const pyHeader = [
  'import asyncio',
  'import hashlib',
  'import sqlite3',
  'import subprocess',
  'import time',
  'from time import sleep as nap',
  '',
  'import requests',
  '',
  'from .helpers import read_settings',
  '',
];
const tsHeader = [
  "import * as fs from 'node:fs';",
  "import { readFileSync, readFileSync as rf } from 'node:fs';",
  "import { readFile } from 'node:fs/promises';",
  "import * as cp from 'node:child_process';",
  "import zlib from 'node:zlib';",
  "import crypto from 'node:crypto';",
  "import { readSettings } from './helpers';",
  '',
];

const pyHelpers = `import json\n\n\ndef read_settings():\n    with open("settings.json") as f:\n        return json.load(f)\n`;
const tsHelpers = `import { readFileSync } from 'node:fs';\n\nexport function readSettings() {\n  return JSON.parse(readFileSync('settings.json', 'utf8'));\n}\n`;

function buildFile(
  path: string,
  header: string[],
  blocks: Block[],
  rnd: () => number,
  blockCount: number,
  comment: string,
  decoyTop: string,
): {
  file: CorpusFile;
  plants: Plant[];
  decoys: number[];
} {
  const b = new FileBuilder();
  for (const h of header) b.line(h);
  b.decoys.push(b.line(decoyTop)); // module top level: start-up, not a stall
  b.line('');
  for (let i = 0; i < blockCount; i++) {
    const block = blocks[Math.floor(rnd() * blocks.length)] as Block;
    b.filler(rnd, '', comment, 1 + Math.floor(rnd() * 3));
    block(b, i, rnd);
    b.line('');
  }
  const text = b.out.join('\n') + '\n';
  return {
    file: { path, text, lines: b.out.length },
    plants: b.plants.map((p) => ({ file: path, ...p })),
    decoys: b.decoys,
  };
}

/** `count` files per language under `root`, with helpers.py / helpers.ts beside them. */
export function generateCorpus(root: string, count: number, blocksPerFile: number, seed = 7): Corpus {
  const rnd = seededRandom(seed);
  const corpus: Corpus = { files: [], plants: [], decoys: new Map() };
  const add = (built: ReturnType<typeof buildFile>): void => {
    corpus.files.push(built.file);
    corpus.plants.push(...built.plants);
    corpus.decoys.set(built.file.path, new Set(built.decoys));
  };
  corpus.files.push({ path: `${root}/py/helpers.py`, text: pyHelpers, lines: pyHelpers.split('\n').length - 1 });
  corpus.files.push({ path: `${root}/py/__init__.py`, text: '', lines: 0 });
  corpus.files.push({ path: `${root}/ts/helpers.ts`, text: tsHelpers, lines: tsHelpers.split('\n').length - 1 });
  for (let i = 0; i < count; i++) {
    add(
      buildFile(
        `${root}/py/agent_${i}.py`,
        pyHeader,
        pyBlocks,
        rnd,
        blocksPerFile,
        '#',
        'PROMPT = open("prompt.txt").read()',
      ),
    );
    add(
      buildFile(
        `${root}/ts/agent${i}.ts`,
        tsHeader,
        tsBlocks,
        rnd,
        blocksPerFile,
        '//',
        "const PROMPT = readFileSync('prompt.txt', 'utf8');",
      ),
    );
  }
  return corpus;
}

/** One file of about `lines` lines for the edit-latency measurement. */
export function fileOfLines(language: 'python' | 'typescript', lines: number, seed = 11): string {
  const rnd = seededRandom(seed);
  const b = buildFile(
    'x',
    language === 'python' ? pyHeader : tsHeader,
    language === 'python' ? pyBlocks : tsBlocks,
    rnd,
    Math.ceil(lines / 5),
    language === 'python' ? '#' : '//',
    '',
  );
  return b.file.text.split('\n').slice(0, lines).join('\n') + '\n';
}
