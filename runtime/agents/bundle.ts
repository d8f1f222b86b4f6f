// Turns one agent file (.ts/.js/.mjs) into a loaded AgentDefinition: bundled by esbuild's JS API
// (cjs, inline source map whose `sources` are the original absolute paths, so loop-block stacks
// map back to the user's lines), then evaluated with a `require` that serves `openrtc` from the
// runtime's own API object (same AsyncLocalStorage, so currentSession() works), serves
// `@livekit/agents` from the workspace's one copy with `cli.runApp` captured, and resolves
// anything else relative to the agent file. Packages stay external (never bundled: agents-js and
// its native modules load from the user's workspace) and `import.meta.url` is the file's real URL.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import Module from 'node:module';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInThisContext } from 'node:vm';
import * as api from '../api';
import { isAgentDefinition } from './define';
import { adaptLiveKitAgent, isLiveKitAgentDefinition } from './livekit/adapt';
import { agentsPackageFor, type LoadedAgentsPackage } from './livekit/agents-module';
import { capturingRunApp } from './livekit/run-app-capture';
import { AgentLoadError } from './load-error';
import { BundleMaps } from './stack-map';
import type { AgentDefinition } from './types';

type Esbuild = typeof import('esbuild');
let esbuildModule: Promise<Esbuild> | undefined;

/**
 * The bundled runtime ships esbuild's native binary at dist/bin/esbuild (the vsix has no
 * node_modules). esbuild reads ESBUILD_BINARY_PATH when its module is first evaluated, hence the
 * lazy import after setting it.
 */
function loadEsbuild(): Promise<Esbuild> {
  const shipped = join(__dirname, 'bin', 'esbuild');
  if (process.env['ESBUILD_BINARY_PATH'] === undefined && existsSync(shipped))
    process.env['ESBUILD_BINARY_PATH'] = shipped;
  esbuildModule ??= import('esbuild');
  return esbuildModule;
}

export interface BundledAgent {
  file: string;
  /** The name the evaluated script runs under (shows in stack traces); unique per version. */
  scriptName: string;
  code: string;
  definition: AgentDefinition;
  /** Absolute paths of the workspace source files bundled in (the agent file and its helpers). */
  inputs: string[];
}

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;

export async function bundleAgentFile(file: string, version: number): Promise<BundledAgent> {
  const esbuild = await loadEsbuild();
  let code: string;
  let inputs: string[];
  try {
    const result = await esbuild.build({
      entryPoints: [file],
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      packages: 'external',
      define: {
        'import.meta.url': JSON.stringify(pathToFileURL(file).href),
        'import.meta.filename': JSON.stringify(file),
        'import.meta.dirname': JSON.stringify(dirname(file)),
      },
      write: false,
      outfile: join(dirname(file), '__openrtc_agent_bundle.js'),
      logLevel: 'silent',
      metafile: true,
      absWorkingDir: dirname(file),
    });
    code = absolutiseSourceMap(result.outputFiles[0]!.text, dirname(file));
    // Helpers edited later must reload this agent too; packages under node_modules are not watched.
    inputs = Object.keys(result.metafile.inputs)
      .map((p) => resolve(dirname(file), p))
      .filter((p) => !p.split(sep).includes('node_modules'));
  } catch (err) {
    throw new AgentLoadError(describeBuildFailure(err, file));
  }
  const scriptName = `${file}?v=${version}`;
  const maps = new BundleMaps();
  maps.add(scriptName, code);
  const loaded: { pkg: LoadedAgentsPackage | null } = { pkg: null };
  const { result: exported, capture } = capturingRunApp(() => evaluate(code, file, scriptName, maps, loaded));
  const candidate = (exported as { default?: unknown } | null)?.default ?? exported;
  if (isAgentDefinition(candidate)) return { file, scriptName, code, definition: candidate, inputs };
  if (isLiveKitAgentDefinition(candidate) && loaded.pkg) {
    const name = capture?.agentName ?? undefined;
    if (name !== undefined && !AGENT_NAME.test(name))
      throw new AgentLoadError(`${file}: agentName ${JSON.stringify(name)} must be 1-128 of letters, digits, '-', '_'`);
    return { file, scriptName, code, definition: adaptLiveKitAgent(loaded.pkg, candidate, capture, name), inputs };
  }
  throw new AgentLoadError(
    `${file}: the default export is not an agent; export default defineAgent({ name, entry }) (from 'openrtc' or '@livekit/agents')`,
  );
}

const AGENT_NAME = /^[A-Za-z0-9_-]{1,128}$/;

function evaluate(
  code: string,
  file: string,
  scriptName: string,
  maps: BundleMaps,
  loaded: { pkg: LoadedAgentsPackage | null },
): unknown {
  const fileRequire = createRequire(file);
  const serve = (id: string): unknown => {
    if (id === 'openrtc') return api;
    if (id === '@livekit/agents') return (loaded.pkg = agentsPackageFor(file)).shim;
    return fileRequire(id);
  };
  const agentRequire = Object.assign(serve, {
    resolve: fileRequire.resolve,
    cache: fileRequire.cache,
  });
  const module = { exports: {} as unknown };
  try {
    const wrapper = runInThisContext(Module.wrap(code), { filename: scriptName }) as (...args: unknown[]) => void;
    wrapper.call(module.exports, module.exports, agentRequire, module, file, dirname(file));
  } catch (err) {
    if (err instanceof AgentLoadError) throw err;
    throw new AgentLoadError(`${firstOriginalFrame(err, scriptName, maps) ?? file}: ${errorText(err)}`);
  }
  return module.exports;
}

/** esbuild writes sources relative to the output dir; the attribution reader wants absolute paths. */
function absolutiseSourceMap(code: string, outDir: string): string {
  const m = INLINE_MAP.exec(code);
  if (!m) return code;
  const map = JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')) as { sources: string[] };
  map.sources = map.sources.map((s) => (isAbsolute(s) ? s : resolve(outDir, s)));
  const encoded = Buffer.from(JSON.stringify(map)).toString('base64');
  return code.slice(0, m.index) + `//# sourceMappingURL=data:application/json;base64,${encoded}\n`;
}

/** `file:line:column` of the error's first frame inside the bundle, mapped to the original source. */
function firstOriginalFrame(err: unknown, scriptName: string, maps: BundleMaps): string | null {
  const stack = err instanceof Error ? (err.stack ?? '') : '';
  const escaped = scriptName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const frame = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(stack);
  return frame ? maps.original(scriptName, Number(frame[1]), Number(frame[2])) : null;
}

function describeBuildFailure(err: unknown, file: string): string {
  const errors = (
    err as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }
  ).errors;
  if (!Array.isArray(errors) || errors.length === 0) return `${file}: ${errorText(err)}`;
  return errors
    .map((e) =>
      e.location
        ? `${resolve(dirname(file), e.location.file)}:${e.location.line}:${e.location.column + 1}: ${e.text}`
        : `${file}: ${e.text}`,
    )
    .join('; ');
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
