// The mechanical rewrite `readFileSync(p, enc)` → `await readFile(p, enc)` (node:fs/promises),
// offered only where it keeps behaviour: inside an async function (await is legal there and
// nowhere in a sync callback), with a promise twin of the same signature, not on a numeric
// file descriptor (promises want a FileHandle), and with a name for the twin that is free or
// already imported. `fs.readFileSync(p)` becomes `await fs.promises.readFile(p)` (no import).
import ts = require('typescript');
import type { FixSuggestion, TextEdit } from '../../analysis/summary';
import { fsPromiseTwins } from '../../rules/javascript';
import type { Binding, ScopeStack } from './bindings';
import { canonicalModule, rangeOf } from './source-text';

export interface FsFixInput {
  file: ts.SourceFile;
  call: ts.CallExpression;
  /** The called `fs` function, e.g. 'readFileSync'. */
  syncName: string;
  /** `readFileSync(...)` (a named import) or `fs.readFileSync(...)` (through the module object). */
  form: 'named' | 'member';
  inAsyncFunction: boolean;
  scopes: ScopeStack;
  promiseApi: PromiseApiNames;
  /** Offset just after the last top-level `import` declaration; undefined when the file has none (CommonJS). */
  importInsertAt: number | undefined;
}

/** `(await x).y`, `(await x)()`: await binds looser than member access and calls. */
function needsParentheses(call: ts.CallExpression): boolean {
  const parent = call.parent;
  return (
    ((ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent) || ts.isCallExpression(parent)) &&
      parent.expression === call) ||
    (ts.isTaggedTemplateExpression(parent) && parent.tag === call)
  );
}

/** Module-level names through which the promise API is already reachable; computed once per file. */
export interface PromiseApiNames {
  /** local name → imported name, for `import { readFile as rf } from 'node:fs/promises'`. */
  named: ReadonlyMap<string, string>;
  /** Prefixes: `fsp.` for a namespace of fs/promises, `fs.promises.` for a namespace of fs. */
  prefixes: readonly { local: string; prefix: string }[];
}

export function promiseApiNames(moduleScope: ReadonlyMap<string, Binding>): PromiseApiNames {
  const named = new Map<string, string>();
  const prefixes: { local: string; prefix: string }[] = [];
  for (const [local, binding] of moduleScope) {
    if (binding.kind !== 'named' && binding.kind !== 'namespace') continue;
    const module = canonicalModule(binding.module);
    if (binding.kind === 'named' && module === 'fs/promises') named.set(local, binding.name);
    else if (binding.kind === 'namespace' && module === 'fs/promises') prefixes.push({ local, prefix: `${local}.` });
    else if (binding.kind === 'namespace' && module === 'fs') prefixes.push({ local, prefix: `${local}.promises.` });
  }
  return { named, prefixes };
}

/** How the twin can be named at the call without a new import, if it can. */
function existingTwinName(input: FsFixInput, twin: string): string | undefined {
  const moduleScope = input.scopes.moduleScope();
  // A local of the same name at the call site would capture the rewritten reference.
  const visible = (local: string): boolean =>
    moduleScope !== undefined && input.scopes.lookup(local) === moduleScope.get(local);
  for (const [local, imported] of input.promiseApi.named) if (imported === twin && visible(local)) return local;
  const via = input.promiseApi.prefixes.find(({ local }) => visible(local));
  return via === undefined ? undefined : `${via.prefix}${twin}`;
}

export function fsPromiseFixes(input: FsFixInput): FixSuggestion[] {
  const { file, call } = input;
  const twin = fsPromiseTwins.get(input.syncName);
  if (twin === undefined || !input.inAsyncFunction) return [];
  const first = call.arguments[0];
  if (first !== undefined && ts.isNumericLiteral(first)) return [];
  const parens = needsParentheses(call);
  const open = parens ? '(await ' : 'await ';
  const callStart = call.getStart(file);
  const edits: TextEdit[] = [];
  const callee = call.expression;
  if (input.form === 'member') {
    if (!ts.isPropertyAccessExpression(callee)) return [];
    edits.push({ range: rangeOf(file, callStart, callStart), newText: open });
    edits.push({ range: rangeOf(file, callee.name.getStart(file), callee.name.getEnd()), newText: `promises.${twin}` });
  } else {
    if (!ts.isIdentifier(callee)) return [];
    let name = existingTwinName(input, twin);
    if (name === undefined) {
      if (input.importInsertAt === undefined || input.scopes.isDeclared(twin)) return [];
      name = twin;
      const at = input.importInsertAt;
      edits.push({ range: rangeOf(file, at, at), newText: `\nimport { ${twin} } from 'node:fs/promises';` });
    }
    edits.push({ range: rangeOf(file, callee.getStart(file), callee.getEnd()), newText: `${open}${name}` });
  }
  if (parens) edits.push({ range: rangeOf(file, call.getEnd(), call.getEnd()), newText: ')' });
  return [{ title: `Replace with \`await ${twin}(...)\` from node:fs/promises`, edits, preferred: true }];
}
