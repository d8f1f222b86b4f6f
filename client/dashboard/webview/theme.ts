// Chart colours from VS Code's theme variables, read when the page draws (and again when the
// theme changes: VS Code swaps the body's vscode-light / vscode-dark / vscode-high-contrast class).

export interface Palette {
  foreground: string;
  background: string;
  grid: string;
  p50: string;
  p99: string;
  max: string;
  active: string;
  cap: string;
  started: string;
  failed: string;
  rejected: string[];
  closed: string;
  open: string;
  halfOpen: string;
  isolation: string;
  block: string;
  highContrast: boolean;
}

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value || fallback;
}

export function readPalette(): Palette {
  const fg = cssVar('--vscode-editor-foreground', '#888');
  const red = cssVar('--vscode-charts-red', '#e51400');
  const yellow = cssVar('--vscode-charts-yellow', '#bf8803');
  const orange = cssVar('--vscode-charts-orange', '#d18616');
  const green = cssVar('--vscode-charts-green', '#388a34');
  const blue = cssVar('--vscode-charts-blue', '#1a85ff');
  const purple = cssVar('--vscode-charts-purple', '#652d90');
  return {
    foreground: fg,
    background: cssVar('--vscode-editor-background', '#fff'),
    grid: cssVar('--vscode-charts-lines', 'rgba(128,128,128,0.3)'),
    p50: green,
    p99: orange,
    max: red,
    active: blue,
    cap: fg,
    started: green,
    failed: red,
    rejected: [orange, purple, yellow, blue, fg],
    closed: green,
    open: red,
    halfOpen: yellow,
    isolation: purple,
    block: red,
    highContrast: document.body.classList.contains('vscode-high-contrast'),
  };
}

export function onThemeChange(listener: () => void): void {
  new MutationObserver(listener).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
