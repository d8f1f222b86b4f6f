// The LiveKit connection as the operator sees it: one shared line (protocol/livekit-view.ts) in
// `openrtc snapshot`, the `top` header and the extension's worker node.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveKitWorkerSnapshot } from '../../protocol/control';
import { liveKitLine } from '../../protocol/livekit-view';
import { TreeModel, workerNodeId } from '../../client/model/tree-model';
import { formatSnapshot } from '../../runtime/cli/format-snapshot';
import { snapshot } from '../client/fixtures';

const W = '/run/openrtc-0/control.sock';
const LK: LiveKitWorkerSnapshot = {
  url: 'wss://lk.example.com',
  agent_name: 'support',
  worker_id: 'AW_123',
  state: 'registered',
  last_load: 0.4213,
  last_status: 'available',
  running_jobs: 3,
  offered: 12,
  accepted: 9,
  refused: { tenant_cap: 2, unknown_agent: 1 },
  assignment_timeouts: 0,
  reconnects: 1,
  last_error: null,
};

describe('LiveKit connection in the snapshot views', () => {
  it('one line: url, agent name, state and worker id, load, jobs, offers by reason, reconnects', () => {
    assert.equal(
      liveKitLine(LK),
      'livekit wss://lk.example.com · agent "support" · registered as AW_123 · load 0.42 · jobs 3 · offered 12 accepted 9 refused tenant_cap 2, unknown_agent 1 · reconnects 1',
    );
    assert.match(
      liveKitLine({
        ...LK,
        state: 'reconnecting',
        worker_id: null,
        last_status: 'full',
        last_load: 1,
        last_error: 'HTTP 401',
      }),
      /reconnecting · load 1\.00 FULL .* last error: HTTP 401$/,
    );
  });

  it('openrtc snapshot prints it under the header; the extension worker node shows it', () => {
    const snap = { ...snapshot({}), livekit: [LK] };
    assert.equal(formatSnapshot(snap).split('\n')[1], liveKitLine(LK));
    const m = new TreeModel();
    m.addWorker(W, 'prod', 'attached');
    m.applySnapshot(W, snap);
    const node = m.nodeById(workerNodeId(W), Date.now());
    assert.match(node?.description ?? '', / · livekit registered$/);
    assert.ok(node?.tooltip.split('\n').includes(liveKitLine(LK)));
  });
});
