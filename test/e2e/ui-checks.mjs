// The UI test's steps, in order; each throws on failure. Selectors are the workbench's own
// (checked on code-server 4.100.3). The runtime starts by itself (openrtc.runtime.autoStart).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  answer,
  explorerRow,
  explorerWithSrc,
  palette,
  QUICK_INPUT,
  showReaderDiagnostic,
  tabStrips,
  treeRow,
  waitForFrontTab,
} from './lib/workbench.mjs';

/**
 * Answers the test-call questions. A question that closes before it is answered (it closes on
 * blur, and a view's or webview's focus can land late) cancels the command with nothing started,
 * as the command's own code guarantees before its last answer: the test starts it again, as a
 * user would, at most twice.
 */
async function askTestCalls(page, tenant, agent, count, turns) {
  for (let attempt = 1; ; attempt++) {
    try {
      await palette(page, 'OpenRTC: Start Test Call(s)…');
      await answer(page, 'Start test calls: tenant', tenant);
      await answer(page, `Test calls for ${tenant}: agent`, agent);
      await answer(page, `Test calls for ${tenant}: caller turns`, turns);
      await answer(page, `Test calls for ${tenant}: how many`, String(count));
      await answer(page, `Test calls for ${tenant}: text or voice`); // the first item: a text call
      return;
    } catch (error) {
      if (attempt > 2 || !/none showing/.test(String(error))) throw error;
      console.log(`    (a test-call question for ${tenant} closed before it was answered: started again)`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(FOCUS_SETTLES_MS);
    }
  }
}

async function testCalls(page, tenant, agent, count) {
  await askTestCalls(page, tenant, agent, count);
  await treeRow(page, tenant).waitFor({ timeout: 30_000 });
}

/** The dashboard webview's inner frame (code-server nests it in two iframes). */
async function dashboardFrame(page) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      if (await f.$('#app #lag-chart').catch(() => null)) return f;
    }
    await page.waitForTimeout(300);
  }
  throw new Error('the dashboard webview did not appear');
}

/** The runtime log's record of a tenant's breaker opening: its time, in epoch seconds. */
function breakerOpenedInLog(workspace, tenant) {
  const log = readFileSync(join(workspace, '.openrtc', 'worker.jsonl'), 'utf8');
  for (const line of log.split('\n')) {
    if (!line.includes(`[circuit-breaker] tenant '${tenant}' opened`)) continue;
    return Date.parse(JSON.parse(line).timestamp) / 1000;
  }
  throw new Error(`no breaker-opened line for ${tenant} in the runtime log`);
}

const dashboardTab = (page) => page.locator('.tabs-container .tab', { hasText: 'OpenRTC Dashboard' }).first();
/** The editor group (its tab strip and editor) that holds `tab`. */
const groupOf = (page, tab) => page.locator('.editor-group-container').filter({ has: tab });
/**
 * A view or webview shown by a click takes focus a moment later, and a quick input opened before
 * then closes (it closes on blur); `palette` opens it again, a command's own quick inputs cannot.
 */
const FOCUS_SETTLES_MS = 500;
/** slowpoke.ts's tab: opened in the first group by a block mark's click. */
const slowpokeTab = (page) => page.locator('.tabs-container .tab', { hasText: 'slowpoke.ts' }).first();

/** The dashboard webview's inner frame if it is loaded now (no waiting). */
async function dashboardFrameNow(page) {
  for (const f of page.frames()) {
    if (await f.$('#app #lag-chart').catch(() => null)) return f;
  }
  return null;
}

function escalationFiles(workspace) {
  try {
    return readdirSync(join(workspace, '.openrtc', 'escalations')).sort();
  } catch {
    return [];
  }
}

/** The Tenant Incident runbook for globex to its escalate step, no action taken. */
async function escalateGlobex(page) {
  await palette(page, 'OpenRTC: Runbook: Tenant Incident');
  await answer(page, '1/5', 'globex');
  await answer(page, '2/5');
  await answer(page, '3/5');
  await answer(page, '4/5', 'No action now');
  await answer(page, '5/5');
}

