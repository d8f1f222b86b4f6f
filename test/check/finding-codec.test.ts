// The cache's compact findings (server/check/finding-codec.ts): the real front ends' findings,
// chains and fixes included, come back exactly as they went in; any field out of shape is
// refused (the cache then drops the whole file). And the stamp rule (file-stamp.ts): a file is
// trusted unchanged by its stat only when it was last changed well before it was read.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { defaultDiagnosticsSettings } from '../../protocol/lsp-settings';
import type { Finding } from '../../server/core/findings';
import { WorkspaceAnalysis } from '../../server/core/workspace-analysis';
import { catalogue } from '../../server/lsp/front-ends';
import { analyzePython, initPython, nodeModulesWasmLocation } from '../../server/frontends/python';
import { analyzeTypeScript } from '../../server/frontends/typescript';
import { encodeFindings, FindingDecoder, MalformedFinding, StringTable } from '../../server/check/finding-codec';
import { RACY_MS, sameStamp, stampOf } from '../../server/check/file-stamp';

const root = join(__dirname, '..', '..');
const options = { moduleLevelIsLoop: false, honourNoqa: true };

const files: Record<string, string> = {
  '/ws/pkg/helpers.py': 'import time\n\n\ndef load():\n    time.sleep(1)\n',
  '/ws/pkg/agent.py':
    'import time\n\nfrom pkg.helpers import load\n\n\nasync def entry():\n    time.sleep(0.5)  # ünïcode → here\n    load()\n',
  '/ws/agent.ts':
    "import { readFileSync } from 'node:fs';\nexport async function entry(): Promise<string> {\n  return readFileSync('x.json', 'utf8');\n}\n",
};

function realFindings(): Finding[] {
  const analysis = new WorkspaceAnalysis(['/ws'], catalogue);
  analysis.settings = { ...defaultDiagnosticsSettings, severity: { ORP101: 'error' } };
  for (const [path, text] of Object.entries(files))
    analysis.update(path.endsWith('.py') ? analyzePython(path, text, options) : analyzeTypeScript(path, text, options));
  return Object.keys(files).flatMap((p) => analysis.findings(p));
}

function roundTrip(findings: readonly Finding[]): Finding[] {
  const table = new StringTable();
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) byFile.set(f.path, [...(byFile.get(f.path) ?? []), f]);
  const encoded = [...byFile].map(([path, items]) => [path, encodeFindings(items, table)] as const);
  // Through JSON text, as the cache file is.
  const doc = JSON.parse(JSON.stringify({ strings: table.strings, encoded })) as {
    strings: unknown[];
    encoded: [string, unknown[]][];
  };
  const decoder = new FindingDecoder(doc.strings);
  return doc.encoded.flatMap(([path, items]) => decoder.decode(path, items));
}

/** A finding as a plain object (a decoded one's fields are accessors, read from the encoded list). */
const plain = (f: Finding): Finding => ({
  path: f.path,
  range: f.range,
  code: f.code,
  severity: f.severity,
  message: f.message,
  blockingCode: f.blockingCode,
  chain: f.chain,
  chainText: f.chainText,
  fixes: f.fixes,
});

