// Writes the generated parts of docs/rules/ from the rule tables (see rule-docs.ts), or with
// --check changes nothing and exits 1 naming each stale file, as ruff's
// `generate-all --mode check` does. Run: npx tsx scripts/generate-rule-docs.ts [--check] [--dir DIR]
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { catalogue } from '../server/lsp/front-ends';
import { RuleDocsError, planDocs } from './rule-docs';

const usage = 'usage: generate-rule-docs.ts [--check] [--dir DOCS_RULES_DIR]';

function parseArgs(argv: readonly string[]): { check: boolean; dir: string } {
  let check = false;
  let dir = path.join(__dirname, '..', 'docs', 'rules');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') check = true;
    else if (arg === '--dir' && argv[i + 1] !== undefined) dir = path.resolve(argv[++i] as string);
    else throw new RuleDocsError(`unknown argument ${JSON.stringify(arg)}; ${usage}`);
  }
  return { check, dir };
}

function main(): number {
  const { check, dir } = parseArgs(process.argv.slice(2));
  const read = (name: string): string | null => {
    const file = path.join(dir, name);
    return existsSync(file) ? readFileSync(file, 'utf8') : null;
  };
  const pages = readdirSync(dir).filter((name) => /^OR[A-Z]\d+\.md$/.test(name));
  const plan = planDocs(catalogue, read, pages);
  const stale = [...plan.files].filter(([name, text]) => read(name) !== text).map(([name]) => name);
  for (const orphan of plan.orphans) console.error(`docs/rules/${orphan}: no rule declares this code`);
  if (check) {
    for (const name of stale) console.error(`docs/rules/${name}: generated part is stale`);
    if (stale.length > 0) console.error('run `npx tsx scripts/generate-rule-docs.ts` and commit the result');
    return stale.length > 0 || plan.orphans.length > 0 ? 1 : 0;
  }
  for (const name of stale) {
    writeFileSync(path.join(dir, name), plan.files.get(name) as string);
    console.log(`wrote docs/rules/${name}`);
  }
  return plan.orphans.length > 0 ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (error) {
  if (!(error instanceof RuleDocsError)) throw error;
  console.error(error.message);
  process.exitCode = 2;
}
