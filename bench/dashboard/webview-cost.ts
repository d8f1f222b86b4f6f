// The webview's side of the dashboard's cost: the real page (its bundle, HTML and CSP, as the
// webview test serves it) in headless Chromium gets the frame the panel would post, once a
// second. Its renderer's main-thread work (Chromium's TaskDuration: script, style, layout, paint)
// between two reads is the page's update work.
import type { CDPSession } from 'playwright-core';
import { openDashboardPage, type DashboardPage } from '../../test/client/dashboard-page';

export class WebviewCost {
  private constructor(
    private readonly opened: DashboardPage,
    private readonly cdp: CDPSession,
  ) {}

  static async open(): Promise<WebviewCost> {
    const opened = await openDashboardPage();
    const cdp = await opened.page.context().newCDPSession(opened.page);
    await cdp.send('Performance.enable');
    return new WebviewCost(opened, cdp);
  }

  /** Delivers a message (its JSON) to the page as the webview host does: a `message` event. */
  async post(messageJson: string): Promise<void> {
    // Browser-side code goes in as text: tsx would wrap a function in helpers the page lacks.
    await this.opened.page.evaluate(`window.dispatchEvent(new MessageEvent('message', { data: ${messageJson} }))`);
  }

  /** The renderer main thread's busy time so far, ms. */
  async busyMs(): Promise<number> {
    const { metrics } = await this.cdp.send('Performance.getMetrics');
    const task = metrics.find((m) => m.name === 'TaskDuration');
    if (!task) throw new Error('Chromium reported no TaskDuration metric');
    return task.value * 1000;
  }

  /** What the page drew last (a check that frames arrive): its tenant sections. */
  async tenantsDrawn(): Promise<number> {
    return this.opened.page.evaluate<number>("document.querySelectorAll('#tenants section').length");
  }

  close(): Promise<void> {
    return this.opened.close();
  }
}
