// A peer's cold run as its own process, for bench/lsp's `openrtc check` rows: start Node, load
// the tool, read every file of one language under DIR, lint it, print the finding count. Plain
// JS (no tsx), so start-up costs the peer what it costs ours: a bare `node`.
//   node bench/lsp/peer-cold.mjs ruff|eslint DIR
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [tool, dir] = process.argv.slice(2);
const ext = tool === 'ruff' ? '.py' : '.ts';
const files = [];
const walk = (d) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) {
      if (!e.name.startsWith('.')) walk(p);
    } else if (e.name.endsWith(ext)) files.push(p);
  }
};
walk(dir);
let findings = 0;
if (tool === 'ruff') {
  const { Workspace, PositionEncoding } = await import('@astral-sh/ruff-wasm-nodejs');
  const workspace = new Workspace({ lint: { select: ['ASYNC'] } }, PositionEncoding.Utf16);
  for (const f of files) findings += workspace.check(readFileSync(f, 'utf8')).length;
} else if (tool === 'eslint') {
  const { Linter } = await import('eslint');
  const pluginN = (await import('eslint-plugin-n')).default;
  const config = [
    {
      files: ['**/*.ts'],
      plugins: { n: pluginN },
      rules: { 'n/no-sync': 'error' },
      languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    },
  ];
  const linter = new Linter();
  for (const f of files) {
    for (const m of linter.verify(readFileSync(f, 'utf8'), config, { filename: f.slice(dir.length + 1) }))
      if (m.ruleId === 'n/no-sync') findings++;
  }
} else {
  console.error('usage: node bench/lsp/peer-cold.mjs ruff|eslint DIR');
  process.exit(2);
}
console.log(`${files.length} files, ${findings} findings`);
