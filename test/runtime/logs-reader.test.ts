import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineSplitter } from '../../runtime/log-reader/line-splitter';
import { queryLogFile, scanLogFile, type ScanOptions } from '../../runtime/log-reader/reader';
import { formatRecord, type LogFields, type LogFilter } from '../../runtime/log-reader/record';

const rec = (
  session: string | null,
  tenant: string | null,
  level: string,
  message: string,
  extra: LogFields = {},
): string =>
  JSON.stringify({
    timestamp: '2026-11-29T10:00:00.000Z',
    level,
    session_id: session,
    agent_name: session ? 'dental' : null,
    tenant,
    logger: 'openrtc',
    message,
    ...extra,
  });

/** Lines as our runtime and Python OpenRTC write them, with junk between. */
const mixed = [
  rec(null, null, 'INFO', 'runtime started'),
  rec('s1', 'acme', 'INFO', 's1 hello'),
  rec('s2', 'globex', 'WARNING', 's2 slow'),
  'this is not json',
  rec('s1', 'acme', 'ERROR', 's1 failed', { exc_info: 'Traceback...\nValueError: x' }),
  '',
  '[1, 2, 3]',
  // Python OpenRTC JsonLogFormatter record: local time with a comma, levelname.
  JSON.stringify({
    timestamp: '2026-11-29 10:00:01,250',
    level: 'WARNING',
    session_id: 's3',
    agent_name: 'restaurant',
    tenant: 'acme',
    logger: 'livekit.agents',
    message: 'py record',
  }),
  '{"truncated": ',
  rec('s2', 'globex', 'INFO', 's2 bye'),
];

async function collect(path: string, filter: LogFilter, options: ScanOptions = {}) {
  const records: LogFields[] = [];
  const stats = await scanLogFile(path, filter, (r) => records.push(r), options);
  return { records, stats };
}

