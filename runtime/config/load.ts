// Reads openrtc.json (JSON with comments), validates it against schemas/openrtc.schema.json and
// fills defaults. Every problem names the file, the key path and line:column where jsonc-parser
// can locate it. Nothing is applied here: the caller decides whether to swap configs.
import { readFile } from 'node:fs/promises';
import Ajv, { type ErrorObject } from 'ajv';
import { findNodeAtLocation, parse, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import schema from '../../schemas/openrtc.schema.json';
import { secretProblems } from './secrets';
import { ConfigError, type ConfigProblem, type OpenrtcConfig } from './types';
import { messageOf } from '../../protocol/errors';

const ajv = new Ajv({ allErrors: true });
const validate = ajv.compile(schema);

type SchemaProperty = { default?: unknown };
const DEFAULTS: Record<string, unknown> = Object.fromEntries(
  Object.entries(schema.properties as Record<string, SchemaProperty>)
    .filter(([, p]) => p.default !== undefined)
    .map(([k, p]) => [k, p.default]),
);

export function defaultConfig(): OpenrtcConfig {
  return structuredClone(DEFAULTS) as unknown as OpenrtcConfig;
}

export async function loadConfigFile(file: string): Promise<OpenrtcConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ keyPath: '', line: null, column: null, message: `cannot read: ${messageOf(err)}` }]);
  }
  return parseConfigText(file, text);
}

export function parseConfigText(file: string, text: string): OpenrtcConfig {
  const parseErrors: ParseError[] = [];
  const value: unknown = parse(text, parseErrors, { allowTrailingComma: true, disallowComments: false });
  const at = lineIndex(text);
  if (parseErrors.length > 0) {
    throw new ConfigError(
      file,
      parseErrors.map((e) => ({
        keyPath: '',
        ...at(e.offset),
        message: `not valid JSON: ${describeParseError(printParseErrorCode(e.error))}`,
      })),
    );
  }
  const tree = parseTree(text);
  const locate = (path: (string | number)[], key?: boolean): { line: number | null; column: number | null } => {
    const node = tree ? findNodeAtLocation(tree, path) : undefined;
    const target: Node | undefined = key && node?.parent?.type === 'property' ? node.parent : node;
    return target ? at(target.offset) : { line: null, column: null };
  };

  if (!validate(value)) {
    // A bad property name yields a `pattern` error inside propertyNames plus the propertyNames
    // error that names the key; only the latter says which key.
    const errors = (validate.errors ?? []).filter((e) => !e.schemaPath.includes('/propertyNames/'));
    throw new ConfigError(file, inFileOrder(dedupe(errors.map((e) => schemaProblem(e, locate)))));
  }
  const config = { ...defaultConfig(), ...(value as Partial<OpenrtcConfig>) };
  const problems: ConfigProblem[] = [];
  for (const [tenant, tc] of Object.entries(config.tenant_config)) {
    for (const p of secretProblems(tenant, tc)) {
      problems.push({ ...p, ...locate(p.keyPath.split('.'), true) });
    }
  }
  if (problems.length > 0) throw new ConfigError(file, inFileOrder(problems));
  return config;
}

function schemaProblem(
  e: ErrorObject,
  locate: (path: (string | number)[], key?: boolean) => { line: number | null; column: number | null },
): ConfigProblem {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') {
    const key = String(params['additionalProperty']);
    return { keyPath: [...path, key].join('.'), ...locate([...path, key], true), message: 'unknown key' };
  }
  if (e.keyword === 'propertyNames') {
    const key = String(params['propertyName']);
    return {
      keyPath: [...path, key].join('.'),
      ...locate([...path, key], true),
      message: `${JSON.stringify(key)} is not a valid tenant id (1-128 of letters, digits, '-', '_'${path[0] === 'max_sessions_per_tenant' ? ', or "*"' : ''})`,
    };
  }
  const keyPath = path.join('.');
  const where = locate(path);
  if (path[0] === 'agents' && path.length <= 2) {
    return { keyPath, ...where, message: 'must be a folder path or a non-empty list of file/folder paths' };
  }
  if (e.keyword === 'enum') {
    return {
      keyPath,
      ...where,
      message: `must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
    };
  }
  return { keyPath, ...where, message: e.message ?? e.keyword };
}

/** oneOf branches report several errors for one key; keep the first per key path. */
function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => (seen.has(p.keyPath) ? false : (seen.add(p.keyPath), true)));
}

function inFileOrder(problems: ConfigProblem[]): ConfigProblem[] {
  const key = (p: ConfigProblem): number => (p.line ?? Number.MAX_SAFE_INTEGER) * 1e6 + (p.column ?? 0);
  return [...problems].sort((a, b) => key(a) - key(b));
}

function describeParseError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function lineIndex(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  };
}
