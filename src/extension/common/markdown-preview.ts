/** Shows a Markdown document in VS Code's preview, or as text when the built-in Markdown extension is absent or disabled. */
import * as vscode from 'vscode';

export async function showMarkdown(uri: vscode.Uri, options: { beside: boolean }): Promise<'preview' | 'text'> {
  try {
    // Runs (and activates) the built-in Markdown extension; it throws when that extension is absent or disabled.
    await vscode.commands.executeCommand(options.beside ? 'markdown.showPreviewToSide' : 'markdown.showPreview', uri);
    return 'preview';
  } catch {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { ...(options.beside ? { viewColumn: vscode.ViewColumn.Beside } : {}), preview: !options.beside });
    return 'text';
  }
}
