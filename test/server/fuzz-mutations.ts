// fast-check arbitraries for mutated and truncated source: start from a seed, apply a few
// edits (truncate, delete a span, duplicate a span, insert syntax-heavy tokens).
import fc from 'fast-check';

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string };

const tokens = [
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ':',
  ';',
  ',',
  '.',
  '=>',
  '\n',
  '\n    ',
  '\t',
  '"',
  "'",
  '`',
  '${',
  '\\',
  '#',
  '//',
  '/*',
  '*/',
  '"""',
  'async ',
  'await ',
  'def ',
  'function ',
  'class ',
  'lambda ',
  'return ',
  'while ',
  'import ',
  'from ',
  'require(',
  'time.sleep(',
  'readFileSync(',
  '@room.on("x")\n',
  '\u00e9',
  '\ud83d\ude00',
  '\0',
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 8 })),
  }),
);

function apply(text: string, m: Mutation): string {
  if (m.kind === 'truncate') return text.slice(0, Math.floor(text.length * m.at));
  const at = text.length === 0 ? 0 : m.at % (text.length + 1);
  if (m.kind === 'delete') return text.slice(0, at) + text.slice(at + m.length);
  if (m.kind === 'duplicate') return text.slice(0, at) + text.slice(at, at + m.length) + text.slice(at);
  return text.slice(0, at) + m.text + text.slice(at);
}

/** A mutated copy of one of the seeds. */
export function mutatedSource(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 6 }))
    .map(([seed, mutations]) => mutations.reduce(apply, seed));
}

/** How many cases per language: OPENRTC_FUZZ_CASES, default 5,000. */
export function fuzzCases(): number {
  const raw = process.env['OPENRTC_FUZZ_CASES'];
  const n = raw === undefined ? 5000 : Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`OPENRTC_FUZZ_CASES must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}
