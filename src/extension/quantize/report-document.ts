/**
 * Quantization reports as read-only virtual Markdown documents (`tinyml-quantize-report:` URIs), opened in the
 * Markdown preview beside the inspector. Nothing is written to the workspace for them.
 */
import path from 'node:path';
import * as vscode from 'vscode';

export const REPORT_SCHEME = 'tinyml-quantize-report';
/** Reports kept for reopening (Show Report); older ones are dropped. */
const KEPT = 20;

export class ReportDocuments implements vscode.TextDocumentContentProvider {
  private readonly reports = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private count = 0;

  /** Stores a report and returns its URI (a new one per run, so an open preview of an older run stays as it was). */
  add(outputFile: string, markdown: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${path.basename(outputFile)} report.md`, query: `run=${++this.count}` });
    this.reports.set(uri.toString(), markdown);
    while (this.reports.size > KEPT) this.reports.delete(this.reports.keys().next().value!);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.reports.get(uri.toString()) ?? '# Quantization report\n\nThis report is no longer available: quantize the model again to see it.\n';
  }

  dispose(): void {
    this.changed.dispose();
    this.reports.clear();
  }
}

/** Shows the report in the Markdown preview beside the active editor; falls back to the Markdown source. */
export async function showReport(uri: vscode.Uri): Promise<'preview' | 'text'> {
  try {
    // Runs (and activates) the built-in Markdown extension; it throws when that extension is absent or disabled.
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
    return 'preview';
  } catch {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(await vscode.languages.setTextDocumentLanguage(doc, 'markdown'), { viewColumn: vscode.ViewColumn.Beside, preview: false });
    return 'text';
  }
}
