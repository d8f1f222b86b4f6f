// The supervisor of `openrtc run` (runtime/cli/supervisor): which exits restart the runtime and
// after how long, and that a crash loop is held by the breaker, not restarted in a tight loop.
// The restart decision is pure; the Supervisor object runs here with scripted children on a
// virtual clock (the real processes are exercised by stall-exit.test.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RESTART_RULE, RestartPolicy, type ChildExit } from '../../runtime/cli/supervisor/restart-policy';
import { Supervisor, type SupervisedChild } from '../../runtime/cli/supervisor/supervisor';

const STALL = 75;
const rule = DEFAULT_RESTART_RULE;
const exit = (over: Partial<ChildExit>): ChildExit => ({
  code: 1,
  signal: null,
  ready: true,
  startedAtMs: 0,
  exitedAtMs: 1000,
  ...over,
});

describe('restart policy', () => {
  it('a clean exit, bad usage, a child that never served, or an exit while stopping ends the command', () => {
    const p = new RestartPolicy(rule, STALL);
    assert.deepEqual(
      [
        p.decide(exit({ code: 0 }), false),
        p.decide(exit({ code: 2 }), false),
        p.decide(exit({ code: 1, ready: false }), false),
        p.decide(exit({ code: 75 }), true),
      ].map((d) => (d.kind === 'stop' ? d.exitCode : d.kind)),
      [0, 2, 1, 75],
    );
  });

  it('a stall exit or a crash restarts with a backoff that doubles, reset by a stable run', () => {
    const p = new RestartPolicy({ ...rule, crashes: 100 }, STALL);
    const delays: number[] = [];
    let t = 0;
    for (let i = 0; i < 8; i++) {
      const d = p.decide(
        exit({ code: i % 2 ? STALL : null, signal: i % 2 ? null : 'SIGKILL', startedAtMs: t, exitedAtMs: t + 10 }),
        false,
      );
      assert.equal(d.kind, 'restart');
      if (d.kind === 'restart') delays.push(d.delayMs);
      t += 20_000;
    }
    assert.deepEqual(delays, [250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    const stable = p.decide(exit({ code: STALL, startedAtMs: t, exitedAtMs: t + rule.stableAfterMs }), false);
    assert.equal(stable.kind === 'restart' && stable.delayMs, 250);
    assert.match(stable.why, /exited with code 75 \(loop_stall_exit_s\); restarting in 0\.25 s/);
  });

  it('five crashes within 60 s open the breaker: held, then one try; a stable run closes it', () => {
    const p = new RestartPolicy(rule, STALL);
    const kinds: string[] = [];
    let t = 0;
    const crash = (ranMs = 100): string => {
      const d = p.decide(exit({ startedAtMs: t, exitedAtMs: t + ranMs }), false);
      t += ranMs + (d.kind === 'stop' ? 0 : d.delayMs);
      return d.kind;
    };
    for (let i = 0; i < 5; i++) kinds.push(crash());
    assert.deepEqual(kinds, ['restart', 'restart', 'restart', 'restart', 'hold']);
    assert.equal(p.breakerOpen, true);
    // Half-open: the child tried after the hold crashes quickly, so it is held again.
    assert.equal(crash(), 'hold');
    // A child that runs stably closes it; its next crash is an ordinary restart.
    assert.equal(crash(rule.stableAfterMs), 'restart');
    assert.equal(p.breakerOpen, false);
  });
});

/** A child whose life is scripted by the test. */
class ScriptedChild implements SupervisedChild {
  readonly pid = 4242;
  readonly signals: string[] = [];
  ended = false;
  private ready: (() => void)[] = [];
  private exits: ((code: number | null, signal: string | null) => void)[] = [];
  onReady(l: () => void): void {
    this.ready.push(l);
  }
  onExit(l: (code: number | null, signal: string | null) => void): void {
    this.exits.push(l);
  }
  kill(signal: NodeJS.Signals): void {
    this.signals.push(signal);
  }
  serve(): void {
    for (const l of this.ready) l();
  }
  end(code: number | null, signal: string | null = null): void {
    this.ended = true;
    for (const l of this.exits) l(code, signal);
  }
}

/** Virtual time: timers fire only when the test advances the clock. */
class VirtualTimers {
  now = 0;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];
  set(fn: () => void, ms: number): { cancel(): void } {
    const t = { at: this.now + ms, fn, live: true };
    this.timers.push(t);
    return { cancel: () => (t.live = false) };
  }
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.live && t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      next.live = false;
      this.now = next.at;
      next.fn();
    }
    this.now = until;
  }
}

function supervised() {
  const timers = new VirtualTimers();
  const children: ScriptedChild[] = [];
  const lines: string[] = [];
  const sup = new Supervisor({
    spawn: () => {
      const c = new ScriptedChild();
      children.push(c);
      return c;
    },
    policy: new RestartPolicy(DEFAULT_RESTART_RULE, STALL),
    now: () => timers.now,
    setTimer: (fn, ms) => timers.set(fn, ms),
    log: (l) => lines.push(l),
  });
  return { sup, timers, children, lines };
}

describe('Supervisor', () => {
  it('a crash-looping runtime is held by the breaker, not restarted in a tight loop', async () => {
    const { sup, timers, children, lines } = supervised();
    const done = sup.run();
    // Each child serves, then crashes 100 ms later; the clock runs 10 virtual minutes.
    for (let elapsed = 0; elapsed < 600_000; elapsed += 100) {
      const c = children.at(-1)!;
      if (!c.ended) {
        c.serve();
        timers.advance(100);
        c.end(STALL);
      }
      timers.advance(100);
    }
    // Without the breaker: ~60 starts a minute at the 10 s backoff cap; with it, 5 in the first
    // seconds and then one per 120 s hold.
    assert.ok(children.length >= 5 && children.length <= 10, `${children.length} starts in 10 minutes`);
    assert.ok(lines.some((l) => /5 crash\(es\) within 60 s: crash loop, holding restarts for 120 s/.test(l)));
    assert.ok(lines.some((l) => /hold over: trying the runtime once more/.test(l)));
    // SIGTERM during a hold: nothing runs, the command ends 0 at once.
    sup.signal('SIGTERM');
    assert.equal(await done, 0);
  });

  it('forwards signals to the running child and ends with its exit code', async () => {
    const { sup, timers, children } = supervised();
    const done = sup.run();
    children[0]!.serve();
    timers.advance(1000);
    children[0]!.end(STALL);
    timers.advance(250);
    assert.equal(children.length, 2, 'restarted after the 0.25 s backoff');
    children[1]!.serve();
    sup.signal('SIGINT');
    sup.signal('SIGINT');
    assert.deepEqual(children[1]!.signals, ['SIGINT', 'SIGINT']);
    children[1]!.end(1);
    assert.equal(await done, 1);
    assert.equal(children.length, 2, 'not restarted while stopping');
  });

  it('a runtime that fails before it serves is not restarted', async () => {
    const { sup, children } = supervised();
    const done = sup.run();
    children[0]!.end(1);
    assert.equal(await done, 1);
    assert.equal(children.length, 1);
  });
});
