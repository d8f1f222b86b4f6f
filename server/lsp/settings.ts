// Validates the `openrtc.diagnostics` section the client sends (an outside input): each
// bad field is reported with its key path and why, and keeps its default; good fields apply.
import {
  defaultDiagnosticsSettings,
  SETTINGS_SECTION,
  type DiagnosticsSettings,
  type SeverityName,
} from '../../protocol/lsp-settings';

const severityNames: readonly SeverityName[] = ['error', 'warning', 'information', 'hint', 'off'];
const codePattern = /^OR[A-Z]\d{3}$/;

export interface SettingsResult {
  settings: DiagnosticsSettings;
  problems: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value) : `a ${typeof value}`;
}

export function parseDiagnosticsSettings(raw: unknown): SettingsResult {
  const settings: DiagnosticsSettings = { ...defaultDiagnosticsSettings, severity: {} };
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { settings, problems };
  if (!isRecord(raw)) {
    problems.push(`${SETTINGS_SECTION}: expected an object, got ${describe(raw)}; using the defaults`);
    return { settings, problems };
  }
  for (const key of ['enable', 'moduleLevelIsLoop', 'honourNoqa', 'testFilesAsInformation'] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value === 'boolean') settings[key] = value;
    else
      problems.push(
        `${SETTINGS_SECTION}.${key}: expected true or false, got ${describe(value)}; using ${String(settings[key])}`,
      );
  }
  const severity = raw['severity'];
  if (severity !== undefined && !isRecord(severity)) {
    problems.push(
      `${SETTINGS_SECTION}.severity: expected an object of code → severity, got ${describe(severity)}; ignored`,
    );
  } else if (severity !== undefined) {
    for (const [code, value] of Object.entries(severity)) {
      const where = `${SETTINGS_SECTION}.severity.${code}`;
      if (!codePattern.test(code)) problems.push(`${where}: not a rule code (expected e.g. ORP101 or ORJ100); ignored`);
      else if (typeof value !== 'string' || !severityNames.includes(value as SeverityName))
        problems.push(`${where}: expected one of ${severityNames.join(', ')}, got ${describe(value)}; ignored`);
      else settings.severity[code] = value as SeverityName;
    }
  }
  return { settings, problems };
}
