// The README's "may import" table as an eslint rule, so the layering is checked by a tool rather
// than by review. Policy (`layerViolation`) is a pure function of the importing file and the import
// text; the rule only feeds it from the AST. Relative paths are resolved, so `../../client/x` is
// caught at any depth.
import { dirname, relative, resolve, sep } from 'node:path';

/** Our four code layers and which of the others each may import. */
export const LAYERS = {
  protocol: [],
  runtime: ['protocol'],
  server: ['protocol'],
  client: ['protocol'],
};

/** The only layer that may import the VS Code API. */
const VSCODE_LAYER = 'client';

/** Top-level folder of `file` under `root` when it is one of our layers, else undefined. */
export function layerOf(root, file) {
  const rel = relative(root, file);
  if (rel.startsWith('..')) return undefined;
  const top = rel.split(sep)[0];
  return top in LAYERS ? top : undefined;
}

/**
 * Why `source`, imported from `file`, breaks the table, or undefined when it does not.
 * Files outside the layers (test/, bench/, scripts/) may import anything.
 */
export function layerViolation(root, file, source) {
  const from = layerOf(root, file);
  if (from === undefined) return undefined;
  if (source === 'vscode' || source.startsWith('vscode/')) {
    return from === VSCODE_LAYER ? undefined : `${from}/ never imports 'vscode' (only client/ does)`;
  }
  if (!source.startsWith('.')) return undefined;
  const target = resolve(dirname(file), source);
  const to = layerOf(root, target);
  if (to === undefined) {
    const rel = relative(root, target);
    // schemas/ (JSON) is shared data; anything else outside the layers is not ours to import.
    if (rel.startsWith(`schemas${sep}`)) return undefined;
    return `${from}/ imports '${source}', outside protocol/, runtime/, server/ and client/`;
  }
  if (to === from || LAYERS[from].includes(to)) return undefined;
  const allowed = LAYERS[from].length ? LAYERS[from].map((l) => `${l}/`).join(', ') : 'nothing of ours';
  return `${from}/ may import only ${allowed}, not ${to}/ ('${source}')`;
}

/** Static relative imports carry no `.js` suffix (dynamic import() keeps it: Node16 needs it at run time). */
export function jsSuffixViolation(source) {
  return source.startsWith('.') && /\.[cm]?js$/.test(source)
    ? `relative import '${source}' carries a .js suffix: drop it (one import style across the repo)`
    : undefined;
}

function checkSource(context, node) {
  const source = node.source;
  if (!source || typeof source.value !== 'string') return;
  // Plain .mjs scripts are run by Node as written, so they keep their suffixes; TypeScript drops them.
  const suffix = context.filename.endsWith('.ts') ? jsSuffixViolation(source.value) : undefined;
  const problem = layerViolation(context.cwd, context.filename, source.value) ?? suffix;
  if (problem) context.report({ node: source, message: problem });
}

function checkLayerOnly(context, literal) {
  if (literal.type !== 'Literal' || typeof literal.value !== 'string') return;
  const problem = layerViolation(context.cwd, context.filename, literal.value);
  if (problem) context.report({ node: literal, message: problem });
}

const importRule = {
  meta: { type: 'problem', docs: { description: "the README's layer table and one import style" }, schema: [] },
  create(context) {
    const check = (node) => checkSource(context, node);
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      TSImportEqualsDeclaration(node) {
        const ref = node.moduleReference;
        if (ref.type === 'TSExternalModuleReference') checkSource(context, { source: ref.expression });
      },
      // Dynamic import() and require() may keep .js (Node16 resolution needs it), but layers still apply.
      ImportExpression: (node) => checkLayerOnly(context, node.source),
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length === 1) {
          checkLayerOnly(context, node.arguments[0]);
        }
      },
    };
  },
};

export const layersPlugin = { meta: { name: 'openrtc-layers' }, rules: { imports: importRule } };
