// Which program an isolated tenant's child runs. Bundled (dist/): tenant-child.js beside the
// bundle that imports this. From source (tests, tsx): child-main.ts through tsx's require hook.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export interface ChildEntry {
  file: string;
  execArgv: string[];
}

export function defaultChildEntry(dir: string = __dirname): ChildEntry {
  const bundled = join(dir, 'tenant-child.js');
  if (existsSync(bundled)) return { file: bundled, execArgv: [] };
  const source = join(dir, 'child-main.ts');
  if (!existsSync(source))
    throw new Error(`isolation: tenant child program not found beside ${dir} (run npm run build)`);
  // Only reachable when running from source, where tsx is a dev dependency (createRequire keeps
  // the bundler from trying to resolve it at build time).
  return { file: source, execArgv: ['--require', createRequire(__filename).resolve('tsx/cjs')] };
}
