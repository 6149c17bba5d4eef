/**
 * `TinyML: Insert TFLite Micro Boilerplate`: inserts the model runner at the cursor of the active C/C++ editor, as
 * one edit (one Undo). The model is the one passed, else the one exported in this workspace (found through the
 * provenance comment of its data header), else picked. In C files it inserts the calls to the exported runner,
 * since TFLite Micro itself is C++.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { parseModelMarker } from '../../core/codegen/marker';
import { modelFileBase } from '../../core/codegen';
import { DEFAULT_EXPORT_SYMBOL, exportedModelFromHeader, insertionText, type ExportedModel } from './export-ui';
import { pickModel } from '../common/pick-model';
import { workspaceDisplayPath } from './display-path';
import { withAbort } from '../common/cancellation';
import { logError } from '../common/log';
import { readSettings } from '../common/settings';
import { WorkerCancelled } from '../common/worker-errors';
import { runInWorker } from './worker-client';

export interface InsertBoilerplateArgs {
  /** The model; default: the exported one, else asked. */
  model?: vscode.Uri | string;
}

export interface InsertBoilerplateResult {
  inserted: boolean;
  reason?: string;
  model?: string;
  /** Where the text went (line, character) and how long it is. */
  at?: { line: number; character: number };
  length?: number;
}

/** The editor languages of C and C++ sources (Arduino sketches included). */
export const C_LANGUAGES: ReadonlySet<string> = new Set(['c', 'cpp', 'arduino', 'cuda-cpp', 'objective-cpp']);

interface FoundExport extends ExportedModel {
  uri: vscode.Uri;
}

/** Models exported in the workspace: data headers that carry our provenance comment and whose model still exists. */
async function exportedModels(): Promise<FoundExport[]> {
  const headers = await vscode.workspace.findFiles('**/*_data.h', '{**/node_modules/**,**/.git/**,**/.pio/**,**/build/**}', 50);
  const found: FoundExport[] = [];
  for (const h of headers) {
    const bytes = await vscode.workspace.fs.readFile(h);
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 8192)).toString('utf8');
    const exp = exportedModelFromHeader(path.basename(h.fsPath), text, parseModelMarker(text)?.modelPath);
    if (!exp) continue;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      // Multi-root paths start with the folder name.
      const rel = exp.modelPath.startsWith(`${folder.name}/`) && (vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? exp.modelPath.slice(folder.name.length + 1) : exp.modelPath;
      const uri = vscode.Uri.joinPath(folder.uri, ...rel.split('/'));
      try {
        await vscode.workspace.fs.stat(uri);
        if (!found.some((f) => f.uri.toString() === uri.toString())) found.push({ ...exp, uri });
        break;
      } catch {
        // not in this folder
      }
    }
  }
  return found;
}

async function chooseModel(args: InsertBoilerplateArgs | undefined): Promise<{ uri: vscode.Uri; exp?: ExportedModel } | undefined> {
  const exported = await exportedModels();
  if (args?.model) {
    const uri = typeof args.model === 'string' ? vscode.Uri.file(args.model) : args.model;
    return { uri, exp: exported.find((e) => e.uri.toString() === uri.toString()) };
  }
  if (exported.length === 1) return { uri: exported[0]!.uri, exp: exported[0] };
  if (exported.length > 1) {
    const picked = await vscode.window.showQuickPick(
      exported.map((e) => ({ label: `$(file-binary) ${path.basename(e.uri.fsPath)}`, description: `exported as ${e.symbol} (${e.dataHeader})`, e })),
      { title: 'Insert TFLite Micro boilerplate: which exported model?' },
    );
    return picked ? { uri: picked.e.uri, exp: picked.e } : undefined;
  }
  const uri = await pickModel({ title: 'Insert TFLite Micro boilerplate for', openLabel: 'Use Model' });
  return uri ? { uri } : undefined;
}

export async function insertBoilerplate(arg?: InsertBoilerplateArgs): Promise<InsertBoilerplateResult> {
  const args = arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? arg : undefined;
  const editor = vscode.window.activeTextEditor;
  if (!editor || !C_LANGUAGES.has(editor.document.languageId)) {
    void vscode.window.showErrorMessage('TinyML: open a C or C++ file and place the cursor where the TFLite Micro code should go.');
    return { inserted: false, reason: 'no C/C++ editor' };
  }
  try {
    const chosen = await chooseModel(args);
    if (!chosen) return { inserted: false, reason: 'cancelled' };
    if (chosen.uri.scheme !== 'file') throw new Error(`${chosen.uri.toString()} is not on disk.`);
    const symbol = chosen.exp?.symbol ?? DEFAULT_EXPORT_SYMBOL;
    const dataHeader = chosen.exp?.dataHeader ?? `${modelFileBase(symbol)}_data.h`;
    const folder = vscode.workspace.getWorkspaceFolder(editor.document.uri) ?? vscode.workspace.workspaceFolders?.[0];
    const { target, marginPercent, kernels, isa } = readSettings(editor.document.uri).arena;
    const modelPath = workspaceDisplayPath(chosen.uri, folder?.uri.fsPath ?? path.dirname(editor.document.uri.fsPath));
    const runner = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `TinyML: sizing the runner for ${path.basename(chosen.uri.fsPath)}`, cancellable: true },
      (_p, token) => withAbort([token], (signal) => runInWorker({
        kind: 'runner',
        modelFsPath: chosen.uri.fsPath,
        modelDisplayPath: modelPath,
        symbol,
        dataHeader,
        arduinoLibraryHeader: editor.document.languageId === 'arduino' || editor.document.fileName.endsWith('.ino') ? 'TensorFlowLite.h' : undefined,
        target,
        kernels: { kernels, isa },
        marginPercent,
      }, signal)),
    );
    const lang = editor.document.languageId === 'c' ? 'c' : 'cpp';
    const text = insertionText(runner, lang, { symbol, dataHeader, modelPath, exported: !!chosen.exp });
    const at = editor.selection.active;
    const ok = await editor.edit((b) => b.replace(editor.selection, text));
    if (!ok) throw new Error('the editor refused the edit (the document changed meanwhile); try again.');
    if (runner.notes.length) void vscode.window.showWarningMessage(`TinyML: ${runner.notes.join(' ')}`);
    if (lang === 'c') void vscode.window.showInformationMessage(`TinyML: TFLite Micro is C++, so this C file gets the calls to ${modelFileBase(symbol)}_runner.h; export the model with the runner to create it.`);
    return { inserted: true, model: chosen.uri.fsPath, at: { line: at.line, character: at.character }, length: text.length };
  } catch (e) {
    if (e instanceof WorkerCancelled) return { inserted: false, reason: 'cancelled' };
    const message = e instanceof Error ? e.message : String(e);
    logError('insert boilerplate', e);
    void vscode.window.showErrorMessage(`TinyML: ${message}`);
    return { inserted: false, reason: message };
  }
}
