// Each control method is declared once (protocol/methods.ts); the params validation and the
// dispatch table are typed from that table. These tests hold both to it: at run time, every
// declared method is served and refuses bad params before the API sees them; at compile time,
// a method or a field without a spec is a type error (checked by compiling variants in memory).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { ControlError, ErrorCodes } from '../../protocol/control';
import { connectControl, type ControlClient } from '../../protocol/connect';
import { controlMethods, METHOD_NAMES } from '../../protocol/methods';
import { paramSpecs } from '../../runtime/control/params';
import { startControlServer, type ControlServer } from '../../runtime/control/server';
import { RecordingApi } from './control-fake-api';

const here = __dirname;
const root = resolve(here, '..', '..');

/** Type errors of `source` compiled as a file in test/runtime/ with the project's options. */
function typeErrors(source: string): string[] {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), (p) => ts.sys.readFile(p));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const file = join(here, '__declarations_probe__.ts');
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    resolve(name) === file ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => resolve(name) === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(file))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

const PROBE_HEADER = `import { paramSpecs, type ParamSpecs } from '../../runtime/control/params';\n`;

describe('control method declarations', () => {
  let dir: string;
  let api: RecordingApi;
  let server: ControlServer;
  let client: ControlClient;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orc-decl-'));
    api = new RecordingApi();
    server = await startControlServer({ api, socketPath: join(dir, 'sock', 'rt.sock') });
    const connection = await connectControl(server.socketPath, { timeoutMs: 3000 });
    assert.equal(connection.kind, 'openrtc');
    client = connection.client;
  });

  after(async () => {
    client.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names each declaration by its key and gives every declared method a params spec', () => {
    for (const name of METHOD_NAMES) {
      assert.equal(controlMethods[name].type.method, name);
      assert.ok(Object.hasOwn(paramSpecs, name), `${name} has no params spec`);
    }
    assert.deepEqual(Object.keys(paramSpecs).sort(), [...METHOD_NAMES].sort());
  });

  it('says which methods a control thread may answer while the main loop is blocked', () => {
    const offLoop = METHOD_NAMES.filter((m) => !controlMethods[m].needsMainLoop).sort();
    assert.deepEqual(offLoop, ['hello', 'sessions', 'snapshot', 'subscribe', 'unsubscribe']);
  });

  it('serves every declared method, and refuses an unknown field in each before the API sees it', async () => {
    for (const name of METHOD_NAMES) {
      api.calls.length = 0;
      const error = await (client.request as (m: string, p: unknown) => Promise<unknown>)
        .call(client, name, { zz_not_a_field: 1 })
        .then(
          () => assert.fail(`${name} accepted an unknown field`),
          (e: unknown) => e,
        );
      assert.ok(error instanceof ControlError, `${name}: ${String(error)}`);
      assert.equal(error.code, ErrorCodes.InvalidParams, `${name}: ${error.message}`);
      assert.match(error.message, new RegExp(`^${name}: unknown field 'zz_not_a_field'`));
      assert.deepEqual(api.calls, [], `${name} reached the API`);
    }
  });

  it(
    'compiles the real table, and fails to compile one with a method or a field left out',
    { timeout: 120_000 },
    () => {
      assert.deepEqual(typeErrors(`${PROBE_HEADER}export const whole: ParamSpecs = paramSpecs;\n`), []);
      const withoutLogs = typeErrors(
        `${PROBE_HEADER}const { logs: _logs, ...rest } = paramSpecs;\nvoid _logs;\nexport const partial: ParamSpecs = rest;\n`,
      );
      assert.ok(
        withoutLogs.some((e) => /Property 'logs' is missing/.test(e)),
        `a method without a spec compiled: ${withoutLogs.join(' | ')}`,
      );
      const withoutCap = typeErrors(
        `${PROBE_HEADER}export const partial: ParamSpecs = { ...paramSpecs, setTenantCap: { tenant: { kind: 'tenant', required: true } } };\n`,
      );
      assert.ok(
        withoutCap.some((e) => /'cap' is missing/.test(e)),
        `a field without a spec compiled: ${withoutCap.join(' | ')}`,
      );
      const optionalTenant = typeErrors(
        `${PROBE_HEADER}export const partial: ParamSpecs = { ...paramSpecs, isolateTenant: { tenant: { kind: 'tenant' } } };\n`,
      );
      assert.ok(optionalTenant.length > 0, 'a required field whose spec does not say so compiled');
    },
  );
});
