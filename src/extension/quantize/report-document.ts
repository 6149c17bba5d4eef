/** Shows a quantization report (the `<name>.report.md` saved beside the model) in the Markdown preview beside the active editor. */
import * as vscode from 'vscode';

/** Falls back to the Markdown source when the built-in Markdown extension is absent or disabled. */
export async function showReport(uri: vscode.Uri): Promise<'preview' | 'text'> {
  try {
    // Runs (and activates) the built-in Markdown extension; it throws when that extension is absent or disabled.
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
    return 'preview';
  } catch {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    return 'text';
  }
}