describe('log reader', () => {
  let dir: string;
  let file: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'orc-logs-'));
    file = join(dir, 'worker.jsonl');
    writeFileSync(file, mixed.join('\n') + '\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--session selects exactly that session, skipping and counting bad lines', async () => {
    const { records, stats } = await collect(file, { session_id: 's1' });
    assert.deepEqual(
      records.map((r) => r.message),
      ['s1 hello', 's1 failed'],
    );
    assert.equal(stats.badLines, 3, 'non-JSON, a JSON array and a truncated object; the blank line is not counted');
  });

  it('--tenant selects exactly that tenant, including Python OpenRTC records', async () => {
    const { records } = await collect(file, { tenant: 'acme' });
    assert.deepEqual(
      records.map((r) => r.message),
      ['s1 hello', 's1 failed', 'py record'],
    );
    const none = await collect(file, { tenant: 'nobody' });
    assert.equal(none.records.length, 0);
  });

  it('--level keeps that level and above, with Python and pino level forms', async () => {
    const { records } = await collect(file, { level: 'warn' });
    assert.deepEqual(
      records.map((r) => r.message),
      ['s2 slow', 's1 failed', 'py record'],
    );
    const pinoFile = join(dir, 'pino.jsonl');
    writeFileSync(
      pinoFile,
      [JSON.stringify({ level: 30, msg: 'info' }), JSON.stringify({ level: 50, msg: 'error' })].join('\n'),
    );
    assert.deepEqual(
      (await collect(pinoFile, { level: 'error' })).records.map((r) => r.msg),
      ['error'],
    );
  });

  it('--agent combines with the other filters', async () => {
    const { records } = await collect(file, { agent_name: 'restaurant', tenant: 'acme' });
    assert.deepEqual(
      records.map((r) => r.session_id),
      ['s3'],
    );
  });

  it('formats records for humans, Python timestamps included', async () => {
    const { records } = await collect(file, { session_id: 's3' });
    assert.equal(
      formatRecord(records[0]!),
      '2026-11-29T10:00:01.250 WARNING  acme/restaurant/s3 livekit.agents: py record',
    );
    const failed = (await collect(file, { level: 'error' })).records[0]!;
    assert.match(formatRecord(failed), /s1 failed\n {4}Traceback\.\.\.\n {4}ValueError: x$/);
  });

  it('skips a line over the cap without buffering it, and keeps reading', async () => {
    const big = join(dir, 'big.jsonl');
    const cap = 64 * 1024;
    writeFileSync(
      big,
      rec('a', 't', 'INFO', 'before') + '\n' + 'x'.repeat(cap * 40) + '\n' + rec('b', 't', 'INFO', 'after') + '\n',
    );
    const { records, stats } = await collect(big, {}, { maxLineBytes: cap });
    assert.deepEqual(
      records.map((r) => r.message),
      ['before', 'after'],
    );
    assert.equal(stats.oversizedLines, 1);
    const splitter = new LineSplitter(cap);
    for (let i = 0; i < 40; i++) splitter.push(Buffer.alloc(32 * 1024, 0x78));
    assert.ok(splitter.peakHeldBytes <= cap, `held at most the cap (${splitter.peakHeldBytes})`);
    assert.deepEqual(
      splitter.push(Buffer.from('\n{}\n')).map((p) => p.kind),
      ['oversized', 'line'],
    );
  });

  it('streams a file larger than its heap limit (constant memory)', async () => {
    const large = join(dir, 'large.jsonl');
    const block =
      Array.from({ length: 2000 }, (_, i) =>
        rec(`s${i % 50}`, `t${i % 7}`, 'INFO', `line ${i} ${'y'.repeat(400)}`),
      ).join('\n') + '\n';
    writeFileSync(large, '');
    for (let i = 0; i < 60; i++) appendFileSync(large, block); // ~66 MB, 120,000 records
    const heapMb = 24;
    const child = spawnSync(
      process.execPath,
      [`--max-old-space-size=${heapMb}`, '--import', 'tsx', join(__dirname, 'logs-scan-child.ts'), large, 't3'],
      { encoding: 'utf8' },
    );
    assert.equal(child.status, 0, `child failed with a ${heapMb} MB heap: ${child.stderr.slice(-500)}`);
    const perBlock = Array.from({ length: 2000 }, (_, i) => i).filter((i) => i % 7 === 3).length;
    assert.equal((JSON.parse(child.stdout) as { matched: unknown }).matched, perBlock * 60);
  });

  it('follows a growing file, and starts over when it is truncated', async () => {
    const live = join(dir, 'live.jsonl');
    writeFileSync(live, rec('s1', 'acme', 'INFO', 'old') + '\n');
    const seen: string[] = [];
    const controller = new AbortController();
    const done = scanLogFile(live, { tenant: 'acme' }, (r) => seen.push(String(r.message)), {
      follow: true,
      pollMs: 30,
      signal: controller.signal,
    });
    await waitFor(() => seen.length === 1);
    appendFileSync(live, rec('s1', 'acme', 'INFO', 'new') + '\n' + rec('s9', 'other', 'INFO', 'not mine') + '\n');
    await waitFor(() => seen.length === 2);
    appendFileSync(live, rec('s1', 'acme', 'INFO', 'half'));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(seen.length, 2, 'a line without its newline yet is not emitted');
    appendFileSync(live, '\n');
    await waitFor(() => seen.length === 3);
    writeFileSync(live, rec('s1', 'acme', 'INFO', 'rotated') + '\n');
    await waitFor(() => seen.length === 4);
    controller.abort();
    await done;
    assert.deepEqual(seen, ['old', 'new', 'half', 'rotated']);
  });

  it('a missing file is a clear error', async () => {
    await assert.rejects(collect(join(dir, 'nope.jsonl'), {}), /log file not found: .*nope\.jsonl/);
    await assert.rejects(collect(dir, {}), /is not a regular file/);
  });

  it('queryLogFile returns the newest N matches as protocol records', async () => {
    const result = await queryLogFile(file, { tenant: 'acme', limit: 2 });
    assert.deepEqual(
      result.records.map((r) => [r.message, r.level, r.timestamp]),
      [
        ['s1 failed', 'ERROR', '2026-11-29T10:00:00.000Z'],
        ['py record', 'WARNING', '2026-11-29T10:00:01.250'],
      ],
    );
    assert.equal(result.skipped_lines, 3);
  });

  it('queryLogFile from an offset reads only what was written since, and leaves a half-written line for later', async () => {
    const f = join(dir, 'cursor.jsonl');
    writeFileSync(f, rec('s1', 'acme', 'INFO', 'one') + '\n');
    const first = await queryLogFile(f, { tenant: 'acme' });
    assert.deepEqual(
      first.records.map((r) => r.message),
      ['one'],
    );
    const half = rec('s1', 'acme', 'INFO', 'three');
    appendFileSync(f, rec('s2', 'globex', 'INFO', 'two') + '\n' + half.slice(0, 20));
    const second = await queryLogFile(f, { tenant: 'acme', after_offset: first.end_offset });
    assert.deepEqual(second.records, [], "the other tenant's record is not a match; the half line waits");
    assert.equal(second.skipped_lines, 0);
    appendFileSync(f, half.slice(20) + '\n');
    const third = await queryLogFile(f, { tenant: 'acme', after_offset: second.end_offset });
    assert.deepEqual(
      third.records.map((r) => r.message),
      ['three'],
    );
    assert.equal(third.end_offset, (await queryLogFile(f, {})).end_offset, 'the cursor is at the end');
    writeFileSync(f, rec('s9', 'acme', 'INFO', 'rotated') + '\n');
    const rotated = await queryLogFile(f, { tenant: 'acme', after_offset: third.end_offset });
    assert.deepEqual(
      rotated.records.map((r) => r.message),
      ['rotated'],
      'a shorter file is read from the top',
    );
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
