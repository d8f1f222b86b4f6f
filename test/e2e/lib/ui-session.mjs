// One code-server + Chromium session for a list of UI checks, shared by the UI test and the
// Restricted Mode test: private scratch dirs, the .vsix installed, the workspace opened, each
// check run in order (later checks build on earlier ones, so the first failure ends the run),
// and what the extension said at a failure (its notifications and OpenRTC output) kept for the log.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './browser.mjs';
import { installExtension, makeScratch, removeScratch, startCodeServer, stopGroup } from './code-server.mjs';
import { palette } from './workbench.mjs';

/** Logs the notifications and screenshots the OpenRTC output channel: what a reader of a failure needs. */
async function explainFailure(page, shot, name) {
  await shot(`failed-${name.replace(/\W+/g, '-')}`).catch(() => {});
  const messages = await page
    .locator('.notification-list-item-message')
    .allTextContents()
    .catch(() => []);
  for (const m of messages) console.log(`    notification: ${m}`);
  await palette(page, 'Output: Show Output Channels').catch(() => {});
  await page.keyboard.type('OpenRTC').catch(() => {});
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter').catch(() => {});
  await page.waitForTimeout(1000);
  await shot(`failed-${name.replace(/\W+/g, '-')}-output`).catch(() => {});
}

/**
 * @param {{root: string, workspace: string, vsix: string, screenshots: string, name: string,
 *   settings: Record<string, unknown>, trust?: boolean,
 *   checks: {name: string, run: (ctx: object) => Promise<void>}[]}} o
 *   `trust` leaves workspace trust on, so the folder opens in Restricted Mode.
 * @returns {Promise<{passed: number, failed: number}>}
 */
export async function runUiSession({ root, workspace, vsix, screenshots, name, settings, trust = false, checks }) {
  mkdirSync(screenshots, { recursive: true });
  const scratch = makeScratch(root, name, settings, { trust });
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
    const shot = (file) => page.screenshot({ path: join(screenshots, `${file}.png`) });
    const ctx = { page, workspace, shot };
    for (const check of checks) {
      const t0 = Date.now();
      try {
        await check.run(ctx);
        passed += 1;
        console.log(`  ✔ ${check.name} (${Date.now() - t0}ms)`);
      } catch (err) {
        failed += 1;
        console.log(`  ✗ ${check.name}: ${err.message.split('\n')[0]}`);
        await explainFailure(page, shot, check.name);
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
