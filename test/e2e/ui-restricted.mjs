// Restricted Mode, as a user meets it: the packaged .vsix in code-server with workspace trust on
// and the folder not trusted. The extension is enabled (capabilities.untrustedWorkspaces is
// "limited"); the blocking-call diagnostics still show (they only read code); "OpenRTC: Start
// Runtime" is refused with a message saying why, and no runtime starts.
// (Extension-host tests cannot do this: VS Code trusts every workspace while extension tests run.)
import { runUiSession } from './lib/ui-session.mjs';
import { extensionActive, palette, showReaderDiagnostic } from './lib/workbench.mjs';

const CHECKS = [
  {
    name: 'Restricted Mode: the workspace opens untrusted, the extension is active',
    async run({ page }) {
      await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 });
      await extensionActive(page);
      await page.locator('.activitybar [aria-label^="OpenRTC"]').first().waitFor({ timeout: 10_000 });
    },
  },
  {
    name: 'Restricted Mode: Start Runtime is refused, saying why',
    async run({ page, shot }) {
      await palette(page, 'OpenRTC: Start Runtime');
      const refusal = page
        .locator('.notification-list-item-message', { hasText: 'cannot start a runtime in Restricted Mode' })
        .first();
      await refusal.waitFor({ timeout: 20_000 });
      const text = await refusal.textContent();
      if (!/runs this workspace's agent code/.test(text ?? ''))
        throw new Error(`the refusal does not say why: ${text}`);
      await shot('restricted-01-start-refused');
      // Nothing started behind the message (autoStart is on, too): the tree still offers Start Runtime.
      await page.locator('.activitybar [aria-label^="OpenRTC"]').first().click();
      await page
        .locator('.pane-body', { hasText: 'No OpenRTC runtime is watched' })
        .first()
        .waitFor({ timeout: 10_000 });
      await page.locator('.statusbar-item', { hasText: 'OpenRTC: stopped' }).first().waitFor({ timeout: 5_000 });
    },
  },
  {
    name: 'Restricted Mode: the blocking-call diagnostic still shows',
    async run({ page, shot }) {
      // The language server starts with the extension; on 2 loaded cores its first analysis can take a while.
      await showReaderDiagnostic(page, 120_000);
      await shot('restricted-02-diagnostics');
    },
  },
];

/**
 * @param {{root: string, workspace: string, vsix: string, screenshots: string}} o
 * @returns {Promise<{passed: number, failed: number}>}
 */
export function runRestrictedTest(o) {
  return runUiSession({
    ...o,
    name: 'restricted',
    trust: true,
    settings: {
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.banner': 'never',
      // Would start the runtime at once in a trusted folder: here it must not.
      'openrtc.runtime.autoStart': true,
    },
    checks: CHECKS,
  });
}
