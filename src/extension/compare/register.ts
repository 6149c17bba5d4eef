/**
 * Registers TinyML: Compare Models…. The command module (the page, the worker client) is loaded on first use, so
 * activation does not pay for it.
 */
import * as vscode from 'vscode';

export function registerCompareCommand(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('tinyml.compareModels', async (arg?: unknown) => {
    const { compareModels } = await import('./compare-command');
    return compareModels(context, arg);
  }));
}
