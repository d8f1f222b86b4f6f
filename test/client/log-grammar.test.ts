// Tokenises sample lines with the real TextMate engine (vscode-textmate + oniguruma wasm),
// the same machinery VS Code uses, and checks the scopes the log view relies on.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { formatRecord } from '../../client/logs/log-format';

const root = join(__dirname, '..', '..');
const require = createRequire(__filename);
let grammar: textmate.IGrammar;

before(async () => {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p) => new oniguruma.OnigScanner(p),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === 'text.log.openrtc'
        ? textmate.parseRawGrammar(
            readFileSync(join(root, 'syntaxes/openrtc-log.tmLanguage.json'), 'utf8'),
            'openrtc-log.tmLanguage.json',
          )
        : null,
  });
  const loaded = await registry.loadGrammar('text.log.openrtc');
  assert.ok(loaded, 'grammar loads');
  grammar = loaded;
});

/** Text → innermost scope of every token, over a whole multi-line text. */
function tokens(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let state = textmate.INITIAL;
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) out.push([line.slice(t.startIndex, t.endIndex), t.scopes[t.scopes.length - 1] ?? '']);
    state = r.ruleStack;
  }
  return out;
}
const scopeOf = (text: string, piece: string): string | undefined => tokens(text).find(([t]) => t === piece)?.[1];

describe('openrtc-log grammar', () => {
  const record = {
    timestamp: '2026-11-29T12:00:01.250Z',
    level: 'error',
    session_id: 'AJ_7f3k2',
    agent_name: 'support',
    tenant: 'globex',
    logger: 'openrtc.session',
    message: 'provider call failed',
    exc_info: 'Error: upstream 503\n    at entry (/ws/agents/support.ts:14:11)',
  };

  it('marks level, tenant, session id, agent, logger and message', () => {
    const text = formatRecord(record);
    assert.equal(scopeOf(text, '2026-11-29T12:00:01.250Z'), 'constant.numeric.timestamp.openrtc-log');
    assert.equal(scopeOf(text, 'ERROR'), 'invalid.illegal.level.error.openrtc-log');
    assert.equal(scopeOf(text, 'globex'), 'entity.name.tag.tenant.openrtc-log');
    assert.equal(scopeOf(text, 'AJ_7f3k2'), 'constant.other.session-id.openrtc-log');
    assert.equal(scopeOf(text, 'support'), 'entity.name.function.agent.openrtc-log');
    assert.equal(scopeOf(text, 'openrtc.session'), 'entity.name.namespace.logger.openrtc-log');
    assert.equal(scopeOf(text, 'provider call failed'), 'string.unquoted.message.openrtc-log');
  });

  it('marks the exception lines, their type and source locations', () => {
    const text = formatRecord(record);
    assert.equal(scopeOf(text, 'Error'), 'invalid.illegal.exception-type.openrtc-log');
    assert.equal(scopeOf(text, '/ws/agents/support.ts:'), 'markup.underline.link.source.openrtc-log');
    assert.equal(scopeOf(text, '14'), 'constant.numeric.line.openrtc-log');
  });

  it('tells the levels apart and highlights breaker and slow-session markers', () => {
    const warn = formatRecord({
      ...record,
      level: 'warning',
      exc_info: undefined,
      message: "[circuit-breaker] tenant 'globex' opened after 4/5 failures",
    });
    assert.equal(scopeOf(warn, 'WARNING'), 'markup.changed.level.warning.openrtc-log');
    assert.equal(scopeOf(warn, 'circuit-breaker'), 'keyword.control.circuit-breaker.openrtc-log');
    const info = formatRecord({
      ...record,
      level: 'info',
      exc_info: undefined,
      message: '[slow-session] session_id=AJ_7f3k2 blocked event loop for 612ms',
    });
    assert.equal(scopeOf(info, 'INFO'), 'storage.type.level.info.openrtc-log');
    assert.equal(scopeOf(info, 'slow-session'), 'keyword.control.slow-session.openrtc-log');
    const debug = formatRecord({ ...record, level: 'debug', exc_info: undefined });
    assert.equal(scopeOf(debug, 'DEBUG'), 'comment.line.level.debug.openrtc-log');
  });

  it('runtime records without a session show dashes and still tokenise', () => {
    const text = formatRecord({
      ...record,
      level: 'info',
      tenant: null,
      session_id: null,
      agent_name: null,
      exc_info: undefined,
      message: 'runtime ready',
    });
    assert.match(text, /tenant=- session=- agent=- /);
    assert.equal(scopeOf(text, 'runtime ready'), 'string.unquoted.message.openrtc-log');
  });

  it('a line that is not a record gets no record scopes', () => {
    const scopes = tokens('just some words').map(([, s]) => s);
    assert.deepEqual(scopes, ['text.log.openrtc']);
  });
});
