// Compares two heap snapshots of one process (the soak's diagnostic run, mem-probe.cjs):
// what grew by object kind, then who holds the objects that are new in the second, by path
// of first retainers. `node bench/soak/heap-diff.mjs early.heapsnapshot late.heapsnapshot`
import { readFileSync } from 'node:fs';

const [earlyFile, lateFile] = process.argv.slice(2);
if (!earlyFile || !lateFile) {
  console.error('usage: node bench/soak/heap-diff.mjs EARLY.heapsnapshot LATE.heapsnapshot');
  process.exit(2);
}

function load(file) {
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const meta = snapshot.snapshot.meta;
  const at = (name) => meta.node_fields.indexOf(name);
  return {
    ...snapshot,
    n: meta.node_fields.length,
    e: meta.edge_fields.length,
    nodeTypes: meta.node_types[0],
    edgeTypes: meta.edge_types[0],
    type: at('type'),
    name: at('name'),
    id: at('id'),
    size: at('self_size'),
    edgeCount: at('edge_count'),
  };
}

const label = (s, node) => {
  const type = s.nodeTypes[s.nodes[node + s.type]];
  return type === 'string' || type === 'concatenated string' || type === 'sliced string'
    ? '(string)'
    : `${type}:${String(s.strings[s.nodes[node + s.name]]).slice(0, 50)}`;
};

function census(s) {
  const byLabel = new Map();
  for (let node = 0; node < s.nodes.length; node += s.n) {
    const key = label(s, node);
    const entry = byLabel.get(key) ?? { count: 0, size: 0 };
    entry.count++;
    entry.size += s.nodes[node + s.size];
    byLabel.set(key, entry);
  }
  return byLabel;
}

const early = load(earlyFile);
const late = load(lateFile);
const before = census(early);
const growth = [...census(late)].map(([key, e]) => [
  key,
  e.count - (before.get(key)?.count ?? 0),
  e.size - (before.get(key)?.size ?? 0),
]);
console.log('grew most (bytes, objects, kind):');
for (const [key, count, size] of growth.sort((a, b) => b[2] - a[2]).slice(0, 12))
  console.log(`${String(Math.round(size / 1024)).padStart(8)} KB ${String(count).padStart(8)}  ${key}`);

// Object ids are stable across snapshots of one process, but new objects may reuse low ids:
// "new" means absent from the early snapshot.
const earlyIds = new Set();
for (let node = 0; node < early.nodes.length; node += early.n) earlyIds.add(early.nodes[node + early.id]);
const firstRetainer = new Map();
let edge = 0;
for (let node = 0; node < late.nodes.length; node += late.n) {
  for (let k = 0; k < late.nodes[node + late.edgeCount]; k++, edge += late.e) {
    const kind = late.edgeTypes[late.edges[edge]];
    const to = late.edges[edge + 2];
    if (kind === 'weak' || firstRetainer.has(to)) continue;
    const text = String(late.strings[late.edges[edge + 1]]);
    // Element and table-slot edges differ by index only: one path for all of them.
    const name = kind === 'element' || kind === 'hidden' || /^\d+$/.test(text) ? `[${kind}]` : text;
    firstRetainer.set(to, [node, name]);
  }
}
const paths = new Map();
for (let node = 0; node < late.nodes.length; node += late.n) {
  if (earlyIds.has(late.nodes[node + late.id]) || late.nodeTypes[late.nodes[node + late.type]] !== 'object') continue;
  const chain = [label(late, node)];
  for (let cur = node, depth = 0; depth < 5; depth++) {
    const up = firstRetainer.get(cur);
    if (!up) break;
    chain.push(`${up[1]} <- ${label(late, up[0])}`);
    cur = up[0];
  }
  const key = chain.join(' | ');
  paths.set(key, (paths.get(key) ?? 0) + 1);
}
console.log('\nnew objects by retainer path (count, object | edge <- holder ...):');
for (const [key, count] of [...paths].sort((a, b) => b[1] - a[1]).slice(0, 12))
  console.log(`${String(count).padStart(8)}  ${key}`);
