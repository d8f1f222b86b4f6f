// `openrtc check [PATHS...]`: the language server's analysis, headless, for CI and pre-commit.
// The analysis lives in server/, which the CLI may not import: it is its own bundle
// (dist/check.js, beside dist/cli.js), loaded here at run time.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { CHECK_BUNDLE, type CheckEntry } from '../../protocol/check-entry';
import { CliError, EXIT_USAGE, type Command } from './command';

function loadCheck(): CheckEntry {
  const bundle = path.join(__dirname, CHECK_BUNDLE);
  if (!existsSync(bundle)) throw new CliError(EXIT_USAGE, `${bundle} is missing: build it with npm run build`);
  // A run-time path, which the bundler must leave alone (it would inline a plain require).
  const loaded = createRequire(__filename)(bundle) as Partial<CheckEntry>;
  if (typeof loaded.runCheck !== 'function') throw new CliError(EXIT_USAGE, `${bundle} has no runCheck export`);
  return loaded as CheckEntry;
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'report blocking calls in agent code (CI, pre-commit); text, json, sarif or github output',
  run: (argv, io) =>
    loadCheck().runCheck(argv, {
      out: (text) => io.out(text),
      outBytes: (bytes) => io.outBytes(bytes),
      err: (text) => io.err(text),
      cwd: io.cwd,
    }),
};
