// Rule lookups for the core: the front ends' catalogues plus the two "blocks through a
// helper" codes the core itself reports. Severity comes from the rule's default, then
// from the per-code override in settings.
import type { Language } from '../analysis/summary';
import type { Rule } from '../rules/rule';
import type { DiagnosticsSettings, SeverityName } from '../../protocol/lsp-settings';

/** Transitive findings have their own codes so users can tune them apart from direct ones. */
export const transitiveRules: readonly Rule[] = [
  {
    code: 'ORJ100',
    name: 'blocking-helper-call',
    languages: ['typescript', 'javascript'],
    apis: [],
    message: 'calls a synchronous helper that blocks the event loop',
    replacement:
      'make the helper async (node:fs/promises, child_process.execFile with await, ...) or move it to a worker_threads Worker',
    severity: 'warning',
  },
  {
    code: 'ORP100',
    name: 'blocking-helper-call',
    languages: ['python'],
    apis: [],
    message: 'calls a synchronous helper that blocks the event loop',
    replacement: 'await asyncio.to_thread(helper, ...) or make the helper async',
    severity: 'warning',
  },
];

export type ActiveSeverity = Exclude<SeverityName, 'off'>;

export class RuleBook {
  private readonly byCode = new Map<string, Rule>();

  constructor(catalogue: readonly Rule[]) {
    for (const rule of [...transitiveRules, ...catalogue]) this.byCode.set(rule.code, rule);
  }

  get(code: string): Rule | undefined {
    return this.byCode.get(code);
  }

  all(): Rule[] {
    return [...this.byCode.values()];
  }

  transitiveCode(language: Language): string {
    return language === 'python' ? 'ORP100' : 'ORJ100';
  }

  /** null: the user turned this code off. */
  severity(code: string, settings: DiagnosticsSettings): ActiveSeverity | null {
    const override = Object.prototype.hasOwnProperty.call(settings.severity, code)
      ? settings.severity[code]
      : undefined;
    if (override === 'off') return null;
    return override ?? this.byCode.get(code)?.severity ?? 'warning';
  }
}
