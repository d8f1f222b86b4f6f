// `openrtc check` takes its settings from the "diagnostics" block of openrtc.json in the
// working directory (the same keys as the editor's openrtc.diagnostics.* settings), else the
// defaults. A headless gate must not guess: any problem in the block is an error naming the
// key, and the check does not run.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { defaultDiagnosticsSettings, type DiagnosticsSettings } from '../../protocol/lsp-settings';
import { parseDiagnosticsSettings } from '../lsp/settings';

export type SettingsOutcome =
  { ok: true; settings: DiagnosticsSettings; source: string } | { ok: false; problems: string[] };

export async function loadCheckSettings(cwd: string): Promise<SettingsOutcome> {
  const file = path.join(cwd, 'openrtc.json');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return { ok: true, settings: { ...defaultDiagnosticsSettings, severity: {} }, source: 'defaults' };
  }
  const errors: ParseError[] = [];
  const doc: unknown = parse(text, errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    const first = errors[0] as ParseError;
    const line = text.slice(0, first.offset).split('\n').length;
    return { ok: false, problems: [`${file}:${line}: ${printParseErrorCode(first.error)}`] };
  }
  const block =
    typeof doc === 'object' && doc !== null && !Array.isArray(doc)
      ? (doc as Record<string, unknown>)['diagnostics']
      : undefined;
  const { settings, problems } = parseDiagnosticsSettings(block);
  if (problems.length > 0) {
    // The editor's wording names its settings section and says what it falls back to; here nothing falls back.
    return {
      ok: false,
      problems: problems.map(
        (p) => `${file}: ${p.replace(/^openrtc\.diagnostics/, 'diagnostics').replace(/; (using .*|ignored)$/, '')}`,
      ),
    };
  }
  return { ok: true, settings, source: block === undefined ? 'defaults' : `${file} (diagnostics)` };
}
