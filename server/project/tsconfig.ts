// A tsconfig.json/jsconfig.json's module paths as TypeScript reads them: `baseUrl` relative to
// the config that sets it, `paths` targets relative to the effective baseUrl or else to the
// config that sets `paths`, and `extends` (a relative file, a package's config in node_modules,
// or a list of them, later ones winning) with the child's options over its parents'. Only
// these two options matter here; `include`/`files` are not read (a config governs its folder).
// Pure: file reading is passed in.
import * as path from 'node:path';
import { messageOf } from '../../protocol/errors';
import { parseJsonc } from './jsonc';
import type { PathMapping, TsConfigScope } from './layout';

export type ReadText = (absolutePath: string) => string | null;

/** Long `extends` chains are a mistake or a cycle. */
const MAX_EXTENDS_DEPTH = 16;

interface Options {
  baseUrl?: string;
  paths?: { mappings: Record<string, readonly string[]>; definedIn: string };
}

export class TsConfigError extends Error {}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `extends: "@tsconfig/node20/tsconfig.json"` or `"./base"`: the file it names, or null. */
function extendedFile(fromDir: string, spec: string, read: ReadText): string | null {
  const candidates: string[] = [];
  if (spec.startsWith('.') || path.isAbsolute(spec)) {
    const base = path.resolve(fromDir, spec);
    candidates.push(base, base + '.json');
  } else {
    for (let dir = fromDir; ; dir = path.dirname(dir)) {
      const base = path.join(dir, 'node_modules', spec);
      candidates.push(base, base + '.json', path.join(base, 'tsconfig.json'));
      if (path.dirname(dir) === dir) break;
    }
  }
  return candidates.find((c) => c.endsWith('.json') && read(c) !== null) ?? null;
}

function readOptions(file: string, read: ReadText, depth: number): Options {
  const text = read(file);
  if (text === null) throw new TsConfigError(`${file}: cannot be read`);
  let doc: unknown;
  try {
    doc = parseJsonc(text);
  } catch (error) {
    throw new TsConfigError(`${file}: not JSON: ${messageOf(error)}`);
  }
  if (!isRecord(doc)) throw new TsConfigError(`${file}: not an object`);
  const dir = path.dirname(file);
  let inherited: Options = {};
  const ext = doc['extends'];
  const parents = typeof ext === 'string' ? [ext] : Array.isArray(ext) ? ext : [];
  if (ext !== undefined && !parents.every((p): p is string => typeof p === 'string'))
    throw new TsConfigError(`${file}: "extends" must be a string or a list of strings`);
  for (const parent of parents as string[]) {
    if (depth >= MAX_EXTENDS_DEPTH)
      throw new TsConfigError(`${file}: "extends" chain deeper than ${MAX_EXTENDS_DEPTH}`);
    const target = extendedFile(dir, parent, read);
    if (target === null) throw new TsConfigError(`${file}: "extends" names ${JSON.stringify(parent)}, not found`);
    inherited = { ...inherited, ...readOptions(target, read, depth + 1) };
  }
  const options = doc['compilerOptions'];
  if (options === undefined) return inherited;
  if (!isRecord(options)) throw new TsConfigError(`${file}: "compilerOptions" must be an object`);
  const own: Options = {};
  const baseUrl = options['baseUrl'];
  if (baseUrl !== undefined) {
    if (typeof baseUrl !== 'string') throw new TsConfigError(`${file}: "compilerOptions.baseUrl" must be a string`);
    own.baseUrl = path.resolve(dir, baseUrl);
  }
  const paths = options['paths'];
  if (paths !== undefined) {
    if (!isRecord(paths)) throw new TsConfigError(`${file}: "compilerOptions.paths" must be an object`);
    const mappings: Record<string, readonly string[]> = {};
    for (const [pattern, targets] of Object.entries(paths)) {
      if (!Array.isArray(targets) || !targets.every((t): t is string => typeof t === 'string'))
        throw new TsConfigError(`${file}: "compilerOptions.paths.${pattern}" must be a list of strings`);
      if ((pattern.match(/\*/g) ?? []).length > 1)
        throw new TsConfigError(`${file}: "compilerOptions.paths.${pattern}" has more than one "*"`);
      mappings[pattern] = targets;
    }
    own.paths = { mappings, definedIn: dir };
  }
  return { ...inherited, ...own };
}

/** The scope of one config file; throws TsConfigError naming the file and the reason. */
export function loadTsConfig(file: string, read: ReadText): TsConfigScope {
  const options = readOptions(file, read, 0);
  const baseUrl = options.baseUrl ?? null;
  const paths: PathMapping[] = [];
  if (options.paths !== undefined) {
    const base = baseUrl ?? options.paths.definedIn;
    for (const [pattern, targets] of Object.entries(options.paths.mappings))
      paths.push({ pattern, targets: targets.map((t) => path.resolve(base, t)) });
  }
  return { dir: path.dirname(file), baseUrl, paths };
}
