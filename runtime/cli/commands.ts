// The `openrtc` command table. A new command is one module exporting a Command, listed here.
import type { Command } from './command.js';
import { callCommand } from './cmd-call.js';
import { drainCommand } from './cmd-drain.js';
import { logsCommand } from './cmd-logs.js';
import { runCommand } from './cmd-run.js';
import { snapshotCommand } from './cmd-snapshot.js';
import { tenantCommand } from './cmd-tenant.js';
import { topCommand } from './top.js';

export const commands: Command[] = [runCommand, topCommand, callCommand, snapshotCommand, logsCommand, tenantCommand, drainCommand];
