// The UI test's steps, in order; each throws on failure. Selectors are the workbench's own
// (checked on code-server 4.100.3). The runtime starts by itself (openrtc.runtime.autoStart).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { answer, palette, QUICK_INPUT, showReaderDiagnostic, treeRow } from './lib/workbench.mjs';

async function testCalls(page, tenant, agent, count) {
  await palette(page, 'OpenRTC: Start Test Call(s)…');
  await answer(page, 'Start test calls: tenant', tenant);
  await answer(page, `Test calls for ${tenant}: agent`, agent);
  await answer(page, `Test calls for ${tenant}: caller turns`);
  await answer(page, `Test calls for ${tenant}: how many`, String(count));
  await answer(page, `Test calls for ${tenant}: text or voice`); // the first item: a text call
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
      await testCalls(page, 'initech', 'slowpoke', 2);
      await palette(page, 'OpenRTC: Show Dashboard');
      const frame = await dashboardFrame(page);
      const openedAt = breakerOpenedInLog(workspace, 'globex');
      const band = frame.locator('section[data-tenant="globex"] li[data-state="open"]').first();
      await band.waitFor({ state: 'attached', timeout: 30_000 });
      const from = Number(await band.getAttribute('data-from'));
      if (Math.abs(from - openedAt) > 1)
        throw new Error(`globex's band turns open at ${from}, the log says ${openedAt}`);
      const mark = frame.locator('button.block-mark[data-tenant="initech"]').first();
      await mark.waitFor({ timeout: 30_000 });
      const file = await mark.getAttribute('data-file');
      const line = Number(await mark.getAttribute('data-line'));
      if (!file?.includes('slowpoke.ts')) throw new Error(`block mark points at ${file}`);
      const text = readFileSync(join(workspace, 'agents', 'slowpoke.ts'), 'utf8').split('\n')[line - 1] ?? '';
      if (!/while \(Date\.now\(\) < until\)|crunch\(300\)/.test(text))
        throw new Error(`block mark's line ${line} is not the blocking code: ${text.trim()}`);
      await shot('08-dashboard');
      const again = await dashboardFrame(page);
      await again.locator('button.block-mark[data-tenant="initech"]').first().click();
      await page.locator('.tabs-container .tab', { hasText: 'slowpoke.ts' }).first().waitFor({ timeout: 15_000 });
      await page
        .locator('.monaco-editor .line-numbers.active-line-number', { hasText: String(line) })
        .first()
        .waitFor({ timeout: 10_000 });
      await shot('10-dashboard-opened-line');
    },
  },
  {
    name: 'the workbench theme restyles the dashboard: light and dark screenshots in code-server',
    async run({ page, shot }) {
      // window.autoDetectColorScheme (set in ui-test.mjs) makes the workbench follow the browser's
      // prefers-color-scheme, as a user's OS setting would: a real theme switch, no picker involved.
      const looks = [];
      for (const [scheme, workbench, webview] of [
        ['light', '.monaco-workbench.vs', 'vscode-light'],
        ['dark', '.monaco-workbench.vs-dark', 'vscode-dark'],
      ]) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.locator(workbench).first().waitFor({ timeout: 15_000 });
        const frame = await dashboardFrame(page);
        await frame.locator(`body.${webview}`).waitFor({ state: 'attached', timeout: 15_000 });
        // The charts are rebuilt with the new palette (a MutationObserver on the body's class).
        await frame.locator('#tenants section[data-tenant="globex"] canvas').first().waitFor({ timeout: 15_000 });
        await page.waitForTimeout(500);
        looks.push(await frame.evaluate('getComputedStyle(document.body).backgroundColor'));
        await shot(`09-dashboard-${scheme}`);
      }
      const luminance = (rgb) => {
        const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const [light, dark] = looks.map(luminance);
      if (!(light > 200 && dark < 60)) throw new Error(`dashboard background light ${looks[0]}, dark ${looks[1]}`);
    },
  },
  {
    name: 'the escalation bundle includes the dashboard picture of its tenant (PNG drawn by the webview) and its CSV',
    async run({ page, workspace, shot }) {
      await palette(page, 'OpenRTC: Runbook: Tenant Incident');
      await answer(page, '1/5', 'globex');
      await answer(page, '2/5');
      await answer(page, '3/5');
      await answer(page, '4/5', 'No action now');
      await answer(page, '5/5');
      const dir = join(workspace, '.openrtc', 'escalations');
      const deadline = Date.now() + 30_000;
      let files = [];
      while (files.length < 2 && Date.now() < deadline) {
        await page.waitForTimeout(300);
        files = (() => {
          try {
            return readdirSync(dir).sort();
          } catch {
            return [];
          }
        })();
      }
      const png = files.find((f) => f.endsWith('-dashboard.png'));
      const csv = files.find((f) => f.endsWith('-dashboard.csv'));
      if (!png || !csv) throw new Error(`no dashboard PNG and CSV in ${dir}: ${files.join(', ')}`);
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
      await page.waitForTimeout(800); // the toast slides in
      await shot('11-escalation-bundle-with-dashboard');
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
      await palette(page, 'OpenRTC: Start Test Call(s)…');
      await answer(page, 'Start test calls: tenant', 'spinco');
      await answer(page, 'Test calls for spinco: agent', 'spinner');
      await answer(page, 'Test calls for spinco: caller turns', '10000');
      await answer(page, 'Test calls for spinco: how many', '1');
      await answer(page, 'Test calls for spinco: text or voice');
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