/** The bundle's new dashboard PNG and CSV (not in `before`): a real picture, globex's numbers alone, named in the bundle. */
async function bundlePictureOfGlobex(page, workspace, before) {
  const dir = join(workspace, '.openrtc', 'escalations');
  const deadline = Date.now() + 30_000;
  let added = [];
  while (added.length < 2 && Date.now() < deadline) {
    await page.waitForTimeout(300);
    added = escalationFiles(workspace).filter((f) => !before.includes(f));
  }
  const png = added.find((f) => f.endsWith('-dashboard.png'));
  const csv = added.find((f) => f.endsWith('-dashboard.csv'));
  if (!png || !csv) throw new Error(`no new dashboard PNG and CSV in ${dir}: ${added.join(', ')}`);
  await page
    .locator('.monaco-editor .view-lines', { hasText: join(dir, png) })
    .first()
    .waitFor({ timeout: 20_000 });
  const bytes = readFileSync(join(dir, png));
  if (bytes.subarray(1, 4).toString() !== 'PNG' || bytes.length < 5000)
    throw new Error(`${png} is not a dashboard picture (${bytes.length} bytes)`);
  const [width, height] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
  if (width < 300 || height < 300) throw new Error(`${png} is ${width}×${height}`);
  // Only globex: the bundle goes to globex's developers.
  const table = readFileSync(join(dir, csv), 'utf8');
  if (!/,globex,/.test(table) || /,(acme|initech),/.test(table))
    throw new Error(`the bundle's CSV is not globex's alone:\n${table.slice(0, 400)}`);
}

