// The reports as written (server/check/report.ts): made a record at a time as UTF-8 bytes in
// pieces, each must be byte for byte what the plain way of making it gives (for --json,
// JSON.stringify(records, null, 2)), whatever the text holds (chains' '→', non-ASCII paths and
// messages, quotes, control characters, GitHub's special characters) and wherever a piece ends.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';
import type { Finding } from '../../server/core/findings';
import { githubReport, jsonReport, relativeFile, textReport, toJsonFinding } from '../../server/check/report';

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

/** The reports made the plain way: records or lines as strings, joined. */
const plain = {
  json: (findings: readonly Finding[]): string =>
    `${JSON.stringify(
      findings.map((f) => toJsonFinding(cwd, f)),
      null,
      2,
    )}\n`,
  text: (findings: readonly Finding[]): string => {
    if (findings.length === 0) return 'no blocking calls found\n';
    const lines = findings
      .map((f) => toJsonFinding(cwd, f))
      .map((j) => `${j.file}:${j.line}:${j.column}: ${j.severity} ${j.code} ${j.message}\n`);
    const count = (s: string): number => findings.filter((f) => f.severity === s).length;
    const parts = ['error', 'warning', 'information', 'hint']
      .filter((s) => count(s) > 0)
      .map((s) => `${count(s)} ${s}`);
    return `${lines.join('')}${findings.length} found (${parts.join(', ')})\n`;
  },
  github: (findings: readonly Finding[]): string =>
    findings
      .map((f) => toJsonFinding(cwd, f))
      .map((j) => {
        const data = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
        const prop = (s: string): string => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
        const level = j.severity === 'error' || j.severity === 'warning' ? j.severity : 'notice';
        return (
          `::${level} file=${prop(j.file)},line=${j.line},col=${j.column},endLine=${j.endLine},` +
          `endColumn=${j.endColumn},title=${prop(`OpenRTC ${j.code}`)}::${data(j.message)}\n`
        );
      })
      .join(''),
};
const made = { json: jsonReport, text: textReport, github: githubReport };

const written = (pieces: Iterable<Uint8Array>): { bytes: Buffer; count: number } => {
  const list = [...pieces];
  return { bytes: Buffer.concat(list), count: list.length };
};

describe('check reports', () => {
  const odd = [
    finding(1, {
      path: '/ws/päckage/ünïcode → dir/a,b:c%.py',
      message: 'say "hi"\\ then\ttab\nnewline\r \u0001 😀 50% a:b,c',
    }),
    finding(2, {
      path: '/elsewhere/outside.py',
      chainText: '',
      range: { start: { line: 1234566, character: 9 }, end: { line: 1234567, character: 99999 } },
    }),
  ];
  const findings = [...Array.from({ length: 500 }, (_, i) => finding(i)), ...odd];

  for (const format of ['json', 'text', 'github'] as const)
    it(`${format} is byte for byte the plain way's, in pieces of whole lines`, () => {
      for (const size of [64, 1000, 1 << 16]) {
        const { bytes, count } = written(made[format](cwd, findings, size));
        assert.equal(bytes.toString('utf8'), plain[format](findings), `piece size ${size}`);
        if (size < 1 << 16) assert.ok(count > 10, `${count} pieces of ${size}`);
        for (const piece of made[format](cwd, findings, size))
          assert.equal(piece.at(-1), 0x0a, 'each piece ends a line');
      }
      assert.equal(written(made[format](cwd, [])).bytes.toString('utf8'), plain[format]([]), 'no findings');
      assert.equal(
        written(made[format](cwd, odd.slice(1))).bytes.toString('utf8'),
        plain[format](odd.slice(1)),
        'one finding',
      );
    });

  it('--json parses back to the findings, paths relative and non-ASCII intact', () => {
    const records = JSON.parse(written(jsonReport(cwd, odd)).bytes.toString('utf8')) as {
      file: string;
      line: number;
    }[];
    assert.deepEqual(
      records.map((r) => [r.file, r.line]),
      [
        ['päckage/ünïcode → dir/a,b:c%.py', 2],
        ['/elsewhere/outside.py', 1234567],
      ],
    );
  });

  it('the text report ends with the count by severity', () => {
    const text = written(textReport(cwd, findings.slice(0, 300))).bytes.toString('utf8');
    assert.match(text, /\n300 found \(75 error, 75 warning, 75 information, 75 hint\)\n$/);
  });

  it('paths are relative to the working directory when under it, else absolute', () => {
    const cases: [string, string, string][] = [
      ['/ws', '/ws/pkg/a.py', 'pkg/a.py'],
      ['/ws', '/wsx/a.py', '/wsx/a.py'],
      ['/ws', '/elsewhere/a.py', '/elsewhere/a.py'],
      ['/', '/pkg/a.py', 'pkg/a.py'],
      ['/ws/pkg', '/ws/pkg/a.py', 'a.py'],
    ];
    for (const [from, file, expected] of cases)
      assert.equal(relativeFile(from, file), expected, `${file} from ${from}`);
  });
});
