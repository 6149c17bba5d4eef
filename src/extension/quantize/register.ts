/**
 * Registers `tinyml.quantizeModel` and the read-only report documents. Nothing heavy is loaded here: the command
 * module (and, through the worker, the quantizer and LiteRT) is required on first use.
 */
import * as vscode from 'vscode';
import { commandArgument } from '../common/test-mode';
import { REPORT_SCHEME, ReportDocuments } from './report-document';
import type { QuantizeCommand } from './quantize-command';

export function registerQuantizeCommand(context: vscode.ExtensionContext): void {
  const reports = new ReportDocuments();
  let command: QuantizeCommand | undefined;
  context.subscriptions.push(
    reports,
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports),
    vscode.commands.registerCommand('tinyml.quantizeModel', (arg?: unknown) => {
      const { QuantizeCommand: Command } = require('./quantize-command') as typeof import('./quantize-command');
      command ??= new Command(reports);
      return command.run(commandArgument(context, arg));
    }),
  );
}
