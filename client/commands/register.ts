// Registration of every command in the table (command-table.ts), in one loop, each handler
// guarded the same way: a failure (a UserError, a runtime error) becomes one error message and
// a line in the extension host log, never an unhandled rejection, and the command answers undefined.
import * as vscode from 'vscode';
import { messageOf } from '../../protocol/errors';
import { COMMAND_NAMES, commandId, type CommandName } from './command-table';

/**
 * A command's body. VS Code passes whatever the caller gave (a tree node, a test's values, nothing),
 * so each handler declares the arguments it understands and checks them itself.
 */
export type CommandHandler = (...args: never[]) => unknown;
/** One handler per command in the table: a row without a handler, or a handler without a row, does not compile. */
export type CommandHandlers = Record<CommandName, CommandHandler>;

function guarded(name: CommandName, handler: CommandHandler): (...args: unknown[]) => Promise<unknown> {
  // The one widening: arguments arrive untyped from VS Code; the handler's own checks apply.
  const body = handler as (...args: unknown[]) => unknown;
  return async (...args) => {
    try {
      return await body(...args);
    } catch (err) {
      // Also in the extension host log, where scripted runs (and the e2e tests) can see it.
      console.warn(`OpenRTC command ${name} failed: ${messageOf(err)}`);
      void vscode.window.showErrorMessage(`OpenRTC: ${messageOf(err)}`);
      return undefined;
    }
  };
}

export function registerCommands(handlers: CommandHandlers): vscode.Disposable[] {
  return COMMAND_NAMES.map((name) => vscode.commands.registerCommand(commandId(name), guarded(name, handlers[name])));
}
