// The reports as written (server/check/report.ts): the --json report is made a record at a time
// as UTF-8 bytes in pieces, and must be byte for byte what JSON.stringify(records, null, 2) gives,
// whatever the text holds (chains' '→', non-ASCII paths and messages, quotes, control
// characters) and wherever a piece ends. The text report, in pieces, is its lines.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';
import type { Finding } from '../../server/core/findings';
import { inPieces, jsonReport, relativeTo, textLines, toJsonFinding } from '../../server/check/report';

const cwd = '/ws';

function finding(i: number, over: Partial<Finding> = {}): Finding {
  return {
    path: `/ws/pkg/agent_${i % 7}.py`,
    range: { start: { line: i, character: i % 13 }, end: { line: i + (i % 2), character: 40 } },
    code: i % 3 === 0 ? 'ORP100' : 'ORP101',
    severity: (['error', 'warning', 'information', 'hint'] as const)[i % 4]!,
    message: `load() blocks the event loop: entry → load() → time.sleep (ORP101) #${i % 5}`,
    blockingCode: 'ORP101',
    chain: [],
    chainText: 'entry → load() → time.sleep',
    fixes: [],
    ...over,
  };
}

const expected = (findings: readonly Finding[]): Buffer => {
  const relative = relativeTo(cwd);
  return Buffer.from(
    `${JSON.stringify(
      findings.map((f) => toJsonFinding(relative, f)),
      null,
      2,
    )}\n`,
    'utf8',
  );
};

const written = (pieces: Iterable<Uint8Array>): { bytes: Buffer; count: number } => {
  const list = [...pieces];
  return { bytes: Buffer.concat(list), count: list.length };
};

describe('check reports', () => {
  it('--json is exactly JSON.stringify(records, null, 2), in pieces of whole lines', () => {
    const odd = [
      finding(1, { path: '/ws/päckage/ünïcode → dir/agent.py', message: 'say "hi"\\ then\ttab\nnewline \u0001 😀' }),
      finding(2, { path: '/elsewhere/outside.py', chainText: '' }),
    ];
    const findings = [...Array.from({ length: 500 }, (_, i) => finding(i)), ...odd];
    for (const size of [64, 1000, 1 << 16]) {
      const { bytes, count } = written(jsonReport(cwd, findings, size));
      assert.ok(bytes.equals(expected(findings)), `piece size ${size}`);
      if (size < 1 << 16) assert.ok(count > 10, `${count} pieces of ${size}`);
      for (const piece of jsonReport(cwd, findings, size)) assert.equal(piece.at(-1), 0x0a, 'each piece ends a line');
    }
    assert.ok(written(jsonReport(cwd, [])).bytes.equals(Buffer.from('[]\n')), 'no findings: []');
    assert.deepEqual(
      (JSON.parse(written(jsonReport(cwd, odd)).bytes.toString('utf8')) as { file: string }[])[0]!.file,
      'päckage/ünïcode → dir/agent.py',
    );
  });

  it('pieces of text are its lines, joined, each piece whole lines', () => {
    const findings = Array.from({ length: 300 }, (_, i) => finding(i));
    const lines = [...textLines(cwd, findings)];
    assert.equal(lines.length, 301);
    assert.match(lines.at(-1)!, /^300 found \(75 error, 75 warning, 75 information, 75 hint\)$/);
    const pieces = [...inPieces(lines, 500)];
    assert.ok(pieces.length > 10);
    assert.equal(pieces.join('\n'), lines.join('\n'));
    assert.deepEqual([...textLines(cwd, [])], ['no blocking calls found']);
  });
});
