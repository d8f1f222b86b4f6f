// Driving code-server's workbench as a user does: the command palette, quick inputs, the OpenRTC
// tree, the Explorer and the Problems panel. Selectors are the workbench's own (code-server 4.100.3).

export const QUICK_INPUT = '.quick-input-widget';

export const treeRow = (page, text) => page.locator('.pane-body .monaco-list-row', { hasText: text }).first();

export async function palette(page, command) {
  const input = page.locator(`${QUICK_INPUT} input`);
  // Enter runs the focused row: wait for it to be the command's, not only for the command to be listed.
  const row = page.locator(`${QUICK_INPUT} .monaco-list-row.focused`, { hasText: command }).first();
  // A quick input closes when it loses focus, and a webview given focus by a click takes it a moment
  // later: the palette can close under the test as it would under a user, who opens it again.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+P');
    try {
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(`>${command}`, { timeout: 5_000 });
      await row.waitFor({ timeout: 10_000 });
      break;
    } catch (err) {
      if (attempt === 3 || (await input.isVisible())) throw err;
      console.log(`    (the palette closed under "${command}": opened again)`);
    }
  }
  await page.keyboard.press('Enter');
}

/** Every editor group's tabs, the front one starred: what a failed wait for a tab saw. */
export async function tabStrips(page) {
  const groups = await page
    .locator('.editor-group-container')
    .evaluateAll((list) =>
      list.map((g) =>
        [...g.querySelectorAll('.tabs-container .tab')]
          .map((t) => `${t.classList.contains('active') ? '*' : ''}${t.textContent?.trim()}`)
          .join(' | '),
      ),
    );
  return groups.map((tabs, i) => `group ${i + 1}: ${tabs}`).join('; ');
}

/** Waits until `title` is the front tab of `group`; on timeout says which tabs every group had in front. */
export async function waitForFrontTab(page, group, title, what, timeout = 10_000) {
  try {
    await group.locator('.tab.active', { hasText: title }).waitFor({ timeout });
  } catch {
    throw new Error(`${what}: "${title}" not in front within ${timeout / 1000} s (${await tabStrips(page)})`);
  }
}

/** The Explorer's row for `name` (a file or folder of the workspace). */
export const explorerRow = (page, name) =>
  page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();

/** Shows the Explorer with the workspace's src/ folder open (expanding it only if it is not). */
export async function explorerWithSrc(page) {
  await palette(page, 'View: Show Explorer');
  const src = explorerRow(page, 'src');
  await src.waitFor({ timeout: 10_000 });
  if ((await src.getAttribute('aria-expanded')) !== 'true') await src.click();
  await explorerRow(page, 'reader.ts').waitFor({ timeout: 10_000 });
}

/** Waits for a quick input whose title contains `title`, types `text` (if any) and accepts. */
export async function answer(page, title, text) {
  try {
    await page.locator(`${QUICK_INPUT} .quick-input-title`, { hasText: title }).waitFor({ timeout: 20_000 });
  } catch {
    const shown = await page.locator(QUICK_INPUT).isVisible();
    const now = shown ? await page.locator(`${QUICK_INPUT} .quick-input-title`).textContent() : null;
    throw new Error(`no quick input "${title}" within 20 s (${shown ? `showing "${now}"` : 'none showing'})`);
  }
  const input = page.locator(`${QUICK_INPUT} input`);
  if (text !== undefined) await input.fill(text);
  await page.waitForTimeout(150); // the list filters on input
  await page.keyboard.press('Enter');
}

/**
 * The extension is active: its status bar item shows. Its commands join the palette only then, and a
 * palette opened earlier keeps the list it had (which is how the Restricted Mode test once "lost" them).
 */
export async function extensionActive(page, timeout = 60_000) {
  await page.locator('.statusbar-item', { hasText: 'OpenRTC' }).first().waitFor({ timeout });
}

/** Opens src/reader.ts from the Explorer and waits for its blocking call in the editor and in Problems. */
export async function showReaderDiagnostic(page, timeout) {
  await explorerWithSrc(page);
  await page.mouse.move(900, 500); // let the folder's hover tooltip go away
  await page.waitForTimeout(400);
  await explorerRow(page, 'reader.ts').click();
  await page.locator('.tabs-container .tab', { hasText: 'reader.ts' }).first().waitFor({ timeout: 10_000 });
  await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout });
  await palette(page, 'View: Focus Problems');
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'ORJ101' }).first().waitFor({ timeout: 20_000 });
}
