// Findings for one file: every call site in loop code (a function the loop runs) that
// blocks, directly (a catalogue hit) or through sync helpers in this or another workspace
// file. Suppressions and severity settings are applied here, so the LSP layer and the
// command line see the same results.
import type { FileSummary, FixSuggestion, SourceRange } from '../analysis/summary';
import type { DiagnosticsSettings } from '../../protocol/lsp-settings';
import type { BlockingClosure, ChainStep } from './blocking-closure';
import type { ActiveSeverity, RuleBook } from './rule-book';
import { isSuppressed } from './suppressions';
import { helperCallMessage } from '../rules/helper-message';

/** One hop of a transitive finding, for relatedInformation: in `functionName`, the call at `range`. */
export interface ChainHop {
  path: string;
  range: SourceRange;
  functionName: string;
  /** What this hop calls: 'parse()' for a helper, the API for the blocking call. */
  calls: string;
}

export interface Finding {
  path: string;
  range: SourceRange;
  code: string;
  severity: ActiveSeverity;
  message: string;
  /** The catalogue rule that actually blocks (equals `code` for direct findings). */
  blockingCode: string;
  /** Hops inside helpers, in call order; empty for a direct finding. */
  chain: ChainHop[];
  /** 'entry → loadConfig() → fs.readFileSync' */
  chainText: string;
  fixes: FixSuggestion[];
}

const callLabel = (name: string): string => `${name}()`;

function blockingStepApi(steps: ChainStep[]): { code: string; api: string } {
  const last = steps[steps.length - 1];
  const callee = last?.site.callee;
  return callee?.kind === 'blocking' ? { code: callee.code, api: callee.api } : { code: '', api: '?' };
}

export function findingsForFile(
  summary: FileSummary,
  closure: BlockingClosure,
  rules: RuleBook,
  settings: DiagnosticsSettings,
): Finding[] {
  if (!settings.enable) return [];
  const out: Finding[] = [];
  const transitiveCode = rules.transitiveCode(summary.language);
  const reportedMemoised = new Set<string>();
  for (const fn of summary.functions) {
    if (fn.loopRoot === null) continue;
    for (const site of fn.calls) {
      const line = site.range.start.line;
      const callee = site.callee;
      if (callee.kind === 'blocking') {
        const rule = rules.get(callee.code);
        const severity = rules.severity(callee.code, settings);
        if (severity === null || isSuppressed(summary, line, callee.code, rule, settings.honourNoqa)) continue;
        out.push({
          path: summary.path,
          range: site.range,
          code: callee.code,
          severity,
          message: rule?.message ?? `${callee.api} blocks the event loop`,
          blockingCode: callee.code,
          chain: [],
          chainText: `${fn.name} → ${callee.api}`,
          fixes: callee.fixes,
        });
        continue;
      }
      const target = closure.resolveCallee(summary, site);
      const steps = target === null ? null : closure.chainFrom(target);
      if (target === null || steps === null) continue;
      if (isSuppressed(summary, line, transitiveCode, undefined, false)) continue;
      const leaf = blockingStepApi(steps);
      // A memoised helper blocks on its first call only: reported once per file, at information.
      const memoised = [target, ...steps.map((s) => s.node)].find((n) => n.fn.memoised === true);
      const memoKey = memoised === undefined ? undefined : `${memoised.summary.path}#${memoised.fn.id}`;
      if (memoKey !== undefined && reportedMemoised.has(memoKey)) continue;
      const severity = rules.chainSeverity(transitiveCode, leaf.code, memoised !== undefined, settings);
      if (severity === null) continue;
      if (memoKey !== undefined) reportedMemoised.add(memoKey);
      const chain: ChainHop[] = steps.map((s) => ({
        path: s.node.summary.path,
        range: s.site.range,
        functionName: s.node.fn.name,
        calls: s.next === null ? leaf.api : callLabel(s.next.fn.name),
      }));
      const chainText = [fn.name, ...steps.map((s) => callLabel(s.node.fn.name)), leaf.api].join(' → ');
      const leafRule = rules.get(leaf.code);
      const helper = callLabel(target.fn.name);
      const fix = summary.language === 'python' ? `await asyncio.to_thread(${target.fn.name}, ...)` : undefined;
      out.push({
        path: summary.path,
        range: site.range,
        code: transitiveCode,
        severity,
        message: helperCallMessage({
          helper,
          chainText,
          leafCode: leaf.code,
          ...(fix !== undefined ? { offload: fix } : {}),
          ...(leafRule !== undefined ? { leafReplacement: leafRule.replacement } : {}),
        }),
        blockingCode: leaf.code,
        chain,
        chainText,
        fixes: callee.offloadFixes ?? [],
      });
    }
  }
  return out;
}
