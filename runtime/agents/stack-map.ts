// Maps positions in evaluated agent bundles (`<file>?v=<n>:<line>:<col>` in stack traces) back to
// the agent's own source through each bundle's inline source map, so error records point at the
// user's .ts lines. Maps are parsed lazily, only when an error needs them.
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;
const BUNDLE_FRAME = /([^\s()]+\?v=\d+):(\d+):(\d+)/g;

export function inlineSourceMap(code: string): string | null {
  const m = INLINE_MAP.exec(code);
  return m ? Buffer.from(m[1]!, 'base64').toString('utf8') : null;
}

export class BundleMaps {
  private readonly code = new Map<string, string>();
  private readonly parsed = new Map<string, TraceMap | null>();

  add(scriptName: string, code: string): void {
    this.code.set(scriptName, code);
  }

  get(scriptName: string): string | undefined {
    return this.code.get(scriptName);
  }

  /** `file:line:column` in the original source, or null when unknown. */
  original(scriptName: string, line: number, column: number): string | null {
    const map = this.traceMap(scriptName);
    if (!map) return null;
    const pos = originalPositionFor(map, { line, column: column - 1 });
    return pos.source && pos.line !== null ? `${pos.source}:${pos.line}:${(pos.column ?? 0) + 1}` : null;
  }

  /** The stack text with every bundle position replaced by its original one. */
  mapStack(stack: string): string {
    return stack.replace(
      BUNDLE_FRAME,
      (whole, script: string, line: string, col: string) => this.original(script, Number(line), Number(col)) ?? whole,
    );
  }

  private traceMap(scriptName: string): TraceMap | null {
    if (!this.parsed.has(scriptName)) {
      const code = this.code.get(scriptName);
      const json = code ? inlineSourceMap(code) : null;
      this.parsed.set(scriptName, json ? new TraceMap(json) : null);
    }
    return this.parsed.get(scriptName) ?? null;
  }
}
