// A blocking-call rule: one row of a language's declarative catalogue
// (server/rules/javascript.ts, server/rules/python.ts). Docs: docs/rules/<code>.md, whose header
// and index row scripts/generate-rule-docs.ts writes from these fields.
import type { Language } from '../analysis/summary';

export interface Rule {
  /** Stable code: ORJ1xx for JavaScript/TypeScript, ORP1xx for Python. Never reused. */
  code: string;
  /** Short kebab-case name, e.g. 'sync-fs-read'. */
  name: string;
  languages: Language[];
  /** Fully qualified APIs this rule matches after import/alias resolution, e.g. 'fs.readFileSync', 'time.sleep'. */
  apis: string[];
  /** What the user sees; names the async replacement for the framework (asyncio, node:fs/promises, ...). */
  message: string;
  /** The async replacement, shown in docs and quick-fix titles. */
  replacement: string;
  /** ruff / flake8-async code this rule covers (Python), so `# noqa: ASYNC230` suppresses it too. */
  ruffCodes?: string[];
  /** Default severity: 'warning' for real stalls, 'information' for likely-but-bounded ones. */
  severity: 'warning' | 'information';
  /** What the rules index (docs/rules/README.md) says the rule flags. */
  flags: string;
  /** eslint rules that cover the same calls (JavaScript/TypeScript), named in the docs header. */
  eslintRules?: string[];
  /** Said after the peer linter's codes in the docs header: why there are none, or how they differ. */
  peerNote?: string;
}

export function docsUrl(code: string): string {
  return `https://github.com/openrtc/openrtc-vscode/blob/main/docs/rules/${code}.md`;
}