describe('finding codec', () => {
  before(() => initPython(nodeModulesWasmLocation(root)));

  it('gives back the real findings exactly: ranges, severities, chains, fixes, unicode', () => {
    const findings = realFindings();
    assert.ok(
      findings.some((f) => f.chain.length > 0),
      'a chain through load()',
    );
    assert.ok(
      findings.some((f) => f.fixes.length > 0 && f.fixes[0]!.edits.length > 0),
      'a fix with edits',
    );
    assert.ok(new Set(findings.map((f) => f.severity)).size > 1, 'more than one severity');
    const back = roundTrip(findings);
    assert.deepEqual(back.map(plain), findings.map(plain));
    assert.equal(back[0]!.chain, back[0]!.chain, 'a chain is built once, then kept');
  });

  it('stores each string once', () => {
    const table = new StringTable();
    const f = realFindings()[0] as Finding;
    encodeFindings(
      Array.from({ length: 100 }, () => f),
      table,
    );
    const once = new StringTable();
    encodeFindings([f], once);
    assert.equal(table.strings.length, once.strings.length);
  });

  it('refuses any field out of shape', () => {
    const table = new StringTable();
    const found = realFindings();
    const chained = found.find((f) => f.chain.length > 0) as Finding;
    const fixed = found.find((f) => f.fixes.length > 0) as Finding;
    // [chained, fixed]: the chained finding's hop count sits at 9, its first hop at 10-16, then its fix count;
    // the fixed one starts after that.
    const good = JSON.stringify(encodeFindings([chained, fixed], table));
    const fixedAt = 9 + 1 + chained.chain.length * 7 + 1;
    const fixAt = fixedAt + 9 + 1 + fixed.chain.length * 7 + 1;
    const decode = (mutate: (a: unknown[]) => void, strings: unknown[] = table.strings): Finding[] => {
      const a = JSON.parse(good) as unknown[];
      mutate(a);
      return new FindingDecoder(strings).decode('/ws/a.py', a);
    };
    assert.equal(decode(() => undefined).length, 2);
    const mutations: [string, (a: unknown[]) => void][] = [
      ['a field missing', (a) => a.pop()],
      ['one field too many', (a) => a.push(0)],
      ['a negative line', (a) => (a[0] = -1)],
      ['a fractional column', (a) => (a[1] = 1.5)],
      ['a string index past the table', (a) => (a[4] = 10_000)],
      ['a severity out of range', (a) => (a[5] = 7)],
      ['a hop count past the end', (a) => (a[9] = 1_000)],
      ["a hop's path past the table", (a) => (a[10] = 10_000)],
      ['a hop line that is text', (a) => (a[11] = '3')],
      ['a preferred flag of 2', (a) => (a[fixAt + 1] = 2)],
      ["an edit's new text past the table", (a) => (a[fixAt + 3 + 4] = 10_000)],
      ['an edit count past the end', (a) => (a[fixAt + 2] = 50)],
      ['a text where a count goes', (a) => (a[2] = '3')],
      ['a nested list where a count goes', (a) => (a[fixedAt] = [1])],
    ];
    for (const [what, mutate] of mutations) assert.throws(() => decode(mutate), MalformedFinding, what);
    assert.throws(
      () =>
        decode(
          () => undefined,
          table.strings.map(() => 7),
        ),
      MalformedFinding,
      'a table of numbers',
    );
    assert.throws(() => new FindingDecoder([]).decode('/ws/a.py', {}), MalformedFinding, 'items not a list');
  });
});

describe('file stamp', () => {
  const stat = { size: 120, mtimeMs: 1_000_000, ctimeMs: 1_000_500, ino: 42 };

  it('is recorded only for a file last changed (written or its metadata) well before it was read', () => {
    assert.deepEqual(stampOf(stat, 1_000_500 + RACY_MS + 1), [120, 1_000_000, 1_000_500, 42]);
    assert.equal(stampOf(stat, 1_000_500 + RACY_MS - 1), undefined, 'ctime too close to the read');
    assert.equal(stampOf({ ...stat, ctimeMs: 0 }, 1_000_000 + RACY_MS - 1), undefined, 'mtime too close');
  });

  it('matches only the same size, times and inode', () => {
    const stamp = stampOf(stat, 2_000_000_000) as NonNullable<ReturnType<typeof stampOf>>;
    assert.ok(sameStamp(stamp, stat));
    for (const change of [{ size: 121 }, { mtimeMs: 1_000_001 }, { ctimeMs: 1_000_501 }, { ino: 43 }])
      assert.equal(sameStamp(stamp, { ...stat, ...change }), false, JSON.stringify(change));
  });
});
