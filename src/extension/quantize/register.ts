/**
 * Registers `tinyml.quantizeModel`. Nothing heavy is loaded here: the command module (and, through the worker, the
 * quantizer and LiteRT) is required on first use.
 */
import * as vscode from 'vscode';
import { commandArgument } from '../common/test-mode';
import type { QuantizeCommand } from './quantize-command';

export function registerQuantizeCommand(context: vscode.ExtensionContext): void {
  let command: QuantizeCommand | undefined;
  context.subscriptions.push(
    vscode.commands.registerCommand('tinyml.quantizeModel', (arg?: unknown) => {
      const { QuantizeCommand: Command } = require('./quantize-command') as typeof import('./quantize-command');
      command ??= new Command(context.workspaceState);
      return command.run(commandArgument(context, arg));
    }),
  );
}
