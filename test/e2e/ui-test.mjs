// The UI test: the packaged .vsix installed into code-server, driven through Debian's Chromium
// like a user would: open the OpenRTC view, run a runbook from the command palette, look at
// the Problems panel. Screenshots go to test/e2e/screenshots/ (gitignored, uploaded nowhere).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import { installExtension, makeScratch, removeScratch, startCodeServer, stopGroup } from './lib/code-server.mjs';
import { UI_CHECKS } from './ui-checks.mjs';

/**
 * @param {{root: string, workspace: string, vsix: string, screenshots: string}} o
 * @returns {Promise<{passed: number, failed: number}>}
 */
export async function runUiTest({ root, workspace, vsix, screenshots }) {
  mkdirSync(screenshots, { recursive: true });
  const scratch = makeScratch(root, 'ui', { 'openrtc.runtime.autoStart': true });
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
    const ctx = { page, workspace, shot: (name) => page.screenshot({ path: join(screenshots, `${name}.png`) }) };
    for (const check of UI_CHECKS) {
      const t0 = Date.now();
      try {
        await check.run(ctx);
        passed += 1;
        console.log(`  ✔ ${check.name} (${Date.now() - t0}ms)`);
      } catch (err) {
        failed += 1;
        console.log(`  ✗ ${check.name}: ${err.message.split('\n')[0]}`);
        await ctx.shot(`failed-${check.name.replace(/\W+/g, '-')}`).catch(() => {});
        // What the extension said (errors arrive as notifications), for the log.
        const messages = await page
          .locator('.notification-list-item-message')
          .allTextContents()
          .catch(() => []);
        for (const m of messages) console.log(`    notification: ${m}`);
        break; // later checks build on earlier ones
      }
    }
  } finally {
    await browser?.close().catch(() => {});
    if (server) stopGroup(server.child);
    removeScratch(scratch);
  }
  return { passed, failed };
}
