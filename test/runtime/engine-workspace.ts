// Temporary workspaces for runtime tests: real files on disk, real agent modules.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface Workspace {
  dir: string;
  write(rel: string, text: string): string;
  readLog(): Record<string, unknown>[];
  cleanup(): void;
}

export function makeWorkspace(files: Record<string, string>, config?: object | string): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'openrtc-engine-'));
  const write = (rel: string, text: string): string => {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    return p;
  };
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  if (config !== undefined)
    write('openrtc.json', typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return {
    dir,
    write,
    readLog: () =>
      readFileSync(join(dir, '.openrtc/worker.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** An agent that holds each session for `holdMs`, or until its signal aborts (hang-up, cancel). */
export const HOLD_AGENT = (name: string, holdMs: number) => `
import { defineAgent } from 'openrtc';
export default defineAgent({
  name: '${name}',
  async entry(ctx) {
    await new Promise((resolve) => {
      const t = setTimeout(resolve, ${holdMs});
      ctx.signal.addEventListener('abort', () => { clearTimeout(t); resolve(undefined); });
    });
  },
});
`;

/** An agent that runs `holdMs` whatever the caller does (the local caller hangs up at once). */
export const BUSY_AGENT = (name: string, holdMs: number) => `
import { defineAgent } from 'openrtc';
export default defineAgent({
  name: '${name}',
  async entry() {
    await new Promise((resolve) => setTimeout(resolve, ${holdMs}));
  },
});
`;

export const ECHO_AGENT = `
import { defineAgent, currentSession } from 'openrtc';
export default defineAgent({
  name: 'echo',
  async entry(ctx) {
    ctx.log.info('greeting tenant %s', ctx.tenant);
    for await (const turn of ctx.userTurns()) {
      const same = currentSession()?.sessionId === ctx.sessionId;
      ctx.say('echo: ' + turn + (same ? '' : ' (wrong session)'));
    }
  },
});
`;
