// The dashboard page in real Chromium, under the panel's own HTML and CSP, served over a local
// HTTP origin standing in for the webview's, with `acquireVsCodeApi` as VS Code injects it
// (messages the page sends collect in `window.__sent`, CSP violations in `window.__violations`).
// Shared by the webview test and bench/dashboard (which measures the page's update work).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { dashboardHtml } from '../../client/dashboard/html';

export const CHROMIUM = process.env.OPENRTC_CHROMIUM || '/usr/bin/chromium';
const root = join(__dirname, '..', '..');
const NONCE = 'dGVzdC1ub25jZS0xMjM0NQ==';

export interface DashboardPage {
  page: Page;
  origin: string;
  /** Every URL the page requested. */
  requests: string[];
  close(): Promise<void>;
}

/** Builds a private copy of the page's bundle, serves it, and opens it in headless Chromium. */
export async function openDashboardPage(): Promise<DashboardPage> {
  const dist = mkdtempSync(join(tmpdir(), 'openrtc-dash-'));
  let server: Server | undefined;
  let browser: Browser | undefined;
  try {
    const built = spawnSync(
      process.execPath,
      [join(root, 'scripts/build.mjs'), '--outdir', dist, '--only', 'dashboard'],
      { encoding: 'utf8' },
    );
    if (built.status !== 0) throw new Error(`building the dashboard bundle failed: ${built.stderr}`);
    let origin = '';
    const s = createServer((req, res) => {
      const url = req.url ?? '/';
      if (url === '/') {
        res.setHeader('content-type', 'text/html');
        res.end(
          dashboardHtml({
            cspSource: origin,
            nonce: NONCE,
            scriptUri: `${origin}/dashboard.js`,
            styleUri: `${origin}/dashboard.css`,
          }),
        );
        return;
      }
      const name = url.slice(1);
      if (!['dashboard.js', 'dashboard.css'].includes(name)) {
        res.statusCode = 404;
        res.end();
        return;
      }
      res.setHeader('content-type', name.endsWith('.js') ? 'text/javascript' : 'text/css');
      res.end(readFileSync(join(dist, name)));
    });
    server = s;
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    const b = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    browser = b;
    const page = await b.newPage({ viewport: { width: 1200, height: 1600 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    // Stands in for the webview host: what VS Code injects before the page's script runs.
    await page.addInitScript({
      content: `window.__sent = []; window.__violations = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));
        window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__sent.push(m) });`,
    });
    await page.goto(origin);
    await page.waitForFunction("window.__sent.some((m) => m.type === 'ready')");
    return {
      page,
      origin,
      requests,
      close: async () => {
        await b.close();
        s.close();
        rmSync(dist, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await browser?.close();
    server?.close();
    rmSync(dist, { recursive: true, force: true });
    throw err;
  }
}
