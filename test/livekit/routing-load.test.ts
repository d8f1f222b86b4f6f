// The pure parts of worker mode: job routing (OpenRTC's order) and the load/status reported to LiveKit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { routeJob, routeLocalCall, type JobFacts } from '../../runtime/livekit/worker/routing';
import { workerLoad } from '../../runtime/livekit/worker/load';

const AGENTS = ['reception', 'booking', 'booking-vip'];
const job = (f: Partial<JobFacts>): JobFacts => ({ agentName: '', metadata: '', roomName: '', roomMetadata: '', ...f });
const agentOf = (f: Partial<JobFacts>): string => {
  const r = routeJob(job(f), AGENTS);
  return r.ok ? `${r.agent}/${r.via}` : `refused:${r.reason}`;
};

describe('routing a LiveKit job to an agent and a tenant', () => {
  it('follows registration, job metadata, room metadata, room prefix, then the first agent', () => {
    assert.equal(agentOf({ agentName: 'booking', metadata: '{"agent":"reception"}' }), 'booking/registration');
    assert.equal(
      agentOf({ metadata: '{"agent":"booking"}', roomMetadata: '{"agent":"reception"}' }),
      'booking/job_metadata',
    );
    assert.equal(agentOf({ roomMetadata: '{"agent":"booking"}', roomName: 'reception-1' }), 'booking/room_metadata');
    assert.equal(agentOf({ roomName: 'booking-vip-42' }), 'booking-vip/room_prefix', 'the longest prefix wins');
    assert.equal(agentOf({ roomName: 'booking-7' }), 'booking/room_prefix');
    assert.equal(agentOf({ roomName: 'lobby' }), 'reception/default');
  });

  it('refuses a named agent we do not have, bad job metadata, and an empty runtime', () => {
    assert.equal(agentOf({ metadata: '{"agent":"nope"}' }), 'refused:unknown_agent');
    assert.equal(agentOf({ roomMetadata: '{"agent":42}' }), 'refused:unknown_agent');
    assert.equal(agentOf({ metadata: '{not json' }), 'refused:bad_metadata');
    assert.equal(agentOf({ metadata: '[1]' }), 'refused:bad_metadata');
    assert.equal(routeJob(job({}), []).ok, false);
  });

  it('takes the tenant from job metadata, then room metadata; room metadata that is not JSON is ignored', () => {
    const t = (f: Partial<JobFacts>): unknown => {
      const r = routeJob(job(f), AGENTS);
      return r.ok ? r.tenant : null;
    };
    assert.equal(t({ metadata: '{"tenant":"acme"}', roomMetadata: '{"tenant":"globex"}' }), 'acme');
    assert.equal(t({ roomMetadata: '{"tenant":"globex"}' }), 'globex');
    assert.equal(t({ roomMetadata: 'free text' }), undefined);
  });

  it('local calls route the same way from --metadata', () => {
    const r = routeLocalCall({ agent: 'booking', tenant: 'acme' }, AGENTS);
    assert.ok(r.ok && r.agent === 'booking' && r.tenant === 'acme');
    assert.equal(routeLocalCall({ agent: 'x' }, AGENTS).ok, false);
  });
});

describe('load and status reported to LiveKit', () => {
  it('load is the larger of the cap share and loop utilisation; FULL at the cap and while draining', () => {
    assert.deepEqual(workerLoad({ active: 5, workerCap: 10, loopUtilisation: 0.2, draining: false }), {
      load: 0.5,
      full: false,
    });
    assert.deepEqual(workerLoad({ active: 1, workerCap: 10, loopUtilisation: 0.9, draining: false }), {
      load: 0.9,
      full: false,
    });
    assert.deepEqual(workerLoad({ active: 10, workerCap: 10, loopUtilisation: 0, draining: false }), {
      load: 1,
      full: true,
    });
    assert.equal(workerLoad({ active: 0, workerCap: 10, loopUtilisation: 0, draining: true }).full, true);
    assert.equal(workerLoad({ active: 0, workerCap: 0, loopUtilisation: Number.NaN, draining: false }).full, true);
  });
});
