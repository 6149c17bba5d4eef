/**
 * Registers the export commands. The command modules (and the core they use) are loaded on first use, so activation
 * does not pay for them.
 */
import * as vscode from 'vscode';
import { commandArgument } from '../common/test-mode';

export function registerExportCommands(context: vscode.ExtensionContext): void {
  // The full preview's read-only documents, registered with the export module (not at activation).
  let previewsRegistered = false;
  context.subscriptions.push(
    vscode.commands.registerCommand('tinyml.exportModel', async (arg?: unknown) => {
      const { exportModel, EXPORT_PREVIEW_SCHEME, previewDocuments } = await import('./export-command');
      if (!previewsRegistered) {
        previewsRegistered = true;
        context.subscriptions.push(previewDocuments, vscode.workspace.registerTextDocumentContentProvider(EXPORT_PREVIEW_SCHEME, previewDocuments));
      }
      return exportModel(commandArgument(context, arg) as Parameters<typeof exportModel>[0], context.workspaceState);
    }),
    vscode.commands.registerCommand('tinyml.insertBoilerplate', async (arg?: unknown) => {
      const { insertBoilerplate } = await import('./insert-boilerplate');
      return insertBoilerplate(commandArgument(context, arg) as Parameters<typeof insertBoilerplate>[0]);
    }),
    vscode.commands.registerCommand('tinyml.insertModelCalls', async (arg?: unknown) => {
      const { insertModelCalls } = await import('./insert-model-calls');
      return insertModelCalls(commandArgument(context, arg) as Parameters<typeof insertModelCalls>[0]);
    }),
  );
}
