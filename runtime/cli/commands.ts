// The `openrtc` command table. A new command is one module exporting a Command, listed here.
import type { Command } from './command';
import { callCommand } from './cmd-call';
import { checkCommand } from './cmd-check';
import { drainCommand } from './cmd-drain';
import { logsCommand } from './cmd-logs';
import { runCommand } from './cmd-run';
import { snapshotCommand } from './cmd-snapshot';
import { tenantCommand } from './cmd-tenant';
import { topCommand } from './top';

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
