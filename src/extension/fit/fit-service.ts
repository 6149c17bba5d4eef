/**
 * The board the editor fits models to, and the fits themselves, shared by the status-bar item, the inspector's Fit
 * section and the arena hover. The board comes from `tinyml.fit.board` (which the status-bar QuickPick sets for the
 * workspace), else from the workspace's project files (core/fit/choose-board.ts, the same rule as `tinyml fit`); the
 * catalog is the built-in one plus `tinyml.fit.boardsFile` (the parser `tinyml fit --boards-file` uses). Loaded on
 * first use, never at activation; the fit engine itself (arena, latency) only when a fit is asked for.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { BoardFileError, builtinCatalog, mergeUserBoards, type BoardCatalog } from '../../core/fit/board-catalog';
import type { Board } from '../../core/fit/boards';
import { BoardChoiceError, chooseBoard, describeDetected } from '../../core/fit/choose-board';
import type { FitBoardOrigin, FitResult } from '../../core/fit/fit-view';
import type { Model } from '../../core/tflite';
import { readSettings, type FitSettings } from '../common/settings';
import { computeFit, type FitInputs, type FitJob, type FitJobResult } from './fit-job';

export type BoardState =
  | { ok: true; board: Board; origin: FitBoardOrigin; catalog: BoardCatalog; settings: FitSettings }
  | { ok: false; reason: string; catalog?: BoardCatalog; settings: FitSettings };

/** Project files that name a board (board-detect.ts): a change re-detects it. */
const PROJECT_FILES = '{platformio.ini,sketch.yaml,sketch.yml,sdkconfig,sdkconfig.defaults,CMakeLists.txt,.vscode/arduino.json,.west/config,build/CMakeCache.txt}';

