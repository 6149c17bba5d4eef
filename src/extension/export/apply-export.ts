/**
 * Applies an export plan as ONE WorkspaceEdit, so a single Undo reverts it: new files are `createFile` with their
 * contents (undo deletes them), our earlier files and build files are text edits over the whole document (undo
 * restores the previous text, which the user then saves). A model source too big to travel through the edit
 * (EDIT_MAX_BYTES) is written through the one safe write path (core/io/safe-write): staged to a temporary file first,
 * moved into place once the edit applied, removed if it did not; Undo leaves it (the preview says so). Everything is
 * checked against the disk and the run's inputs first: a file that appeared, lost our marker or changed since the
 * plan, a folder that cannot be written or a target that is the model itself stops the export with nothing changed.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { ExportConflictError, isGeneratedByUs, MARKER_SEARCH_CHARS } from '../../core/codegen';
import { type ExportPlan } from '../../core/firmware';
import { checkOutputs, planWrites, type StagedWrite } from '../../core/io/safe-write';
import { writeMethod, type WriteMethod } from './export-ui';

/** A build file changed between the preview and the apply, or has unsaved changes in an editor. */
export class StaleExportError extends Error {
  override readonly name = 'StaleExportError';
  constructor(readonly file: string) {
    super(`${file} changed since the export was previewed (or has unsaved changes): save it and run the export again. Nothing was changed.`);
  }
}

export interface AppliedFile {
  /** Plan path (relative to the export root). */
  path: string;
  method: WriteMethod | 'edit';
}

export interface ApplyOutcome {
  applied: boolean;
  files: AppliedFile[];
  /** Documents changed by text edits and saved afterwards. */
  saved: string[];
}

async function statSize(uri: vscode.Uri): Promise<number | undefined> {
  try {
    return (await vscode.workspace.fs.stat(uri)).size;
  } catch {
    return undefined;
  }
}

async function headOf(uri: vscode.Uri): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText(new vscode.Range(0, 0, 64, 0));
  const bytes = await vscode.workspace.fs.readFile(uri);
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, MARKER_SEARCH_CHARS)).toString('latin1');
}

function fullRange(doc: vscode.TextDocument): vscode.Range {
  return new vscode.Range(0, 0, doc.lineCount, 0);
}

/**
 * `overwriteConflicts`: the user agreed to overwrite the plan's conflict files. A file that became a conflict since
 * the plan was made always stops the export. `inputs`: the files the export reads (the model), never written.
 */
export async function applyExportPlan(
  plan: ExportPlan,
  rootUri: vscode.Uri,
  shown: (rel: string) => string,
  overwriteConflicts: boolean,
  inputs: readonly string[] = [],
): Promise<ApplyOutcome> {
  const uriOf = (rel: string): vscode.Uri => vscode.Uri.joinPath(rootUri, ...rel.split('/'));
  const writeOptions = { inputs, shown: (abs: string) => shown(path.relative(rootUri.fsPath, abs).split(path.sep).join('/')) };
  await checkOutputs([...plan.files.map((f) => f.path), ...plan.edits.map((e) => e.path)].map((rel) => ({ path: uriOf(rel).fsPath, existing: 'replace' as const })), writeOptions);

  const edit = new vscode.WorkspaceEdit();
  const files: AppliedFile[] = [];
  const textEdited: vscode.Uri[] = [];
  const newConflicts: string[] = [];
  const direct: { target: string; contents: Uint8Array }[] = [];
  for (const f of plan.files) {
    const uri = uriOf(f.path);
    const size = await statSize(uri);
    if (size !== undefined) {
      const ours = isGeneratedByUs(await headOf(uri));
      if (!ours && !(f.kind === 'conflict' && overwriteConflicts)) {
        newConflicts.push(shown(f.path));
        continue;
      }
    }
    const method = writeMethod(f.contents.length, size);
    if (method === 'create') {
      edit.createFile(uri, { contents: f.contents, overwrite: false });
    } else if (method === 'replace') {
      const doc = await vscode.workspace.openTextDocument(uri);
      edit.replace(uri, fullRange(doc), Buffer.from(f.contents.buffer, f.contents.byteOffset, f.contents.length).toString('utf8'));
      textEdited.push(uri);
    } else {
      direct.push({ target: uri.fsPath, contents: f.contents });
    }
    files.push({ path: f.path, method });
  }
  if (newConflicts.length) throw new ExportConflictError(newConflicts);

  for (const e of plan.edits) {
    const uri = uriOf(e.path);
    const exists = (await statSize(uri)) !== undefined;
    if (e.oldContents === undefined) {
      if (exists) throw new StaleExportError(shown(e.path));
      edit.createFile(uri, { contents: Buffer.from(e.newContents, 'utf8'), overwrite: false });
    } else {
      if (!exists) throw new StaleExportError(shown(e.path));
      const doc = await vscode.workspace.openTextDocument(uri);
      // Line endings: the plan was made from the file on disk; the document may normalize them.
      if (doc.getText().replace(/\r\n/g, '\n') !== e.oldContents.replace(/\r\n/g, '\n')) throw new StaleExportError(shown(e.path));
      const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
      edit.replace(uri, fullRange(doc), e.newContents.replace(/\r?\n/g, eol));
      textEdited.push(uri);
    }
    files.push({ path: e.path, method: 'edit' });
  }

  // Big files first to temporaries (async writes: the event loop keeps running), so a full disk fails before the
  // edit is applied; moved into place only after it applied.
  let staged: StagedWrite | undefined;
  if (direct.length) {
    const planned = await planWrites(direct.map((d) => ({ path: d.target, contents: d.contents, existing: 'replace' as const })), writeOptions);
    staged = await planned.stage();
  }
  // (WorkspaceEdit.size counts text edits only, so count what was added here.)
  let applied = false;
  try {
    applied = files.length === direct.length ? true : await vscode.workspace.applyEdit(edit, { isRefactoring: true });
  } finally {
    if (!applied) await staged?.abort();
  }
  if (!applied) return { applied, files, saved: [] };
  await staged?.commit();
  const saved: string[] = [];
  // Text edits leave documents unsaved; the export is meant to be on disk.
  for (const uri of textEdited) {
    if (await vscode.workspace.save(uri)) saved.push(uri.toString());
  }
  return { applied, files, saved };
}
