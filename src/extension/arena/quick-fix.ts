/** Quick fix for an arena constant that is too small (or far too large): set it to the recommended size. */
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE, type ArenaDiagnostics } from './diagnostics';

export class ArenaQuickFixProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly diagnostics: ArenaDiagnostics) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const stored = this.diagnostics.fixesFor(doc.uri).filter((s) => s.version === doc.version);
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      const s = stored.find((f) => f.range.isEqual(d.range) && f.code === (typeof d.code === 'object' ? d.code.value : d.code));
      if (!s) continue;
      const action = new vscode.CodeAction(s.fix.title, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(doc.uri, new vscode.Range(doc.positionAt(s.fix.offset), doc.positionAt(s.fix.offset + s.fix.length)), s.fix.text);
      action.diagnostics = [d];
      action.isPreferred = s.code === 'arena-too-small';
      actions.push(action);
    }
    return actions;
  }
}
