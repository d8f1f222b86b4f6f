// Runs the real, bundled `openrtc check` (dist/cli.js loading dist/check.js, which analyses
// on dist/analysis-worker.js threads) as a child process on a workspace written to a temp
// folder. The bundles are built once per test file into a private folder under .tools/
// (dist/ is shared with teammates' runs, which rebuild it concurrently).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before } from 'node:test';

const root = path.join(__dirname, '..', '..');

export interface CheckRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The figures the check prints on stderr: "N files, A analysed [on T threads], findings computed for C, ... (R files read)". */
export interface CheckCounts {
  files: number;
  analysed: number;
  threads: number;
  findingsComputed: number;
}

export function countsOf(stderr: string): CheckCounts[] {
  return readCountsOf(stderr).map(({ read: _read, ...counts }) => counts);
}

/** countsOf with how many files the check read from disk (the rest were known unchanged by their stamps). */
export function readCountsOf(stderr: string): (CheckCounts & { read: number })[] {
  const out: (CheckCounts & { read: number })[] = [];
  const re = /(\d+) files, (\d+) analysed(?: on (\d+) threads?)?, findings computed for (\d+).*\((\d+) files? read\)/g;
  for (let m = re.exec(stderr); m !== null; m = re.exec(stderr)) {
    const threads = m[3] === undefined ? 0 : +m[3];
    out.push({ files: +m[1]!, analysed: +m[2]!, threads, findingsComputed: +m[4]!, read: +m[5]! });
  }
  return out;
}

export class BuiltCheck {
  readonly dir: string;

  constructor(
    private readonly bundles: readonly string[] = [
      'cli',
      'check',
      'analysis-worker',
      'frontend-python',
      'frontend-typescript',
    ],
  ) {
    this.dir = path.join(root, '.tools', `test-check-${process.pid}-${bundles.length}`);
  }

  build(): void {
    mkdirSync(this.dir, { recursive: true });
    const r = spawnSync(
      process.execPath,
      [path.join(root, 'scripts/build.mjs'), '--outdir', this.dir, '--only', this.bundles.join(',')],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  run(cwd: string, args: readonly string[]): Promise<CheckRun> {
    return this.runCli(cwd, ['check', ...args]);
  }

  /** The bundled `openrtc` with any arguments. */
  runCli(cwd: string, args: readonly string[]): Promise<CheckRun> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [path.join(this.dir, 'cli.js'), ...args], { cwd });
      let stdout = '';
      let stderr = '';
      // Decoded across chunks: a chunk may end inside a character ('→' is three bytes).
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }
}

export class TempWorkspace {
  readonly root = mkdtempSync(path.join(tmpdir(), 'openrtc-check-'));

  constructor(files: Record<string, string>) {
    for (const [rel, text] of Object.entries(files)) this.write(rel, text);
  }

  write(rel: string, text: string): void {
    const full = path.join(this.root, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }

  read(rel: string): string {
    return readFileSync(path.join(this.root, rel), 'utf8');
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A small agent workspace: a direct Python finding with a safe fix, a chain through a helper module, a TS read. */
export const agentFiles: Record<string, string> = {
  'pkg/helpers.py': 'import time\n\n\ndef load():\n    time.sleep(1)\n',
  'pkg/agent.py':
    'import time\n\nfrom pkg.helpers import load\n\n\nasync def entry():\n    time.sleep(0.5)\n    load()\n',
  'pkg/quiet.py': 'import asyncio\n\n\nasync def idle():\n    await asyncio.sleep(1)\n',
  'agent.ts':
    "import { readFileSync } from 'node:fs';\n\nexport async function entry(): Promise<string> {\n" +
    "  const text = readFileSync('x.json', 'utf8');\n  return text;\n}\n",
};

/**
 * A test file's set-up: the bundles built once before its tests, and every temp workspace its
 * tests make removed after them, with the bundles.
 */
export function checkSuite(): { check: BuiltCheck; workspace: (files: Record<string, string>) => TempWorkspace } {
  const check = new BuiltCheck();
  const workspaces: TempWorkspace[] = [];
  before(() => check.build());
  after(() => {
    check.remove();
    for (const ws of workspaces) ws.remove();
  });
  return {
    check,
    workspace: (files) => {
      const ws = new TempWorkspace(files);
      workspaces.push(ws);
      return ws;
    },
  };
}
