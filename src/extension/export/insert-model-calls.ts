/**
 * `TinyML: Call the Model from setup()/loop() or main()`: in the active C/C++ editor, inserts the exported runner's
 * `model_setup()` (or `model_setup_with_arena(their_arena, ...)` when the file already declares a tensor arena, with
 * the user's consent: one arena) and `model_invoke()` where the program starts and repeats. The edits are computed
 * in core/firmware/runner-calls.ts; here they are asked about (modal) and applied as one WorkspaceEdit (one Undo).
 * Reusing the user's arena also sets the runner header's `<PREFIX>_EXTERNAL_ARENA` to 1, so that the runner
 * declares no arena of its own.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { compilePatterns, DEFAULT_ARENA_CONSTANT_PATTERNS } from '../../core/firmware/arena-constants';
import { findProjectArena, planRunnerCalls, type RunnerCallsPlan } from '../../core/firmware/runner-calls';
import type { ProjectType } from '../../core/firmware/project-detect';
import { isGeneratedByUs } from '../../core/codegen/marker';
import { readSettings } from '../common/settings';
import { C_LANGUAGES } from './insert-boilerplate';
import { runnerHeadersOfProject } from './export-ui';
import { runInWorker } from './worker-client';

/** Our exported runner headers (by the marker) of `file`'s project, the nearest to it (export-ui.ts's rule). */
async function nearestRunnerHeaders(file: string): Promise<{ uri: vscode.Uri; fsPath: string; prefix: string; doc: vscode.TextDocument }[]> {
  const found = await vscode.workspace.findFiles('**/*_runner.h', '{**/node_modules/**,**/.pio/**,**/build/**}', 50);
  const ours: { uri: vscode.Uri; fsPath: string; prefix: string; doc: vscode.TextDocument }[] = [];
  for (const uri of found) {
    const doc = await vscode.workspace.openTextDocument(uri);
    if (isGeneratedByUs(doc.getText())) ours.push({ uri, fsPath: uri.fsPath, prefix: path.basename(uri.fsPath).replace(/_runner\.h$/, ''), doc });
  }
  if (!ours.length) return [];
  // The projects come from the export worker's detection (a walk of the workspace: never on the extension host).
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const targets = folders.length ? await runInWorker({ kind: 'detect', folders }) : [];
  return runnerHeadersOfProject(file, targets, ours);
}

export interface InsertModelCallsArgs {
  /** Test runs only: the answer to the consent question ('reuse' the file's arena, the runner's 'own', or 'cancel'). */
  answer?: 'reuse' | 'own' | 'cancel';
  /** Prefix of the exported runner (default: that of our runner header nearest to the file, else `model`). */
  prefix?: string;
}

export interface InsertModelCallsResult {
  inserted: boolean;
  reason?: string;
  description?: string;
  reusesArena?: boolean;
  /** The runner header whose <PREFIX>_EXTERNAL_ARENA was set to 1. */
  runnerHeader?: string;
}

/** The entry-point kinds to try: setup()/loop(), app_main, main (the patterns per project type are in core). */
const KINDS: readonly ProjectType[] = ['arduino', 'esp-idf', 'folder'];

function plan(text: string, prefix: string, arena: ReturnType<typeof findProjectArena>): RunnerCallsPlan | undefined {
  for (const kind of KINDS) {
    const p = planRunnerCalls(text, kind, { prefix, runnerHeader: `${prefix}_runner.h`, arena });
    if (p) return p;
  }
  return undefined;
}

