// The UI test's steps, in order; each throws on failure. Selectors are the workbench's own
// (checked on code-server 4.100.3).

async function palette(page, command) {
  await page.click('.monaco-workbench .part.editor');
  await page.keyboard.press('Control+Shift+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${command}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: command }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

export const UI_CHECKS = [
  {
    name: 'the OpenRTC view opens from the activity bar',
    async run({ page, shot }) {
      const entry = page.locator('.activitybar [aria-label^="OpenRTC"]');
      await entry.waitFor({ timeout: 20_000 });
      await entry.click();
      await page.locator('.pane-header', { hasText: 'Workers' }).waitFor({ timeout: 10_000 });
      await shot('01-openrtc-view');
    },
  },
  {
    name: 'the Problems panel opens',
    async run({ page, shot }) {
      await palette(page, 'View: Focus Problems');
      await page.locator('.markers-panel').waitFor({ timeout: 10_000 });
      await page.waitForTimeout(500);
      await shot('05-problems');
    },
  },
];
