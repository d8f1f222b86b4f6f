// The `openrtc` command table. A new command is one module exporting a Command, listed here.
// Bundled on its own (dist/cli-commands.js, loaded by main.ts when a command other than `check`
// runs): it holds every command's code, and `openrtc check` in CI or pre-commit needs none of it.
import type { Command } from './command';
import { callCommand } from './cmd-call';
import { checkCommand } from './cmd-check';
import { drainCommand } from './cmd-drain';
import { logsCommand } from './cmd-logs';
import { runCommand } from './cmd-run';
import { snapshotCommand } from './cmd-snapshot';
import { tenantCommand } from './cmd-tenant';
import { topCommand } from './top';

export { RUNTIME_VERSION } from '../runtime';

export const commands: Command[] = [
  runCommand,
  topCommand,
  callCommand,
  snapshotCommand,
  logsCommand,
  tenantCommand,
  drainCommand,
  checkCommand,
];
