// Restricted Mode, as a user meets it: the packaged .vsix in code-server with workspace trust on
// and the folder not trusted. The blocking-call diagnostics still show (they only read code);
// "OpenRTC: Start Runtime" is refused with a message saying why, and no runtime starts.
// (Extension-host tests cannot do this: VS Code trusts every workspace while extension tests run.)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import { installExtension, makeScratch, removeScratch, startCodeServer, stopGroup } from './lib/code-server.mjs';
import { palette } from './ui-checks.mjs';

const CHECKS = [
  {
    name: 'Restricted Mode: the workspace opens untrusted',
    async run({ page }) {
      await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 });
    },
  },
  {
    name: 'Restricted Mode: Start Runtime is refused, saying why',
    async run({ page, shot }) {
      await palette(page, 'OpenRTC: Start Runtime');
      await page
        .locator('.notification-list-item-message', { hasText: 'cannot start a runtime in Restricted Mode' })
        .first()
        .waitFor({ timeout: 20_000 });
      const text = await page
        .locator('.notification-list-item-message', { hasText: 'Restricted Mode' })
        .first()
        .textContent();
      if (!/runs this workspace's agent code/.test(text ?? ''))
        throw new Error(`the refusal does not say why: ${text}`);
      await shot('restricted-02-start-refused');
      // Nothing started behind the message: the tree still offers Start Runtime.
      await page.locator('.activitybar [aria-label^="OpenRTC"]').first().click();
      await page
        .locator('.pane-body', { hasText: 'No OpenRTC runtime is watched' })
        .first()
        .waitFor({ timeout: 10_000 });
    },
  },
  {
    name: 'Restricted Mode: the blocking-call diagnostic still shows',
    async run({ page, shot }) {
      const row = (name) => page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
      await row('src').click();
      await page.mouse.move(900, 500);
      await page.waitForTimeout(400);
      await row('reader.ts').click();
      await page.locator('.tabs-container .tab', { hasText: 'reader.ts' }).first().waitFor({ timeout: 10_000 });
      // The language server starts with the extension; on 2 loaded cores its first analysis can take a while.
      await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 120_000 });
      await palette(page, 'View: Focus Problems');
      await page.locator('.markers-panel .monaco-list-row', { hasText: 'ORJ101' }).first().waitFor({ timeout: 20_000 });
      await shot('restricted-01-diagnostics');
    },
  },
];

/**
 * @param {{root: string, workspace: string, vsix: string, screenshots: string}} o
 * @returns {Promise<{passed: number, failed: number}>}
 */
export async function runRestrictedTest({ root, workspace, vsix, screenshots }) {
  mkdirSync(screenshots, { recursive: true });
  const scratch = makeScratch(root, 'restricted', {
    'security.workspace.trust.enabled': true,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'never',
    // Would start the runtime at once in a trusted folder: here it must not.
    'openrtc.runtime.autoStart': true,
  });
  scratch.trust = true;
  let server;
  let browser;
  let passed = 0;
  let failed = 0;
  try {
    installExtension(root, scratch, vsix);
    server = await startCodeServer(root, scratch);
    browser = await launchBrowser(scratch);
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`, {
      waitUntil: 'domcontentloaded',
      timeout: 90_000,
    });
    await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 90_000 });
    const ctx = { page, shot: (name) => page.screenshot({ path: join(screenshots, `${name}.png`) }) };
    for (const check of CHECKS) {
      const t0 = Date.now();
      try {
        await check.run(ctx);
        passed += 1;
        console.log(`  ✔ ${check.name} (${Date.now() - t0}ms)`);
      } catch (err) {
        failed += 1;
        console.log(`  ✗ ${check.name}: ${err.message.split('\n')[0]}`);
        await ctx.shot(`failed-${check.name.replace(/\W+/g, '-')}`).catch(() => {});
        const messages = await page
          .locator('.notification-list-item-message')
          .allTextContents()
          .catch(() => []);
        for (const m of messages) console.log(`    notification: ${m}`);
        // What the extension logged, for the reader of the failure.
        await palette(page, 'Output: Show Output Channels').catch(() => {});
        await page.keyboard.type('OpenRTC').catch(() => {});
        await page.waitForTimeout(300);
        await page.keyboard.press('Enter').catch(() => {});
        await page.waitForTimeout(1000);
        await ctx.shot('failed-restricted-output').catch(() => {});
        break;
      }
    }
  } finally {
    await browser?.close().catch(() => {});
    if (server) stopGroup(server.child);
    removeScratch(scratch);
  }
  return { passed, failed };
}
