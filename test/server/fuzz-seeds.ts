// Seed sources for the fuzz tests: agent-like code touching every construct the front ends
// look at (imports and aliases, loop roots, helpers, offloads, suppressions), plus the
// teammates' rule fixtures when present. Mutations of these reach far more parser states
// than random text would.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const tsSeed = `import { readFileSync as r, promises as fsp } from 'node:fs';
import * as cp from 'child_process';
import fs from 'fs';
import { loadConfig } from './config';
const { pbkdf2Sync: derive } = require('node:crypto');
// openrtc-ignore-next-line ORJ101
const boot = r('/etc/boot', 'utf8');
export default defineAgent({
  name: 'dental',
  prewarm: () => fs.readFileSync('x'),
  entry: async (ctx: { room: { on(e: string, f: (...a: unknown[]) => void): void } }) => {
    ctx.room.on('track', (t) => { cp.execSync(\`echo \${t}\`); });
    setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10), 5);
    Promise.resolve().then(() => derive('p', 's', 1e5, 32, 'sha256'));
    queueMicrotask(function tick() { helper(); });
    const start = Date.now(); while (Date.now() - start < 50) {}
    await fsp.readFile('a');
    new Worker(new URL('./w.js', import.meta.url));
    return loadConfig() ?? settingsSync.load();
  },
});
function helper(): string { return deeper(); }
const deeper = () => require('./late').x + r('y');
class Svc { async go() { this.m(); } m() { return fs.statSync('.'); } }
export { helper, Svc };
`;

const pySeed = `import time as t, asyncio, sqlite3, subprocess
from time import sleep as nap
from .helpers import warm  # noqa: ASYNC251
import urllib.request, requests, hashlib, threading, queue
from concurrent.futures import ThreadPoolExecutor

lock = threading.Lock()
jobs = queue.Queue()

def load():
    with open("cfg") as f:
        return parse(f.read())

def parse(text):
    nap(0.1)
    return text

@room.on("track_subscribed")
def on_track(track):
    subprocess.run(["ls"])
    lock.acquire()

async def entrypoint(ctx):
    t.sleep(1)  # openrtc: ignore[ORP101]
    await asyncio.to_thread(t.sleep, 1)
    await asyncio.to_thread(lambda: t.sleep(1))
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, load)
    requests.get("http://x")
    db = sqlite3.connect(":memory:")
    db.execute("select 1")
    hashlib.pbkdf2_hmac("sha256", b"p", b"s", 100000)
    start = t.monotonic()
    while t.monotonic() - start < 1:
        pass
    jobs.get()
    load()
    class Inner:
        def m(self):
            return self.n()
        def n(self):
            return urllib.request.urlopen("http://x")
    return Inner().m()

cli.run_app(WorkerOptions(entrypoint_fnc=entrypoint))
`;

function fixtureSources(dir: string, ext: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => ext.test(name))
    .sort()
    .map((name) => readFileSync(path.join(dir, name), 'utf8'));
}

const fixtures = path.join(__dirname, '..', 'fixtures');
export const typeScriptSeeds = (): string[] => [
  tsSeed,
  ...fixtureSources(path.join(fixtures, 'ts'), /\.(ts|tsx|js|mjs|cjs)$/),
];
export const pythonSeeds = (): string[] => [pySeed, ...fixtureSources(path.join(fixtures, 'py'), /\.py$/)];
