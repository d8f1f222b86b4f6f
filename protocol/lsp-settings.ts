// Settings shared by the extension (which reads `openrtc.diagnostics.*`) and the language
// server (which asks for them through workspace/configuration). One module, both sides.

export type SeverityName = 'error' | 'warning' | 'information' | 'hint' | 'off';

export interface DiagnosticsSettings {
  enable: boolean;
  /** Per-code overrides, e.g. { "ORP101": "error", "ORJ110": "off" }. */
  severity: Record<string, SeverityName>;
  /** Treat module top-level code as loop code (default false: it is start-up). */
  moduleLevelIsLoop: boolean;
  /** Honour `# noqa: ASYNCxxx` with the matching ruff code (Python). */
  honourNoqa: boolean;
  /** Show findings in test files (`*.test.ts`, `test_*.py`, `tests/`) at information (default true). */
  testFilesAsInformation: boolean;
}

export const SETTINGS_SECTION = 'openrtc.diagnostics';

export const defaultDiagnosticsSettings: DiagnosticsSettings = {
  enable: true,
  severity: {},
  moduleLevelIsLoop: false,
  honourNoqa: true,
  testFilesAsInformation: true,
};

/** Diagnostic `source` for static findings, and the code the extension uses for runtime-observed blocks. */
export const DIAGNOSTIC_SOURCE = 'openrtc';
export const OBSERVED_BLOCKING_CODE = 'ORX001';