export const UI_CHECKS = [
  {
    name: 'the OpenRTC view opens from the activity bar and shows the running runtime',
    async run({ page, shot }) {
      const entry = page.locator('.activitybar [aria-label^="OpenRTC"]').first();
      await entry.waitFor({ timeout: 30_000 });
      await entry.click();
      await page.locator('.part.sidebar .title-label', { hasText: 'Workers' }).first().waitFor({ timeout: 10_000 });
      await treeRow(page, '(bundled)').waitFor({ timeout: 45_000 });
      await page
        .locator('.pane-body .monaco-list-row', { hasText: 'sessions · lag p99' })
        .first()
        .waitFor({ timeout: 45_000 });
      await shot('01-openrtc-view');
    },
  },
  {
    name: 'test calls from the palette: a healthy tenant and a failing one whose breaker opens',
    async run({ page, shot }) {
      await testCalls(page, 'acme', 'reception', 2);
      await testCalls(page, 'globex', 'flaky', 4);
      await treeRow(page, 'acme').waitFor({ timeout: 20_000 });
      await page
        .locator('.pane-body .monaco-list-row', { hasText: 'open · retry in' })
        .first()
        .waitFor({ timeout: 20_000 });
      await page.keyboard.press('Escape');
      await page.waitForTimeout(400);
      await shot('02-tree-breaker-open');
    },
  },
  {
    name: 'the Tenant Incident runbook runs from the palette to its escalate step',
    async run({ page, shot }) {
      await palette(page, 'OpenRTC: Runbook: Tenant Incident');
      await page.locator(`${QUICK_INPUT} .quick-input-title`, { hasText: '1/5' }).waitFor({ timeout: 20_000 });
      await page.locator(`${QUICK_INPUT} .monaco-list-row`, { hasText: 'globex' }).first().waitFor({ timeout: 5_000 });
      await shot('03-runbook-identify');
      await answer(page, '1/5'); // globex ranks first: its breaker is open
      await answer(page, '2/5 · Recognise the failure mode of globex');
      await answer(page, '3/5 · Confirm the blast radius');
      await page
        .locator(`${QUICK_INPUT} .quick-input-title`, { hasText: '4/5 · Act on globex' })
        .waitFor({ timeout: 20_000 });
      await shot('04-runbook-act');
      await answer(page, '4/5'); // the recommended action first: tune the breaker
      await page
        .locator(`${QUICK_INPUT} .quick-input-title`, { hasText: '5/5 · Escalate' })
        .waitFor({ timeout: 20_000 });
      await shot('05-runbook-escalate');
      await answer(page, '5/5');
      await page
        .locator('.monaco-editor .view-lines', { hasText: 'OpenRTC escalation bundle' })
        .first()
        .waitFor({ timeout: 20_000 });
      await page.waitForTimeout(800); // the toast slides in
      await shot('06-escalation-bundle');
    },
  },
  {
    name: 'the Problems panel lists the blocking call in the workspace',
    async run({ page, shot }) {
      await page.keyboard.press('Escape');
      await showReaderDiagnostic(page, 30_000);
      await page.waitForTimeout(500);
      await shot('07-problems');
    },
  },
  {
    name: 'the dashboard shows the breaker opening when the log says, and block marks that open their line',
    async run({ page, workspace, shot }) {
      await page.keyboard.press('Escape');
      // The Problems check left the Explorer up: test calls wait for their tenant in the OpenRTC view.
      await page.locator('.activitybar [aria-label^="OpenRTC"]').first().click();
      await treeRow(page, '(bundled)').waitFor({ timeout: 15_000 });
      await page.waitForTimeout(FOCUS_SETTLES_MS);
      await testCalls(page, 'initech', 'slowpoke', 2);
      await palette(page, 'OpenRTC: Show Dashboard');
      const frame = await dashboardFrame(page);
      const openedAt = breakerOpenedInLog(workspace, 'globex');
      const band = frame.locator('section[data-tenant="globex"] li[data-state="open"]').first();
      await band.waitFor({ state: 'attached', timeout: 30_000 });
      const from = Number(await band.getAttribute('data-from'));
      if (Math.abs(from - openedAt) > 1)
        throw new Error(`globex's band turns open at ${from}, the log says ${openedAt}`);
      const marks = frame.locator('button.block-mark[data-tenant="initech"]');
      await marks.first().waitFor({ timeout: 30_000 });
      // Every one of the blocking tenant's marks, not just the first, names the blocking code.
      const source = readFileSync(join(workspace, 'agents', 'slowpoke.ts'), 'utf8').split('\n');
      const places = await marks.evaluateAll((all) => all.map((b) => [b.dataset.file, Number(b.dataset.line)]));
      for (const [file, at] of places) {
        if (!file?.includes('slowpoke.ts')) throw new Error(`block mark points at ${file}`);
        const text = source[at - 1] ?? '';
        if (!/while \(Date\.now\(\) < until\)|crunch\(300\)/.test(text))
          throw new Error(`block mark's line ${at} is not the blocking code: ${text.trim()}`);
      }
      const line = places[0][1];
      await shot('08-dashboard');
      const again = await dashboardFrame(page);
      await again.locator('button.block-mark[data-tenant="initech"]').first().click();
      await slowpokeTab(page).waitFor({ timeout: 15_000 });
      await page
        .locator('.monaco-editor .line-numbers.active-line-number', { hasText: new RegExp(`^${line}$`) })
        .first()
        .waitFor({ timeout: 10_000 });
      await shot('10-dashboard-opened-line');
    },
  },
  {
    name: 'the workbench theme restyles the dashboard: light, dark and high-contrast screenshots in code-server',
    async run({ page, shot }) {
      // window.autoDetectColorScheme (set in ui-test.mjs) makes the workbench follow the browser's
      // prefers-color-scheme, as a user's OS setting would: a real theme switch, no picker involved;
      // forced colours (the OS's high-contrast mode) switch it to the high-contrast theme.
      const looks = [];
      const texts = [];
      for (const [scheme, forcedColors, workbench, webview] of [
        ['light', 'none', '.monaco-workbench.vs', 'vscode-light'],
        ['dark', 'none', '.monaco-workbench.vs-dark', 'vscode-dark'],
        ['dark', 'active', '.monaco-workbench.hc-black', 'vscode-high-contrast'],
      ]) {
        await page.emulateMedia({ colorScheme: scheme, forcedColors });
        await page.locator(workbench).first().waitFor({ timeout: 15_000 });
        const frame = await dashboardFrame(page);
        await frame.locator(`body.${webview}`).waitFor({ state: 'attached', timeout: 15_000 });
        // The charts are rebuilt with the new palette (a MutationObserver on the body's class).
        await frame.locator('#tenants section[data-tenant="globex"] canvas').first().waitFor({ timeout: 15_000 });
        await page.waitForTimeout(500);
        looks.push(await frame.evaluate('getComputedStyle(document.body).backgroundColor'));
        texts.push(await frame.evaluate("getComputedStyle(document.querySelector('#tenants section h3')).color"));
        await shot(`09-dashboard-${forcedColors === 'active' ? 'high-contrast' : scheme}`);
      }
      await page.emulateMedia({ colorScheme: 'dark', forcedColors: 'none' });
      const luminance = (rgb) => {
        const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const [light, dark] = looks.map(luminance);
      if (!(light > 200 && dark < 60)) throw new Error(`dashboard background light ${looks[0]}, dark ${looks[1]}`);
      // WCAG contrast of the tenant headings on the page: readable in every theme, ≥ 7:1 in high contrast.
      const relative = (rgb) =>
        (rgb.match(/\d+/g) ?? [])
          .slice(0, 3)
          .map(Number)
          .map((c) => {
            const v = c / 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
          })
          .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
      const contrast = looks.map((bg, i) => {
        const [a, b] = [relative(bg), relative(texts[i])].sort((x, y) => y - x);
        return (a + 0.05) / (b + 0.05);
      });
      const need = [4.5, 4.5, 7];
      if (contrast.some((c, i) => c < need[i]))
        throw new Error(
          `heading contrast ${contrast.map((c) => c.toFixed(1)).join(' / ')} (light/dark/high contrast) below ${need.join(' / ')}`,
        );
    },
  },
  {
    name: 'the escalation bundle includes the dashboard picture of its tenant (PNG drawn by the webview) and its CSV',
    async run({ page, workspace, shot }) {
      await escalateGlobex(page);
      await bundlePictureOfGlobex(page, workspace, []);
      await page.waitForTimeout(800); // the toast slides in
      await shot('11-escalation-bundle-with-dashboard');
    },
  },
  {
    name: 'a hidden dashboard (another editor in front of it) still gives the bundle its picture, and the user keeps that editor',
    async run({ page, workspace, shot }) {
      await page.keyboard.press('Escape');
      // The dashboard's group gets reader.ts in front of the dashboard; the user then works in the first group.
      await dashboardTab(page).click();
      await page.waitForTimeout(FOCUS_SETTLES_MS);
      await explorerWithSrc(page);
      await explorerRow(page, 'reader.ts').click(); // opens in the active group: the dashboard's
      const dashboardGroup = groupOf(page, dashboardTab(page));
      await waitForFrontTab(page, dashboardGroup, 'reader.ts', "the dashboard's group after opening reader.ts");
      await palette(page, 'View: Focus First Editor Group');
      await page.locator('.editor-group-container.active', { has: slowpokeTab(page) }).waitFor({ timeout: 10_000 });
      if (await dashboardTab(page).evaluate((tab) => tab.classList.contains('active')))
        throw new Error(`the dashboard is still in front of its group (${await tabStrips(page)})`);
      // A webview without retainContextWhenHidden is torn down when hidden: the picture needs it back.
      const live = await dashboardFrameNow(page);
      await shot('14-dashboard-hidden');
      const before = escalationFiles(workspace);
      await escalateGlobex(page);
      await bundlePictureOfGlobex(page, workspace, before);
      // The bundle opens where the user is, and the user's editor is back in front of the dashboard's group.
      await waitForFrontTab(page, groupOf(page, slowpokeTab(page)), 'OpenRTC escalation bundle', "the user's group");
      await waitForFrontTab(page, dashboardGroup, 'reader.ts', "the dashboard's group after the picture");
      if (live) console.log('    (the hidden dashboard webview was still loaded)');
      await page.waitForTimeout(800); // the toast slides in
      await shot('15-escalation-bundle-from-hidden-dashboard');
    },
  },
  {
    name: 'a closed dashboard: the bundle says why it has no picture',
    async run({ page, workspace, shot }) {
      await page.keyboard.press('Escape');
      await dashboardTab(page).click();
      await dashboardTab(page).locator('.tab-actions .codicon-close').click(); // its tab's ×
      await dashboardTab(page).waitFor({ state: 'detached', timeout: 10_000 });
      const before = escalationFiles(workspace);
      await escalateGlobex(page);
      await page
        .locator('.monaco-editor .view-lines', { hasText: 'dashboard_png: not included (no dashboard open' })
        .first()
        .waitFor({ timeout: 20_000 });
      const added = escalationFiles(workspace).filter((f) => !before.includes(f));
      if (added.length > 0) throw new Error(`a bundle without a dashboard saved ${added.join(', ')}`);
      await shot('16-escalation-bundle-no-dashboard');
    },
  },
  {
    name: 'during a loop block the status bar and the worker node name the blocker, and the status bar opens its line',
    async run({ page, shot }) {
      await page.keyboard.press('Escape');
      // The view is up from the checks before: the command shows it without toggling it away.
      await palette(page, 'OpenRTC: Show Workers, Tenants and Sessions');
      await treeRow(page, '(bundled)').waitFor({ timeout: 15_000 });
      await page.waitForTimeout(500); // that palette closes before the next one opens
      // One call whose only turn blocks the shared loop for 10 s; the control thread still answers.
      await askTestCalls(page, 'spinco', 'spinner', 1, '10000');
      const status = page.locator('.statusbar-item', { hasText: 'loop blocked' }).first();
      await status.waitFor({ timeout: 8_000 });
      const text = (await status.textContent()) ?? '';
      if (!/by spinco\/spinner at .*spinner\.ts:4/.test(text)) throw new Error(`status bar during the block: ${text}`);
      await page
        .locator('.pane-body .monaco-list-row', { hasText: 'loop blocked' })
        .filter({ hasText: 'spinco/spinner' })
        .first()
        .waitFor({ timeout: 5_000 });
      await shot('12-loop-blocked-status-and-worker');
      await status.click();
      await page.locator('.tabs-container .tab', { hasText: 'spinner.ts' }).first().waitFor({ timeout: 10_000 });
      await page
        .locator('.monaco-editor .line-numbers.active-line-number', { hasText: '4' })
        .first()
        .waitFor({ timeout: 10_000 });
      await shot('13-loop-blocked-line-opened');
    },
  },
];
