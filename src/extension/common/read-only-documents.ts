/**
 * Read-only virtual documents (a URI scheme of our own, served from memory): previews that are never saved and never
 * dirty, so closing them asks nothing (an Untitled document would ask to be saved). Used for the export's full preview.
 */
import * as vscode from 'vscode';

/** Documents kept for reopening; older ones are dropped. */
const KEPT = 20;

export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private count = 0;

  constructor(readonly scheme: string, private readonly gone: string) {}

  /** Stores a text and returns its URI: a new one per call, so an open older one stays as it was. `name` ends the path (its extension picks the language). */
  add(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: this.scheme, path: `/${name}`, query: `n=${++this.count}` });
    this.texts.set(uri.toString(), text);
    while (this.texts.size > KEPT) this.texts.delete(this.texts.keys().next().value!);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? this.gone;
  }

  dispose(): void {
    this.texts.clear();
  }
}
