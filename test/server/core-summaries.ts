// Hand-written FileSummary builders for the core's tests: the core must work on what any
// front end produces, so its tests do not depend on a particular front end.
import type {
  Callee,
  CallSite,
  FileSummary,
  FunctionSummary,
  Language,
  LoopRootKind,
} from '../../server/analysis/summary';
import type { Rule } from '../../server/rules/rule';

export const at = (line: number, character = 2, length = 10): CallSite['range'] => ({
  start: { line, character },
  end: { line, character: character + length },
});

export const call = (line: number, callee: Callee): CallSite => ({ range: at(line), callee });
export const blocking = (line: number, code: string, api: string): CallSite =>
  call(line, { kind: 'blocking', code, api, fixes: [] });
export const local = (line: number, functionId: string): CallSite => call(line, { kind: 'local', functionId });
export const imported = (line: number, module: string, name: string): CallSite =>
  call(line, { kind: 'import', module, name });

export function fn(
  id: string,
  line: number,
  calls: CallSite[],
  opts: { loopRoot?: LoopRootKind | null; isAsync?: boolean } = {},
): FunctionSummary {
  const isAsync = opts.isAsync ?? false;
  return {
    id,
    name: id,
    range: at(line, 0, id.length),
    loopRoot: opts.loopRoot ?? (isAsync ? 'async' : null),
    isAsync,
    calls,
  };
}

export function file(
  path: string,
  language: Language,
  functions: FunctionSummary[],
  extra: Partial<Pick<FileSummary, 'exports' | 'reexports' | 'suppressions'>> = {},
): FileSummary {
  return {
    path,
    language,
    functions,
    exports: extra.exports ?? {},
    reexports: extra.reexports ?? [],
    suppressions: extra.suppressions ?? [],
    parseErrors: 0,
  };
}

export const testRules: Rule[] = [
  {
    code: 'ORJ101',
    name: 'sync-fs-read',
    languages: ['typescript', 'javascript'],
    apis: ['fs.readFileSync'],
    message: 'readFileSync blocks the event loop; use await readFile from node:fs/promises',
    replacement: 'await readFile(...) from node:fs/promises',
    severity: 'warning',
    flags: '`readFileSync`',
  },
  {
    code: 'ORP101',
    name: 'sync-sleep',
    languages: ['python'],
    apis: ['time.sleep'],
    message: 'time.sleep blocks the event loop; use await asyncio.sleep(...)',
    replacement: 'await asyncio.sleep(...)',
    ruffCodes: ['ASYNC251'],
    severity: 'warning',
    flags: '`time.sleep`',
  },
];
