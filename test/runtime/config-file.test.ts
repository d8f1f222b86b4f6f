import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import type { RuntimeEvent } from '../../protocol/control';
import { defaultConfig, parseConfigText } from '../../runtime/config/load';
import { MissingSecretError, resolveTenantConfig } from '../../runtime/config/secrets';
import { ConfigError } from '../../runtime/config/types';
import { Runtime } from '../../runtime/runtime';
import { BUSY_AGENT, makeWorkspace } from './engine-workspace';

const FILE = '/ws/openrtc.json';

function problems(text: string): string[] {
  try {
    parseConfigText(FILE, text);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.message.split('\n');
  }
  assert.fail('config was accepted');
}

describe('openrtc.json parsing and validation', () => {
  it('accepts comments and trailing commas and fills defaults', () => {
    const c = parseConfigText(FILE, '{\n  // caps\n  "max_sessions_per_tenant": { "acme": 5, "*": 2, },\n}');
    assert.deepEqual(c.max_sessions_per_tenant, { acme: 5, '*': 2 });
    assert.equal(c.max_concurrent_sessions, 50);
    assert.equal(c.tenant_circuit_cooldown_s, 30);
    assert.equal(c.agents, 'agents/');
    assert.equal(c.log_file, '.openrtc/worker.jsonl');
  });

  it('malformed JSON: file, line:column and what was expected', () => {
    assert.deepEqual(problems('{\n  "max_concurrent_sessions": 10\n  "agents": "a"\n}'), [
      `${FILE}:3:3: not valid JSON: comma expected`,
    ]);
  });

  it('schema errors name the key path and line:column', () => {
    const text =
      '{\n  "max_sessions_per_tenant": {\n    "acme": -1,\n    "bad tenant": 3\n  },\n  "max_concurent_sessions": 5,\n  "isolation": "thread"\n}';
    assert.deepEqual(problems(text), [
      `${FILE}:3:13: max_sessions_per_tenant.acme: must be >= 0`,
      `${FILE}:4:5: max_sessions_per_tenant.bad tenant: "bad tenant" is not a valid tenant id (1-128 of letters, digits, '-', '_', or "*")`,
      `${FILE}:6:3: max_concurent_sessions: unknown key`,
      `${FILE}:7:16: isolation: must be one of "coroutine", "process"`,
    ]);
  });

  it('wrong types are refused with the key path', () => {
    assert.deepEqual(problems('{"agents": 3}'), [
      `${FILE}:1:12: agents: must be a folder path or a non-empty list of file/folder paths`,
    ]);
    assert.deepEqual(problems('{"enable_tenant_circuit_breaker": "yes"}'), [
      `${FILE}:1:35: enable_tenant_circuit_breaker: must be boolean`,
    ]);
    assert.deepEqual(problems('{"tenant_circuit_failure_ratio": 1.5}'), [
      `${FILE}:1:34: tenant_circuit_failure_ratio: must be <= 1`,
    ]);
    assert.deepEqual(problems('[]'), [`${FILE}:1:1: must be object`]);
  });

  it('inline secrets in tenant_config are refused without echoing the value', () => {
    const lines = problems('{"tenant_config": {"acme": {"llm": {"api_key": "sk-live-SECRET"}}}}');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /tenant_config\.acme\.llm\.api_key: looks like an inline secret; .*"api_key_env"/);
    assert.doesNotMatch(lines[0]!, /sk-live-SECRET/);
    assert.match(
      problems('{"tenant_config": {"acme": {"api_key_env": "sk-live-SECRET"}}}')[0]!,
      /api_key_env: must be the name of an environment variable/,
    );
  });

  it('env-var secrets resolve per tenant; a missing variable names the variable, never a value', () => {
    const c = parseConfigText(
      FILE,
      '{"tenant_config": {"acme": {"voice": "alloy", "llm": {"api_key_env": "ACME_KEY"}}}}',
    );
    const resolved = resolveTenantConfig('acme', c.tenant_config['acme'], { ACME_KEY: 'sk-123' });
    assert.deepEqual(resolved, { voice: 'alloy', llm: { api_key: 'sk-123' } });
    assert.throws(
      () => resolveTenantConfig('acme', c.tenant_config['acme'], {}),
      (e: unknown) => e instanceof MissingSecretError && /ACME_KEY/.test(e.message),
    );
  });

  it('the schema file is valid for editors: every property has a description, defaults validate', () => {
    const schema = JSON.parse(readFileSync(join(__dirname, '../../schemas/openrtc.schema.json'), 'utf8')) as {
      properties: Record<string, { description?: string }>;
    };
    for (const [key, prop] of Object.entries(schema.properties))
      assert.ok(prop.description, `${key} has a description`);
    const validate = new Ajv().compile(schema);
    assert.equal(validate(defaultConfig()), true, JSON.stringify(validate.errors));
  });
});

