// The UI test: the packaged .vsix installed into code-server, driven through Debian's Chromium
// like a user would: open the OpenRTC view, run a runbook from the command palette, look at
// the Problems panel. Screenshots go to test/e2e/screenshots/ (gitignored, uploaded nowhere).
import { runUiSession } from './lib/ui-session.mjs';
import { UI_CHECKS } from './ui-checks.mjs';

/**
 * @param {{root: string, workspace: string, vsix: string, screenshots: string}} o
 * @returns {Promise<{passed: number, failed: number}>}
 */
export function runUiTest(o) {
  return runUiSession({
    ...o,
    name: 'ui',
    settings: {
      'openrtc.runtime.autoStart': true,
      // The theme follows the browser's colour scheme: the dashboard's light and dark screenshots.
      'window.autoDetectColorScheme': true,
      'workbench.preferredLightColorTheme': 'Default Light Modern',
      'workbench.preferredDarkColorTheme': 'Default Dark Modern',
    },
    checks: UI_CHECKS,
  });
}
