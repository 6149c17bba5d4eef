/**
 * Arena diagnostics of open C/C++ documents: a warning on an arena constant smaller than the model needs, a hint on
 * one more than twice as large, and the model's TFLite Micro problems on its array symbol. Updated on open and save,
 * and on edits after a pause; the quick fixes found with them are kept for the code action provider.
 */
import * as vscode from 'vscode';
import { MARKER_HEAD_CHARS } from '../../core/codegen/marker';
import { logError } from '../common/log';
import type { ArenaFinding, ArenaFix } from '../../core/firmware/arena-check';
import type { ArenaService } from './arena-service';
import { isArenaDocument } from './selector';

export const DIAGNOSTIC_SOURCE = 'TinyML';
/** Pause after the last edit before the document is checked again. */
const EDIT_DEBOUNCE_MS = 400;

export interface StoredFix {
  range: vscode.Range;
  code: string;
  version: number;
  fix: ArenaFix;
}

const SEVERITY: Record<ArenaFinding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

export class ArenaDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('tinyml-arena');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly fixes = new Map<string, StoredFix[]>();
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private readonly updated = new vscode.EventEmitter<vscode.Uri>();
  /** Fires after a document's diagnostics were set (tests wait on it). */
  readonly onDidUpdate = this.updated.event;
  private serviceHooked = false;

  constructor(private readonly service: () => ArenaService) {
    this.disposables.push(
      this.updated,
      vscode.workspace.onDidOpenTextDocument((doc) => this.schedule(doc, 0)),
      vscode.workspace.onDidSaveTextDocument((doc) => this.schedule(doc, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, EDIT_DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.clear(doc.uri)),
    );
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
  }

  /** Quick fixes for the diagnostics currently shown in a document. */
  fixesFor(uri: vscode.Uri): readonly StoredFix[] {
    return this.fixes.get(uri.toString()) ?? [];
  }

  /** Checks a document now (what the timers call); resolves when its diagnostics are set. */
  async update(doc: vscode.TextDocument): Promise<void> {
    if (!isArenaDocument(doc) || doc.isClosed) return;
    const service = this.service();
    this.hookService(service);
    const version = doc.version;
    const info = service.documentInfo(doc);
    if (info.constants.length === 0 && info.modelNames.length === 0) {
      this.set(doc, [], []);
      return;
    }
    const analysis = await service.analyze(doc);
    if (doc.isClosed || doc.version !== version) return; // a newer version is scheduled
    const { arenaFindings } = require('../../core/firmware/arena-check') as typeof import('../../core/firmware/arena-check');
    // The marker's window only: a generated model source can be 170 MB.
    const head = doc.getText(new vscode.Range(new vscode.Position(0, 0), doc.positionAt(MARKER_HEAD_CHARS)));
    const findings = arenaFindings(info.constants, info.symbols, analysis, head);
    const diagnostics: vscode.Diagnostic[] = [];
    const fixes: StoredFix[] = [];
    for (const f of findings) {
      const range = new vscode.Range(doc.positionAt(f.offset), doc.positionAt(f.offset + f.length));
      const d = new vscode.Diagnostic(range, f.message, SEVERITY[f.severity]);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = f.code;
      diagnostics.push(d);
      if (f.fix) fixes.push({ range, code: f.code, version, fix: f.fix });
    }
    this.set(doc, diagnostics, fixes);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }

  private hookService(service: ArenaService): void {
    if (this.serviceHooked) return;
    this.serviceHooked = true;
    // A model or setting changed: every open document is checked again.
    this.disposables.push(service.onDidChange(() => {
      for (const doc of vscode.workspace.textDocuments) this.schedule(doc, EDIT_DEBOUNCE_MS);
    }));
  }

  private schedule(doc: vscode.TextDocument, delayMs: number): void {
    if (!isArenaDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.update(doc).catch((err: unknown) => logError(`arena diagnostics for ${doc.uri.toString()}`, err));
    }, delayMs));
  }

  private set(doc: vscode.TextDocument, diagnostics: vscode.Diagnostic[], fixes: StoredFix[]): void {
    this.collection.set(doc.uri, diagnostics);
    this.fixes.set(doc.uri.toString(), fixes);
    this.updated.fire(doc.uri);
  }

  private clear(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.collection.delete(uri);
    this.fixes.delete(key);
  }
}
