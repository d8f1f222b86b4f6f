// The real front ends behind the server: TypeScript/JavaScript through the compiler API,
// Python through web-tree-sitter (whose wasm files sit next to the bundle).
import type { FileSummary, FrontEndOptions, Language } from '../analysis/summary';
import { analyzePython, initPython } from '../frontends/python';
import { analyzeTypeScript } from '../frontends/typescript';

export { catalogue } from '../rules/catalogue';

/** Loads what the front ends need before the first analysis; `wasmDir` holds the grammar files. */
export function initFrontEnds(wasmDir: string): Promise<void> {
  return initPython(wasmDir);
}

/** What every front end is told; the Python one also applies `# noqa` itself. */
export interface AnalyzerOptions extends FrontEndOptions {
  honourNoqa: boolean;
}

export function analyzeFile(path: string, language: Language, text: string, options: AnalyzerOptions): FileSummary {
  return language === 'python' ? analyzePython(path, text, options) : analyzeTypeScript(path, text, options);
}