export async function insertModelCalls(arg?: InsertModelCallsArgs): Promise<InsertModelCallsResult> {
  const args = arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? arg : undefined;
  const editor = vscode.window.activeTextEditor;
  if (!editor || !C_LANGUAGES.has(editor.document.languageId)) {
    void vscode.window.showErrorMessage('TinyML: open the C or C++ file with setup()/loop(), app_main() or main().');
    return { inserted: false, reason: 'no C/C++ editor' };
  }
  const doc = editor.document;
  // Export names the runner after the model array (`g_kws` → kws_runner.h, kws_setup()): the header tells the prefix.
  const headers = await nearestRunnerHeaders(doc.uri.fsPath);
  const prefix = args?.prefix ?? (headers.length === 1 ? headers[0]!.prefix : 'model');
  const text = doc.getText();
  const patterns = compilePatterns(readSettings(doc.uri).constantPatterns ?? [...DEFAULT_ARENA_CONSTANT_PATTERNS]).regexes;
  const arena = findProjectArena(text, patterns);
  const withArena = arena ? plan(text, prefix, arena) : undefined;
  const withOwn = plan(text, prefix, undefined);
  if (!withOwn) {
    const reason = text.includes(`${prefix}_setup`) ? `this file already calls ${prefix}_setup()` : 'no setup()/loop(), app_main() or main() in this file';
    void vscode.window.showInformationMessage(`TinyML: ${reason}.`);
    return { inserted: false, reason };
  }

  let choice: 'reuse' | 'own' | 'cancel';
  if (args?.answer) {
    choice = args.answer;
  } else if (arena && withArena) {
    const reuse = `Use ${arena.name}`;
    const picked = await vscode.window.showWarningMessage(
      `This file declares ${arena.name}. Let the model use it, so that there is one arena?`,
      {
        modal: true,
        detail: `"${reuse}": ${withArena.description}; the runner then declares no arena of its own (${prefix.toUpperCase()}_EXTERNAL_ARENA 1), ` +
          `and ${arena.name} must hold at least ${prefix.toUpperCase()}_TENSOR_ARENA_MIN_SIZE bytes (the hover on it tells). ` +
          `"Runner's arena": ${withOwn.description}, with the runner's own arena. Undo reverts either.`,
      },
      reuse, "Runner's arena",
    );
    choice = picked === reuse ? 'reuse' : picked ? 'own' : 'cancel';
  } else {
    const picked = await vscode.window.showInformationMessage(
      `Insert the model calls: ${withOwn.description}?`, { modal: true, detail: 'Undo reverts it.' }, 'Insert',
    );
    choice = picked ? 'own' : 'cancel';
  }
  if (choice === 'cancel') return { inserted: false, reason: 'cancelled' };
  const chosen = choice === 'reuse' && withArena ? withArena : withOwn;

  const edit = new vscode.WorkspaceEdit();
  for (const ins of chosen.insertions) edit.insert(doc.uri, doc.positionAt(ins.offset), ins.text);
  let runnerHeader: string | undefined;
  if (chosen.reusesArena) {
    // The exported runner header (ours, by its marker) stops declaring an arena of its own.
    const define = `#define ${prefix.toUpperCase()}_EXTERNAL_ARENA 0`;
    // Only the runner of this file's project: the nearest of our headers in its project, never another project's export.
    for (const { uri, prefix: p, doc: header } of headers) {
      const at = header.getText().indexOf(define);
      if (p !== prefix || at < 0) continue;
      edit.replace(uri, new vscode.Range(header.positionAt(at), header.positionAt(at + define.length)), define.replace(/0$/, '1'));
      runnerHeader = vscode.workspace.asRelativePath(uri, false);
    }
    if (!runnerHeader) {
      // Without the header switched, the runner would declare its own arena beside the user's: two arenas.
      const reason = `no exported ${prefix}_runner.h near this file declares ${define}: export the model first (TinyML: Export Model to C Array)`;
      void vscode.window.showErrorMessage(`TinyML: ${reason}. Nothing was changed.`);
      return { inserted: false, reason };
    }
  }
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage('TinyML: the edit could not be applied (the file changed meanwhile); try again.');
    return { inserted: false, reason: 'edit refused' };
  }
  return { inserted: true, description: chosen.description, reusesArena: chosen.reusesArena, ...(runnerHeader ? { runnerHeader } : {}) };
}
