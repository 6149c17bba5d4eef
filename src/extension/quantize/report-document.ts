/** Shows a quantization report (the `<name>.report.md` saved beside the model) in the Markdown preview beside the active editor. */
import type * as vscode from 'vscode';
import { showMarkdown } from '../common/markdown-preview';

/** Beside the active editor; the Markdown source when the built-in Markdown extension is absent or disabled. */
export function showReport(uri: vscode.Uri): Promise<'preview' | 'text'> {
  return showMarkdown(uri, { beside: true });
}
