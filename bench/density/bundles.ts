// The two programs bench/density runs, each bundled into a temporary folder whose node_modules
// is the repo's:
// - the shared side (shared-size.ts) bundled as `npm run build` bundles the runtime, with its
//   watchdog and control-thread workers beside it: the process is the product's, not tsx's
//   (tsx alone adds ~35 MB of RSS to a process, and again to each worker thread it loads in);
// - the job child's agent module (job-agent.ts around the density agent's source), bundled the
//   way the runtime bundles agent files: packages stay external, `@livekit/agents` in the
//   agent's code is the runtime's shim of the same copy (cli.runApp captured, an AgentSession
//   that takes the local voice call's audio) and `openrtc` serves the voice call's STT and TTS.
import { build, type Plugin } from 'esbuild';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { densityAgentSource } from './agent-source';

const REPO = join(__dirname, '../..');
const HERE = __dirname;

/** Serves the agent's imports as the runtime's agentRequire does (runtime/agents/bundle.ts). */
const agentImports: Plugin = {
  name: 'density-agent-imports',
  setup(b) {
    b.onResolve({ filter: /^density-agent$/ }, () => ({ path: 'density-agent', namespace: 'density' }));
    b.onLoad({ filter: /^density-agent$/, namespace: 'density' }, () => ({
      contents: densityAgentSource(REPO),
      loader: 'ts',
      resolveDir: HERE,
    }));
    b.onResolve({ filter: /^@livekit\/agents$/ }, () => ({ path: 'agents-shim', namespace: 'density' }));
    b.onLoad({ filter: /^agents-shim$/, namespace: 'density' }, () => ({
      contents: `const { agentsPackageFor } = require(${JSON.stringify(join(REPO, 'runtime/agents/livekit/agents-module'))});
module.exports = agentsPackageFor(__filename).shim;`,
      loader: 'js',
      resolveDir: HERE,
    }));
    b.onResolve({ filter: /^openrtc$/ }, () => ({ path: join(REPO, 'runtime/agents/livekit/voice/api.ts') }));
    // Every other package loads from node_modules at run time, as in the runtime.
    b.onResolve({ filter: /^[^./]/ }, (a) => ({ path: a.path, external: true }));
  },
};

export interface Bundle {
  file: string;
  cleanup(): void;
}

function bundleDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'openrtc-density-'));
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function buildSharedSide(): Promise<Bundle> {
  const { dir, cleanup } = bundleDir();
  await build({
    entryPoints: {
      'density-shared': join(HERE, 'shared-size.ts'),
      watchdog: join(REPO, 'runtime/attribution/watchdog-worker.ts'),
      'control-thread': join(REPO, 'runtime/control/thread/control-thread.ts'),
    },
    outdir: dir,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // esbuild stays a package: the runtime bundles agent files with it, and its binary is found
    // from node_modules (the product ships it as dist/bin/esbuild instead).
    external: ['vscode', 'esbuild'],
    // As scripts/build.mjs: jsonc-parser's UMD build requires './impl/*' dynamically.
    alias: { 'jsonc-parser': join(REPO, 'node_modules/jsonc-parser/lib/esm/main.js') },
    logLevel: 'error',
  });
  return { file: join(dir, 'density-shared.js'), cleanup };
}

export async function buildJobAgent(): Promise<Bundle> {
  const { dir, cleanup } = bundleDir();
  const file = join(dir, 'density-agent.cjs');
  await build({
    entryPoints: [join(HERE, 'job-agent.ts')],
    outfile: file,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    plugins: [agentImports],
    logLevel: 'error',
  });
  return { file, cleanup };
}