describe('config reload in a running runtime', () => {
  it('a bad edit keeps the running config and says why; a good one applies caps without restart', async () => {
    const ws = makeWorkspace({ 'agents/hold.ts': BUSY_AGENT('hold', 10) }, { max_sessions_per_tenant: { acme: 1 } });
    const rt = await Runtime.start({ workspaceDir: ws.dir });
    // The watcher does not keep a process alive (the control socket does in `openrtc run`);
    // the timeout timer keeps this test's loop alive while it waits, and fails it if nothing comes.
    const nextReload = () =>
      new Promise<RuntimeEvent>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no config_reloaded event within 5 s')), 5000);
        const off = rt.onEvent((e) => {
          if (e.type === 'config_reloaded') {
            clearTimeout(timer);
            off();
            resolve(e);
          }
        });
      });
    try {
      assert.equal(rt.snapshot().tenants['acme']?.cap, 1);

      let reloaded = nextReload();
      ws.write('openrtc.json', '{ "max_sessions_per_tenant": { "acme": "ten" } ');
      const bad = await reloaded;
      assert.ok(bad.type === 'config_reloaded' && !bad.ok);
      assert.match(bad.type === 'config_reloaded' ? (bad.error ?? '') : '', /openrtc\.json:1:\d+: not valid JSON/);
      assert.equal(rt.snapshot().tenants['acme']?.cap, 1, 'running config kept');
      const r = await rt.startCalls({ agent: 'hold', tenant: 'acme', count: 3, concurrency: 3 });
      assert.equal(r.started, 1, 'the old cap still applies');

      reloaded = nextReload();
      ws.write('openrtc.json', '{ "max_sessions_per_tenant": { "acme": 3 }, "enable_tenant_circuit_breaker": true }');
      const good = await reloaded;
      assert.ok(good.type === 'config_reloaded' && good.ok);
      assert.equal(rt.snapshot().tenants['acme']?.cap, 3);
      assert.equal(rt.snapshot().tenants['acme']?.breaker.enabled, true);
      const r2 = await rt.startCalls({ agent: 'hold', tenant: 'acme', count: 5, concurrency: 5 });
      assert.equal(r2.started, 3);

      const log = (await rt.logs({ limit: 1000 })).records.map((r) => r.message);
      assert.ok(log.some((m) => m.startsWith('[config] reload failed; keeping the running config:')));
      assert.ok(log.includes('[config] reloaded; caps and breaker settings applied'));
    } finally {
      await rt.stop();
      ws.cleanup();
    }
  });

  it('a bad config at start is refused with the file and key path', async () => {
    const ws = makeWorkspace({}, '{ "max_concurrent_sessions": 0 }');
    try {
      await assert.rejects(
        Runtime.start({ workspaceDir: ws.dir, watch: false }),
        (e: unknown) =>
          e instanceof ConfigError && /openrtc\.json:1:30: max_concurrent_sessions: must be >= 1/.test(e.message),
      );
    } finally {
      ws.cleanup();
    }
  });
});
