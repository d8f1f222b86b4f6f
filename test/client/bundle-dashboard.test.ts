// The escalation bundle's dashboard picture, its pure parts: the one-tenant frame the webview is
// asked to draw (nothing of another tenant may reach that tenant's developers), the capture
// requests and their timeout, the webview's answer checked as input, and the bundle's header lines.
// The drawing itself is tested in Chromium (dashboard-webview.test.ts) and in code-server (e2e).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PngCaptures, tenantOnlyFrame, type CaptureTimer } from '../../client/dashboard/capture';
import { frameToCsv } from '../../client/dashboard/csv';
import { checkWebviewMessage } from '../../client/dashboard/webview-input';
import { buildBundle } from '../../client/logs/escalation';
import { buildFrame } from '../../client/model/series-view';
import { incidentModel, T0 } from './dashboard-fixtures';

const OTHERS = /flaky-clinic|bright-dental/;

describe('the one-tenant frame for a bundle', () => {
  for (const filter of ['slow-salon', null]) {
    it(`keeps no trace of other tenants (frame built with tenant filter ${String(filter)})`, () => {
      const frame = buildFrame(incidentModel(), {
        range: '5m',
        tenant: filter,
        nowMs: T0 + 120_000,
        workerLabel: 'examples',
      });
      assert.match(JSON.stringify(frame), OTHERS, 'the full frame names them (the suspect, the filter list)');
      const one = tenantOnlyFrame(frame, 'slow-salon');
      assert.doesNotMatch(JSON.stringify(one), OTHERS);
      assert.doesNotMatch(frameToCsv(one), OTHERS);
      assert.deepEqual(
        one.tenants.map((t) => t.name),
        ['slow-salon'],
      );
      assert.equal(one.blocks.length, 6, "slow-salon's own blocks stay");
      assert.equal(one.suspect, null, 'the suspect is flaky-clinic, so none is shown');
      assert.deepEqual(one.lag, frame.lag, 'the loop lag is the runtime’s, shared by all: it stays');
    });
  }

  it('keeps the suspect when it is the tenant itself', () => {
    const frame = buildFrame(incidentModel(), { range: '5m', tenant: null, nowMs: T0 + 120_000, workerLabel: 'x' });
    assert.equal(frame.suspect, 'flaky-clinic');
    const one = tenantOnlyFrame(frame, 'flaky-clinic');
    assert.equal(one.suspect, 'flaky-clinic');
    assert.deepEqual(one.suspectEvidence, frame.suspectEvidence);
  });
});

/** A timer the test fires by hand. */
function manualTimer(): CaptureTimer & { fireAll(): void; live: number } {
  const timers = new Map<number, () => void>();
  let next = 0;
  return {
    set: (fire) => {
      timers.set(++next, fire);
      return next;
    },
    clear: (handle) => void timers.delete(handle as number),
    fireAll: () => {
      for (const [id, fire] of [...timers]) {
        timers.delete(id);
        fire();
      }
    },
    get live() {
      return timers.size;
    },
  };
}

describe('capture requests', () => {
  it('resolve with the answer of their id, once; other ids change nothing', async () => {
    const timer = manualTimer();
    const captures = new PngCaptures(timer);
    const a = captures.request(5000);
    const b = captures.request(5000);
    assert.notEqual(a.id, b.id);
    assert.equal(captures.settle(999, 'data:image/png;base64,x'), false);
    assert.equal(captures.settle(b.id, 'data:image/png;base64,B'), true);
    assert.equal(await b.result, 'data:image/png;base64,B');
    assert.equal(captures.settle(b.id, 'data:image/png;base64,again'), false, 'answered once');
    assert.equal(captures.waiting, 1);
    assert.equal(timer.live, 1, "b's timer is cleared");
    captures.settle(a.id, 'data:image/png;base64,A');
    assert.equal(await a.result, 'data:image/png;base64,A');
  });

  it('fail after their timeout, saying so; a late answer is refused', async () => {
    const timer = manualTimer();
    const captures = new PngCaptures(timer);
    const a = captures.request(8000);
    timer.fireAll();
    await assert.rejects(a.result, /the dashboard did not answer within 8 s/);
    assert.equal(captures.settle(a.id, 'data:image/png;base64,late'), false);
    assert.equal(captures.waiting, 0);
  });

  it('all fail when the panel closes', async () => {
    const timer = manualTimer();
    const captures = new PngCaptures(timer);
    const a = captures.request(8000);
    captures.cancelAll('the dashboard was closed');
    await assert.rejects(a.result, /the dashboard was closed/);
    assert.equal(timer.live, 0);
  });
});

describe("the webview's capture answer, checked as input", () => {
  const url = 'data:image/png;base64,iVBORw0KGgo=';
  it('is taken with a request number and a PNG data URL', () => {
    assert.deepEqual(checkWebviewMessage({ type: 'captured', id: 3, dataUrl: url }), {
      ok: true,
      message: { type: 'captured', id: 3, dataUrl: url },
    });
  });
  it('is refused without one, saying why', () => {
    assert.deepEqual(checkWebviewMessage({ type: 'captured', id: 0, dataUrl: url }), {
      ok: false,
      why: 'captured: id is not a request number',
    });
    assert.deepEqual(checkWebviewMessage({ type: 'captured', id: '3', dataUrl: url }), {
      ok: false,
      why: 'captured: id is not a request number',
    });
    assert.deepEqual(checkWebviewMessage({ type: 'captured', id: 3, dataUrl: 'data:text/html,<b>' }), {
      ok: false,
      why: 'captured: not a PNG data URL',
    });
  });
});

describe('the bundle names its attachments', () => {
  const base = { sessionId: 's1', tenant: 'slow-salon', agentName: 'booking', records: [], generatedAt: new Date(T0) };
  it('as header lines: a saved file by path, a missing one with why', () => {
    const { text } = buildBundle({
      ...base,
      attachments: [
        { name: 'dashboard_png', path: '/ws/.openrtc/escalations/s1-dashboard.png' },
        { name: 'dashboard_csv', path: '/ws/.openrtc/escalations/s1-dashboard.csv' },
      ],
    });
    assert.match(
      text,
      /\ngenerated_at: .*\ndashboard_png: \/ws\/\.openrtc\/escalations\/s1-dashboard\.png\ndashboard_csv: \/ws\/\.openrtc\/escalations\/s1-dashboard\.csv\nrecords: /,
    );
    const none = buildBundle({ ...base, attachments: [{ name: 'dashboard_png', missing: 'no dashboard open' }] });
    assert.match(none.text, /\ndashboard_png: not included \(no dashboard open\)\n/);
    assert.doesNotMatch(buildBundle(base).text, /dashboard_/);
  });
});
