// Fuzzing openrtc.json through the real loader (jsonc-parser + the JSON schema + the secrets
// check): random configs, mutated valid configs and mutated text. Every input either yields a
// config that loads again unchanged, or a ConfigError whose every line names the file (and the
// key path or line:column of the problem). Any other throw fails the property.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseConfigText } from '../../runtime/config/load';
import { ConfigError } from '../../runtime/config/types';

const FILE = '/ws/openrtc.json';
const RUNS = Number(process.env.OPENRTC_FUZZ_RUNS ?? 400);

const KEYS = [
  'agents',
  'max_concurrent_sessions',
  'max_sessions_per_tenant',
  'max_sessions_per_agent',
  'enable_tenant_circuit_breaker',
  'tenant_circuit_cooldown_s',
  'tenant_circuit_failure_ratio',
  'tenant_circuit_min_samples',
  'tenant_circuit_window_s',
  'isolation',
  'tenant_isolation',
  'slow_session_threshold_ms',
  'tenant_config',
  'log_file',
  'memory_warn_mb',
  'memory_limit_mb',
];
const VALID = {
  agents: 'agents/',
  max_concurrent_sessions: 50,
  max_sessions_per_tenant: { '*': 10, acme: 2 },
  enable_tenant_circuit_breaker: true,
  tenant_circuit_failure_ratio: 0.5,
  isolation: 'coroutine',
  tenant_isolation: { globex: 'process' },
  tenant_config: { acme: { voice: 'alloy', llm: { api_key_env: 'ACME_KEY' } } },
};

const oddValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(-1, 0, 1e308, -0, 0.5, 2 ** 53, '', '*', 'process', 'thread', 'a'.repeat(200), '../../etc', null),
  fc.dictionary(
    fc.oneof(fc.string(), fc.constantFrom('*', 'acme', 'api_key', 'token', 'x_env', 'a b', '')),
    fc.jsonValue({ maxDepth: 2 }),
  ),
);
const randomConfig = fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string()), oddValue);
const mutatedValid = fc.tuple(fc.constantFrom(...KEYS), oddValue).map(([k, v]) => ({ ...VALID, [k]: v }));
const mutatedText = fc.tuple(fc.nat(), fc.nat(), fc.string({ maxLength: 8 })).map(([a, b, insert]) => {
  const text = JSON.stringify(VALID, null, 2);
  const at = a % text.length;
  return text.slice(0, at) + insert + text.slice(at + (b % 6));
});

function check(text: string): 'ok' | 'refused' {
  try {
    const config = parseConfigText(FILE, text);
    // A config the loader accepts must load again to the same thing.
    assert.deepEqual(parseConfigText(FILE, JSON.stringify(config)), config);
    return 'ok';
  } catch (error) {
    if (!(error instanceof ConfigError))
      throw new Error(`loader threw ${String(error)} for ${JSON.stringify(text).slice(0, 300)}`, { cause: error });
    assert.ok(error.problems.length > 0, 'a refusal has at least one problem');
    for (const line of error.message.split('\n')) assert.ok(line.startsWith(FILE), `names the file: ${line}`);
    for (const p of error.problems) {
      assert.ok(p.message.length > 0, 'says why');
      // Where: a key path, or line:column (an empty key name has an empty path but a position).
      assert.ok(
        p.keyPath.length > 0 || p.line !== null || p.message.includes('must'),
        `says where: ${JSON.stringify(p)}`,
      );
    }
    return 'refused';
  }
}

test('openrtc.json fuzz: a valid config or a ConfigError naming file and key, nothing else', () => {
  const seen = { ok: 0, refused: 0 };
  for (const [name, arb] of [
    ['random configs', randomConfig.map((c) => JSON.stringify(c))],
    ['mutated valid configs', mutatedValid.map((c) => JSON.stringify(c))],
    ['mutated text', mutatedText],
  ] as const) {
    fc.assert(
      fc.property(arb, (text) => void seen[check(text)]++),
      { numRuns: RUNS },
    );
    console.log(`fuzz openrtc.json ${name}: ${RUNS} cases`);
  }
  console.log(`fuzz openrtc.json: ${seen.ok} accepted, ${seen.refused} refused`);
  assert.ok(seen.ok > 0 && seen.refused > 0, 'both sides of the loader were exercised');
});

test('a secret-looking key with a control character is refused in one line that names the file', () => {
  // Found by the fuzz above: the suggested `<key>_env` name carried the raw newline into the message.
  const text = JSON.stringify({ agents: 'agents/', tenant_config: { acme: { llm: { 'api_key_e\nv': 'ACME_KEY' } } } });
  assert.equal(check(text), 'refused');
});