export class FitService implements vscode.Disposable {
  private state?: BoardState;
  /** Watches the boards file of the current state: editing it re-reads the catalog. */
  private boardsFileWatcher?: vscode.Disposable;
  private fits = new WeakMap<Model, Map<string, FitResult | Promise<FitResult>>>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** Fires when the board, the catalog or the kernel setting may have changed: fits must be redone. */
  readonly onDidChange = this.changed.event;

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${PROJECT_FILES}`);
    const reset = () => this.reset();
    this.disposables.push(
      watcher, watcher.onDidChange(reset), watcher.onDidCreate(reset), watcher.onDidDelete(reset),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tinyml.fit')) this.reset();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(reset),
    );
  }

  /** The workspace folder fits are for: the first one on disk. */
  folder(): vscode.WorkspaceFolder | undefined {
    return (vscode.workspace.workspaceFolders ?? []).find((f) => f.uri.scheme === 'file');
  }

  boardState(): BoardState {
    this.state ??= this.computeState();
    return this.state;
  }

  /** The fit of `model` on the current board, once per model, board and kernel setting; on this thread. */
  fitFor(model: Model, modelBytes: number): FitResult {
    const state = this.boardState();
    if (!state.ok) return { ok: false, reason: state.reason };
    const { cache, key } = this.slot(state, model, modelBytes);
    const known = cache.get(key);
    if (known && !(known instanceof Promise)) return known;
    const result = computeFit(model, modelBytes, fitInputs(state));
    cache.set(key, result);
    return result;
  }

  /**
   * The same fit computed in the inspector worker from the file (`model` is the same file, parsed, for the cache):
   * the suggestions estimate every board of the catalog, seconds for a big model. On this thread if the worker fails.
   * Callers asking at once (hovers, the inspector) share one run.
   */
  fitForFile(file: string, model: Model, modelBytes: number): Promise<FitResult> {
    const state = this.boardState();
    if (!state.ok) return Promise.resolve({ ok: false, reason: state.reason });
    const { cache, key } = this.slot(state, model, modelBytes);
    const known = cache.get(key);
    if (known) return Promise.resolve(known);
    const running = (async (): Promise<FitResult> => {
      try {
        const { runWorkerJob } = require('../common/worker-rpc') as typeof import('../common/worker-rpc');
        const { INSPECTOR_WORKER } = require('../inspector/inspector-worker-spec') as typeof import('../inspector/inspector-worker-spec');
        return (await runWorkerJob<FitJob, FitJobResult>(INSPECTOR_WORKER, { kind: 'fit', file, modelBytes, ...fitInputs(state) })).result;
      } catch {
        return computeFit(model, modelBytes, fitInputs(state));
      }
    })();
    cache.set(key, running);
    // reset() drops the whole cache: a run for an old board settles into a map nobody reads.
    void running.then((r) => { if (cache.get(key) === running) cache.set(key, r); });
    return running;
  }

  private slot(state: BoardState & { ok: true }, model: Model, modelBytes: number): { cache: Map<string, FitResult | Promise<FitResult>>; key: string } {
    let cache = this.fits.get(model);
    if (!cache) this.fits.set(model, (cache = new Map()));
    return { cache, key: `${state.board.id}|${state.settings.kernels}|${modelBytes}` };
  }

  /** Sets `tinyml.fit.board` for the workspace (for the user when no folder is open); undefined detects again. */
  async setBoard(id: string | undefined): Promise<void> {
    const target = this.folder() ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration('tinyml').update('fit.board', id, target);
    this.reset();
  }

  dispose(): void {
    this.boardsFileWatcher?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private reset(): void {
    this.state = undefined;
    this.fits = new WeakMap();
    this.changed.fire();
  }

  private watchBoardsFile(boardsFile: string | undefined, folder: string | undefined): void {
    this.boardsFileWatcher?.dispose();
    this.boardsFileWatcher = undefined;
    if (!boardsFile) return;
    const file = boardsFilePath(boardsFile, folder);
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
    const reset = () => this.reset();
    const subs = [watcher.onDidChange(reset), watcher.onDidCreate(reset), watcher.onDidDelete(reset)];
    this.boardsFileWatcher = { dispose: () => { for (const d of subs) d.dispose(); watcher.dispose(); } };
  }

  private computeState(): BoardState {
    const folder = this.folder();
    const settings = readSettings(folder?.uri).fit;
    this.watchBoardsFile(settings.boardsFile, folder?.uri.fsPath);
    let catalog: BoardCatalog;
    try {
      catalog = loadCatalog(settings.boardsFile, folder?.uri.fsPath);
    } catch (e) {
      if (e instanceof BoardFileError || e instanceof BoardsFileReadError) return { ok: false, reason: e.message, settings };
      throw e;
    }
    const read = (rel: string): string | undefined => {
      if (!folder) return undefined;
      try {
        return fs.readFileSync(path.join(folder.uri.fsPath, rel), 'utf8');
      } catch {
        return undefined;
      }
    };
    try {
      const choice = chooseBoard(catalog, settings.board, read, 'in the workspace');
      const origin: FitBoardOrigin = choice.detected
        ? { kind: 'detected', text: `detected from ${describeDetected(choice.detected)}` }
        : { kind: 'setting', text: 'set in tinyml.fit.board' };
      return { ok: true, board: choice.board, origin, catalog, settings };
    } catch (e) {
      if (!(e instanceof BoardChoiceError)) throw e;
      const hint = e.kind === 'unknown-board' ? ' in tinyml.fit.board' : ': choose one with "TinyML: Choose Board for Fit"';
      return { ok: false, reason: e.message + hint, catalog, settings };
    }
  }
}

export class BoardsFileReadError extends Error {
  override readonly name = 'BoardsFileReadError';
}

/** `tinyml.fit.boardsFile` on disk: absolute, or relative to the workspace folder. */
function boardsFilePath(boardsFile: string, folder: string | undefined): string {
  return path.isAbsolute(boardsFile) || !folder ? boardsFile : path.join(folder, boardsFile);
}

/** The built-in catalog plus the user's boards file (relative paths against the workspace folder). */
export function loadCatalog(boardsFile: string | undefined, folder: string | undefined): BoardCatalog {
  if (!boardsFile) return builtinCatalog();
  const file = boardsFilePath(boardsFile, folder);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new BoardsFileReadError(`tinyml.fit.boardsFile: cannot read ${boardsFile} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return mergeUserBoards(text, boardsFile);
}

function fitInputs(state: BoardState & { ok: true }): FitInputs {
  return { board: state.board, origin: state.origin, catalog: state.catalog, kernels: state.settings.kernels };
}
