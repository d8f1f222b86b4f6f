// The escalation bundle's pictures: when a dashboard is open for the bundle's runtime, the webview
// draws the bundle's tenant alone and posts a PNG data URL back (DashboardPanel.capture); the PNG and
// the CSV of the same frame are saved in the workspace's .openrtc/escalations/ and the bundle names
// them. A bundle never waits long or fails for want of a picture: it says why there is none.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { messageOf } from '../../protocol/errors';
import type { SessionTarget } from '../commands/targets';
import type { BundleAttachment, BundleAttachments } from '../logs/escalation';
import type { Dashboards } from './dashboard-command';
import { fileStamp } from './dashboard-panel';

/** A loaded webview draws one tenant in well under a second; on a loaded host allow a few. */
const CAPTURE_TIMEOUT_MS = 8_000;

export class DashboardAttachments implements BundleAttachments {
  constructor(private readonly dashboards: Dashboards) {}

  async forBundle(target: SessionTarget, at = new Date()): Promise<BundleAttachment[]> {
    const panel = this.dashboards.panel(target.workerId);
    if (!panel)
      return [
        {
          name: 'dashboard_png',
          missing: 'no dashboard open for this runtime: run "OpenRTC: Show Dashboard", then escalate again',
        },
      ];
    try {
      const { png, csv } = await panel.capture(target.tenant, CAPTURE_TIMEOUT_MS);
      const session = target.sessionId.replace(/[^\w.-]/g, '_');
      const stem = join(await panel.outputDir('escalations'), `${session}-${fileStamp(at)}-dashboard`);
      await writeFile(`${stem}.png`, png);
      await writeFile(`${stem}.csv`, csv);
      return [
        { name: 'dashboard_png', path: `${stem}.png` },
        { name: 'dashboard_csv', path: `${stem}.csv` },
      ];
    } catch (err) {
      return [{ name: 'dashboard_png', missing: messageOf(err) }];
    }
  }
}
