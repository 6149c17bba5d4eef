/**
 * Test hooks run only in test runs (DEVELOPERS.md): VS Code starts the extension in ExtensionMode.Test when it runs
 * an extension test suite (the integration tests), never for a user. Everything test-only asks here.
 */
import * as vscode from 'vscode';

export function isTestRun(context: vscode.ExtensionContext): boolean {
  return context.extensionMode === vscode.ExtensionMode.Test;
}

/**
 * The argument a command may act on. From menus VS Code passes the clicked file's Uri; an arguments object (every
 * answer given, no QuickPick or dialog: ExportCommandArgs, QuantizeCommandArgs, InsertBoilerplateArgs) is taken only
 * in test runs, and otherwise ignored, so the command asks as it does from the palette.
 */
export function commandArgument(context: vscode.ExtensionContext, arg: unknown): unknown {
  if (arg === undefined || arg instanceof vscode.Uri || isTestRun(context)) return arg;
  return undefined;
}
