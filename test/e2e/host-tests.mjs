// Runs mocha specs inside code-server's real (node) extension host: the workbench URL carries
// extensionDevelopmentPath + extensionTestsPath in its `payload`, a headless Chromium page
// opens it (code-server starts no extension host without a workbench client), and the
// workbench reports the host's exit code through window.codeAutomationExit.
import { format } from 'node:util';
import { launchBrowser } from './lib/browser.mjs';
import { makeScratch, removeScratch, startCodeServer, stopGroup } from './lib/code-server.mjs';

export const RESULT_MARKER = 'OPENRTC_E2E_RESULT';
const NOISE =
  /ENOTFOUND|open-vsx|favicon|manifest\.json|Failed to load resource|\[\w+ Host\] (rejected promise|Extension Host)|DeprecationWarning|punycode/;

/**
 * @param {{root: string, workspace: string, testsEntry: string, timeoutMs?: number, env?: Record<string,string>, settings?: object}} o
 * @returns {Promise<{exitCode: number, passed: number, failed: number, failures: string[]}>}
 */
export async function runHostTests({ root, workspace, testsEntry, timeoutMs = 120_000, env = {}, settings = {} }) {
  const scratch = makeScratch(root, 'host', settings);
  let server;
  let browser;
  const result = { exitCode: 1, passed: 0, failed: 0, skipped: 0, failures: [] };
  try {
    server = await startCodeServer(root, scratch, { extraEnv: env });
    browser = await launchBrowser(scratch);
    const page = browser.pages()[0] ?? (await browser.newPage());
    let finish;
    const exited = new Promise((resolve) => (finish = resolve));
    await page.exposeFunction('codeAutomationExit', (code) => finish(Number(code)));
    await page.exposeFunction('codeAutomationLog', () => {});
    page.on('console', async (msg) => {
      let text;
      try {
        const values = await Promise.all(msg.args().map((a) => a.jsonValue().catch(() => '?')));
        // Extension-host lines arrive as ('%c[Extension Host]' or '%c INFO', css, format, ...args).
        const styled = typeof values[0] === 'string' && values[0].startsWith('%c');
        text = styled ? format(...values.slice(2)) : msg.text();
      } catch {
        text = msg.text();
      }
      const marker = text.indexOf(RESULT_MARKER);
      if (marker >= 0) {
        try {
          Object.assign(result, JSON.parse(text.slice(marker + RESULT_MARKER.length)));
        } catch {
          // malformed marker: leave counts as they are, the exit code still decides
        }
        return;
      }
      if (!NOISE.test(text) && (msg.type() !== 'error' || process.env.OPENRTC_E2E_VERBOSE))
        process.stdout.write(`${text}\n`);
    });
    // The payload URIs use the workbench's remote authority (the server maps it back to file:);
    // read it from the page's HTML rather than loading a whole workbench just for that.
    const authority = await remoteAuthority(server.url, workspace);
    const remote = (p) => `vscode-remote://${authority}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(root)],
      ['extensionTestsPath', remote(testsEntry)],
    ]);
    const t0 = Date.now();
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`, {
      waitUntil: 'domcontentloaded',
      timeout: 90_000,
    });
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), timeoutMs));
    const outcome = await Promise.race([exited, timeout]);
    if (process.env.OPENRTC_E2E_VERBOSE) console.log(`(host exit ${outcome} after ${Date.now() - t0}ms)`);
    if (outcome === 'timeout') {
      result.failures.push(`extension-host tests did not finish within ${timeoutMs / 1000}s`);
      result.exitCode = 1;
    } else {
      result.exitCode = outcome;
    }
    await new Promise((r) => setTimeout(r, 500)); // let the last console lines arrive
  } finally {
    const t1 = Date.now();
    await browser?.close().catch(() => {});
    if (server) stopGroup(server.child);
    removeScratch(scratch);
    if (process.env.OPENRTC_E2E_VERBOSE) console.log(`(teardown ${Date.now() - t1}ms)`);
  }
  return result;
}

async function remoteAuthority(url, workspace) {
  const html = await (await fetch(`${url}/?folder=${encodeURIComponent(workspace)}`)).text();
  const match = /id="vscode-workbench-web-configuration"[^>]*data-settings="([^"]*)"/.exec(html);
  if (!match) throw new Error("could not find the workbench configuration in code-server's page");
  const settings = JSON.parse(
    match[1]
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  );
  if (typeof settings.remoteAuthority !== 'string')
    throw new Error('the workbench configuration has no remoteAuthority');
  return settings.remoteAuthority;
}
