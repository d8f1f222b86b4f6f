// Fuzzing the log reader on real files: valid records interleaved with random bytes, truncated
// records and lines over 1 MB. The reader must return exactly the valid records that match the
// filter, in file order, count every other non-blank line as skipped, and never throw.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { queryLogFile } from '../../runtime/log-reader/reader';

const RUNS = Number(process.env.OPENRTC_FUZZ_RUNS ?? 150);
const dir = mkdtempSync(join(tmpdir(), 'openrtc-fuzz-logs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Piece = { kind: 'record'; tenant: string; message: string } | { kind: 'junk'; bytes: Buffer };

const NEWLINE = 0x0a;
const record = fc
  .record({ tenant: fc.constantFrom('acme', 'globex', 'initech'), message: fc.string({ maxLength: 60 }) })
  .map((r) => ({ kind: 'record' as const, ...r }));
// Junk never contains a newline and never parses as a JSON object: it starts with a byte no JSON value starts with.
const junk = fc
  .oneof(
    fc
      .uint8Array({ maxLength: 200 })
      .map((a) => Buffer.concat([Buffer.from([0xff]), Buffer.from(a.filter((b) => b !== NEWLINE))])),
    record.map((r) => Buffer.from(JSON.stringify(line(r)).slice(0, -1 - (r.message.length % 5)))), // a truncated record
    fc.constantFrom(
      Buffer.from('[1,2]'),
      Buffer.from('"a string"'),
      Buffer.from('42'),
      Buffer.from('null'),
      Buffer.from('{"unterminated": '),
    ),
  )
  .map((bytes) => ({ kind: 'junk' as const, bytes }));

function line(r: { tenant: string; message: string }): object {
  return {
    timestamp: '2026-01-01T00:00:00.000Z',
    level: 'info',
    session_id: `S-${r.tenant}`,
    agent_name: 'a',
    tenant: r.tenant,
    logger: 'x',
    message: r.message,
  };
}

let file = 0;
function write(pieces: Piece[], tail = ''): string {
  const path = join(dir, `log-${file++}.jsonl`);
  const body = pieces.map((p) => (p.kind === 'record' ? Buffer.from(JSON.stringify(line(p))) : p.bytes));
  writeFileSync(path, Buffer.concat([...body.flatMap((b) => [b, Buffer.from('\n')]), Buffer.from(tail)]));
  return path;
}

test('log reader fuzz: exactly the valid matching records, every bad line counted, never a throw', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(record, junk), { maxLength: 40 }),
      fc.constantFrom('acme', 'globex', undefined),
      async (pieces, tenant) => {
        const path = write(pieces);
        const result = await queryLogFile(path, tenant === undefined ? {} : { tenant });
        const want = pieces.filter((p) => p.kind === 'record' && (tenant === undefined || p.tenant === tenant));
        assert.deepEqual(
          result.records.map((r) => [r.tenant, r.message]),
          want.map((p) => p.kind === 'record' && [p.tenant, p.message]),
        );
        const junkLines = pieces.filter((p) => p.kind === 'junk' && p.bytes.toString('utf8').trim().length > 0).length;
        assert.equal(result.skipped_lines, junkLines);
      },
    ),
    { numRuns: RUNS },
  );
  console.log(`fuzz log reader mixed lines: ${RUNS} cases`);
});

test('log reader: 1 MB+ lines are skipped and counted, records around them survive; random bytes never throw', async () => {
  const big = Buffer.alloc(1024 * 1024 + 10, 0x61); // one byte over the cap plus some
  const tail = '{"tenant":"acme","message":"unterminated tail';
  const path = write(
    [
      { kind: 'record', tenant: 'acme', message: 'before' },
      { kind: 'junk', bytes: big },
      { kind: 'record', tenant: 'acme', message: 'after' },
    ],
    tail,
  );
  const r = await queryLogFile(path, { tenant: 'acme' });
  assert.deepEqual(
    r.records.map((x) => x.message),
    ['before', 'after'],
  );
  assert.equal(r.skipped_lines, 1, 'the oversized line');
  // An unterminated last line may be a record still being written: left for the next read.
  assert.equal(
    r.end_offset,
    statSync(path).size - Buffer.byteLength(tail),
    'the next read starts at the unterminated tail',
  );

  let cases = 0;
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
      const p = join(dir, `raw-${file++}.bin`);
      writeFileSync(p, bytes);
      const res = await queryLogFile(p, { tenant: 'acme', level: 'info', limit: 5 });
      assert.ok(res.records.length <= 5);
      assert.ok(res.skipped_lines >= 0);
      cases += 1;
    }),
    { numRuns: RUNS },
  );
  console.log(`fuzz log reader random bytes: ${cases} cases; 1 MB line: 1 case`);
});
