// tenant_auto_isolate on a real runtime: a tenant whose sessions block the shared loop 3 × ≥ 200 ms
// is moved into a process of its own (log line, snapshot reason), its new sessions run there,
// a well-behaved tenant stays shared, and `restoreTenant` undoes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attributionFor } from '../../runtime/attribution';
import type { Runtime } from '../../runtime/runtime';
import { isolatedRuntimeFor, spinUntilIsolated } from './isolation-harness';

const fixture = (name: string): string =>
  readFileSync(join(__dirname, '..', 'fixtures', 'block-workspace', 'agents', name), 'utf8');

test(
  'tenant_auto_isolate: 3 blocks of ≥ 200 ms isolate the tenant; restore undoes it',
  { timeout: 120_000 },
  async (t) => {
    let rt: Runtime | undefined;
    const { runtime } = await isolatedRuntimeFor(
      t,
      'auto-isolate',
      {
        'agents/spinner.ts': readFileSync(join(__dirname, '..', 'fixtures', 'cpu-spinner', 'spinner.ts'), 'utf8'),
        'agents/echo.ts': fixture('echo.ts'),
      },
      { tenant_auto_isolate: { block_ms: 200, blocks: 3, window_s: 60 }, slow_session_threshold_ms: 50 },
      { attribution: attributionFor(() => rt) },
    );
    rt = runtime;
    const echo = await runtime.startCalls({ agent: 'echo', tenant: 'acme', say: ['hi'], wait: true });
    assert.equal(echo.succeeded, 1);
    const calls = await spinUntilIsolated(runtime, 'spinco', 300);
    t.diagnostic(`isolated after ${calls} spinner calls (3 counted blocks are the rule)`);
    const snap = runtime.snapshot();
    assert.match(
      snap.tenants.spinco?.isolation_reason ?? '',
      /^auto-isolated: blocked the shared event loop 3 times for ≥ 200 ms within 60 s \(\d+ ms, \d+ ms, \d+ ms\); last by session \S+ at .*agents\/spinner\.ts:4$/,
    );
    assert.equal(snap.tenants.acme?.isolation, 'coroutine', 'the well-behaved tenant stays on the shared loop');
    let logged = false;
    for (let i = 0; i < 50 && !logged; i++) {
      logged = (await runtime.logs({ tenant: 'spinco' })).records.some((r) =>
        /^\[auto-isolate\] tenant 'spinco' blocked the shared event loop 3 times .*: its new sessions run in a process of their own \(undo: openrtc tenant restore spinco\)$/.test(
          r.message,
        ),
      );
      if (!logged) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(logged, 'the log says what was done, why, and how to undo it');

    // Its next session runs in the child: the spin no longer shows as a block of the shared loop.
    const inChild = await runtime.startCalls({ agent: 'spinner', tenant: 'spinco', say: ['300'], wait: true });
    assert.equal(inChild.succeeded, 1);
    const restored = await runtime.restoreTenant({ tenant: 'spinco' });
    assert.equal(restored.isolation, 'coroutine');
    assert.equal(restored.isolation_reason, undefined, 'the reason goes with the isolation');
  },
);
