// Rule lookups for the core: the front ends' catalogues, which also declare the two "blocks
// through a helper" codes the core itself reports. Severity comes from the rule's default,
// then from the per-code override in settings.
import type { Language } from '../analysis/summary';
import { JAVASCRIPT_HELPER_CODE } from '../rules/javascript';
import { PYTHON_HELPER_CODE } from '../rules/python';
import type { Rule } from '../rules/rule';
import type { DiagnosticsSettings, SeverityName } from '../../protocol/lsp-settings';

export type ActiveSeverity = Exclude<SeverityName, 'off'>;

function overrideOf(code: string, settings: DiagnosticsSettings): SeverityName | undefined {
  return Object.prototype.hasOwnProperty.call(settings.severity, code) ? settings.severity[code] : undefined;
}

export class RuleBook {
  private readonly byCode = new Map<string, Rule>();

  constructor(catalogue: readonly Rule[]) {
    for (const rule of catalogue) {
      if (this.byCode.has(rule.code)) throw new Error(`rule ${rule.code} is declared twice`);
      this.byCode.set(rule.code, rule);
    }
  }

  get(code: string): Rule | undefined {
    return this.byCode.get(code);
  }

  all(): Rule[] {
    return [...this.byCode.values()];
  }

  transitiveCode(language: Language): string {
    return language === 'python' ? PYTHON_HELPER_CODE : JAVASCRIPT_HELPER_CODE;
  }

  /** null: the user turned this code off. */
  severity(code: string, settings: DiagnosticsSettings): ActiveSeverity | null {
    const override = overrideOf(code, settings);
    if (override === 'off') return null;
    return override ?? this.byCode.get(code)?.severity ?? 'warning';
  }

  /**
   * A chain to a blocking call is as severe as that call (a chain to an information-level
   * `require()` is information, not a warning), and information when a memoised helper on it
   * pays the call once; unless the user set the chain code's own severity. null when the user
   * turned either code off.
   */
  chainSeverity(
    chainCode: string,
    leafCode: string,
    paidOnce: boolean,
    settings: DiagnosticsSettings,
  ): ActiveSeverity | null {
    const own = overrideOf(chainCode, settings);
    if (own === 'off') return null;
    const leaf = this.severity(leafCode, settings);
    if (leaf === null) return null;
    return own ?? (paidOnce ? 'information' : leaf);
  }
}
