/**
 * The arena analysis of open C/C++ documents, shared by the hover, the diagnostics and the quick fix: per document
 * version, the arena constants and model symbols found in the text; per document version, symbol and settings, the
 * located model and its estimate. Models are cached by file (mtime and size) and forgotten when a file watcher sees
 * a .tflite or a C/C++ file change. Loaded on first use, never at activation.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { analyzeArena, type ArenaAnalysis } from '../../core/firmware/arena-analysis';
import { ArenaModelCache } from '../../core/firmware/model-cache';
import {
  compilePatterns, DEFAULT_ARENA_CONSTANT_PATTERNS, findArenaConstants, type ArenaConstant,
} from '../../core/firmware/arena-constants';
import type { SourceFiles } from '../../core/firmware/locate-model';
import { findModelSymbols, modelSymbolNames, type ModelSymbol } from '../../core/firmware/model-symbols';
import { nodeModelFiles, nodeSourceFiles } from '../../core/firmware/node-files';
import { codeView, type CodeView } from '../../core/firmware/c-source-text';
import { readSettings, type ArenaSettingsOptions } from '../common/settings';

/** The settings the arena analysis of a document uses: read once per document version. */
export interface ArenaSettings {
  options: ArenaSettingsOptions;
  modelSetting?: string;
  /** Default: DEFAULT_ARENA_CONSTANT_PATTERNS, as in package.json. */
  constantPatterns: string[];
}

export interface DocumentArenaInfo {
  version: number;
  view: CodeView;
  constants: ArenaConstant[];
  symbols: ModelSymbol[];
  /** Names of the model arrays in the text. */
  modelNames: string[];
  settings: ArenaSettings;
  patterns: RegExp[];
  invalidPatterns: string[];
}

const WATCHED = '**/*.{tflite,c,cc,cpp,cxx,h,hh,hpp,hxx,ino}';
/** Bound on the workspace search for "the only .tflite": two results already mean "not the only one". */
const MAX_WORKSPACE_MODELS = 2;

export class ArenaService implements vscode.Disposable {
  private readonly cache = new ArenaModelCache(nodeModelFiles);
  private readonly infos = new Map<string, DocumentArenaInfo>();
  private readonly analyses = new Map<string, Promise<ArenaAnalysis>>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a model or source file changed on disk, or a setting: analyses must be redone. */
  readonly onDidChange = this.changed.event;

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher(WATCHED);
    const onFile = (uri: vscode.Uri) => {
      this.cache.invalidate(uri.fsPath);
      this.analyses.clear();
      this.changed.fire();
    };
    this.disposables.push(
      watcher,
      watcher.onDidChange(onFile),
      watcher.onDidCreate(onFile),
      watcher.onDidDelete(onFile),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('tinyml')) return;
        this.infos.clear();
        this.analyses.clear();
        this.changed.fire();
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => this.forget(doc.uri)),
      this.changed,
    );
  }

  /** Constants and model symbols of the document's current version (computed once per version). */
  documentInfo(doc: vscode.TextDocument): DocumentArenaInfo {
    const key = doc.uri.toString();
    const known = this.infos.get(key);
    if (known && known.version === doc.version) return known;
    const read = readSettings(doc.uri);
    const settings: ArenaSettings = {
      options: read.arena,
      ...(read.modelSetting ? { modelSetting: read.modelSetting } : {}),
      constantPatterns: read.constantPatterns ?? [...DEFAULT_ARENA_CONSTANT_PATTERNS],
    };
    const { regexes, invalid } = compilePatterns(settings.constantPatterns);
    const text = doc.getText();
    const view = codeView(text);
    const symbols = findModelSymbols(text, view);
    const info: DocumentArenaInfo = {
      version: doc.version,
      view,
      constants: findArenaConstants(text, regexes, view),
      symbols,
      modelNames: modelSymbolNames(symbols),
      settings,
      patterns: regexes,
      invalidPatterns: invalid,
    };
    this.infos.set(key, info);
    return info;
  }

  /** The model this document runs (or the one `symbol` names) and its estimate; shared by concurrent callers. */
  analyze(doc: vscode.TextDocument, symbol?: string): Promise<ArenaAnalysis> {
    const info = this.documentInfo(doc);
    const key = `${doc.uri.toString()}|${doc.version}|${symbol ?? ''}|${JSON.stringify(info.settings)}`;
    let pending = this.analyses.get(key);
    if (!pending) {
      // Older versions of this document are not asked about again.
      const prefix = `${doc.uri.toString()}|`;
      for (const k of [...this.analyses.keys()]) if (k.startsWith(prefix) && !k.startsWith(`${prefix}${doc.version}|`)) this.analyses.delete(k);
      pending = this.runAnalysis(doc, info, symbol);
      this.analyses.set(key, pending);
      pending.catch(() => this.analyses.delete(key));
    }
    return pending;
  }

  relative(file: string): string {
    return file ? vscode.workspace.asRelativePath(file, false) : '';
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    this.infos.delete(key);
    for (const k of [...this.analyses.keys()]) if (k.startsWith(`${key}|`)) this.analyses.delete(k);
  }

  private runAnalysis(doc: vscode.TextDocument, info: DocumentArenaInfo, symbol: string | undefined): Promise<ArenaAnalysis> {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    return analyzeArena(
      {
        file: doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined,
        text: doc.getText(),
        view: info.view,
        version: doc.version,
        symbol,
        workspaceFolders: folders,
        modelSetting: info.settings.modelSetting,
        options: info.settings.options,
        findWorkspaceModels: async () =>
          (await vscode.workspace.findFiles('**/*.tflite', '**/node_modules/**', MAX_WORKSPACE_MODELS))
            .filter((u) => u.scheme === 'file')
            .map((u) => u.fsPath),
      },
      editorAwareFiles,
      this.cache,
    );
  }
}

/** Reads open editors' (possibly unsaved) text before the disk. */
const editorAwareFiles: SourceFiles = {
  async readText(file, maxChars) {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && path.resolve(d.uri.fsPath) === path.resolve(file));
    if (open) {
      const text = open.getText();
      return maxChars === undefined ? text : text.slice(0, maxChars);
    }
    return nodeSourceFiles.readText(file, maxChars);
  },
  listDir: (dir) => nodeSourceFiles.listDir(dir),
  exists: (file) => nodeSourceFiles.exists(file),
};
