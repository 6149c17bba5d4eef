/**
 * Models read for arena hovers and diagnostics, kept per file (key: path + mtime + size, or an editor's document
 * version) with their SHA-256, their arena estimates per option set and their TFLite Micro problems. Loads of the
 * same file share one promise, so two hovers never parse a model twice.
 */
import { arenaOptionsKey, estimateArena, type ArenaEstimate, type ArenaOptions } from '../arena';
import { sha256Hex } from '../codegen/sha256';
import { loadModel, ModelFormatError, type Model } from '../tflite';
import { readModelArray } from './model-symbols';
import { checkTflmCompatibility, type TflmProblem } from '../analysis/tflm-compat';
import type { KernelLibrary } from '../arena/kernels/types';

export interface FileStamp {
  mtimeMs: number;
  size: number;
}

export interface ModelFiles {
  stat(file: string): Promise<FileStamp | undefined>;
  readBytes(file: string): Promise<Uint8Array>;
  readText(file: string): Promise<string>;
}

export interface LoadedModel {
  /** The .tflite file, or `file#symbol` for a C array. */
  source: string;
  model?: Model;
  /** Why the model could not be read, for the user. */
  error?: string;
  /** SHA-256 of a .tflite file's bytes (compared with an export's comment). */
  sha256?: string;
  byteSize: number;
}

export type EstimateResult = { ok: true; estimate: ArenaEstimate } | { ok: false; error: string };

interface Entry {
  stamp: string;
  loaded: Promise<LoadedModel>;
  /** The loaded value once settled: estimates are only cached against the model they were computed from. */
  resolved?: LoadedModel;
  estimates: Map<string, EstimateResult>;
  problems?: Map<KernelLibrary, TflmProblem[]>;
}

function describeError(e: unknown, source: string): string {
  if (e instanceof ModelFormatError) return e.withFile(source).message;
  return `${source}: ${e instanceof Error ? e.message : String(e)}`;
}

/** Lets the event loop run between the long synchronous steps of a first load (hash, parse, estimate). */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function fromBytes(bytes: Uint8Array, source: string, withHash: boolean): Promise<LoadedModel> {
  const loaded: LoadedModel = { source, byteSize: bytes.length };
  if (withHash) {
    loaded.sha256 = sha256Hex(bytes);
    await yieldToEventLoop();
  }
  try {
    loaded.model = loadModel(bytes).model;
  } catch (e) {
    loaded.error = describeError(e, source);
  }
  return loaded;
}

export class ArenaModelCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly io: ModelFiles) {}

  /** A .tflite file, read again only when its mtime or size changed. */
  async tflite(file: string): Promise<LoadedModel> {
    const stat = await this.io.stat(file);
    if (!stat) return { source: file, error: `${file} does not exist`, byteSize: 0 };
    return this.entry(file, `${stat.mtimeMs}:${stat.size}`, async () => fromBytes(await this.io.readBytes(file), file, true)).loaded;
  }

  /**
   * The model in the C array `symbol` of `file`. `text` is the editor's current text with its version; without
   * it the file is read from disk (and cached by mtime and size).
   */
  async cArray(file: string, symbol: string, text?: { text: string; version: number }): Promise<LoadedModel> {
    const source = `${file}#${symbol}`;
    let stamp: string;
    if (text) {
      stamp = `v${text.version}:${text.text.length}`;
    } else {
      const stat = await this.io.stat(file);
      if (!stat) return { source, error: `${file} does not exist`, byteSize: 0 };
      stamp = `${stat.mtimeMs}:${stat.size}`;
    }
    return this.entry(source, stamp, async () => {
      const content = text?.text ?? (await this.io.readText(file));
      try {
        return fromBytes(await readModelArray(content, symbol), `${symbol} in ${file}`, false);
      } catch (e) {
        return { source, error: describeError(e, `${symbol} in ${file}`), byteSize: 0 };
      }
    }).loaded;
  }

  /** The estimate for these options, computed once per model version (after a yield to the event loop). */
  async estimate(loaded: LoadedModel, options: Required<ArenaOptions>): Promise<EstimateResult> {
    const key = arenaOptionsKey(options);
    const cached = this.current(loaded)?.estimates.get(key);
    if (cached) return cached;
    await yieldToEventLoop();
    const entry = this.current(loaded);
    let result: EstimateResult;
    if (!loaded.model) {
      result = { ok: false, error: loaded.error ?? 'no model' };
    } else {
      try {
        result = { ok: true, estimate: estimateArena(loaded.model, options) };
      } catch (e) {
        result = { ok: false, error: `cannot model the arena of ${loaded.source}: ${e instanceof Error ? e.message : String(e)}` };
      }
    }
    entry?.estimates.set(key, result);
    return result;
  }

  /** The TFLite Micro check for the firmware's kernel set (its CMSIS-NN problems only with 'cmsis-nn'), cached per set. */
  problems(loaded: LoadedModel, kernels: KernelLibrary = 'reference'): TflmProblem[] {
    if (!loaded.model) return [];
    const entry = this.current(loaded);
    const cached = entry?.problems?.get(kernels);
    if (cached) return cached;
    const problems = checkTflmCompatibility(loaded.model, kernels);
    if (entry) (entry.problems ??= new Map()).set(kernels, problems);
    return problems;
  }

  /** Forgets a file (and the C arrays read from it), or everything. */
  invalidate(file?: string): void {
    if (file === undefined) {
      this.entries.clear();
      return;
    }
    for (const key of [...this.entries.keys()]) if (key === file || key.startsWith(`${file}#`)) this.entries.delete(key);
  }

  private current(loaded: LoadedModel): Entry | undefined {
    const entry = this.entries.get(loaded.source);
    return entry?.resolved === loaded ? entry : undefined;
  }

  private entry(source: string, stamp: string, load: () => Promise<LoadedModel>): Entry {
    const existing = this.entries.get(source);
    if (existing && existing.stamp === stamp) return existing;
    const entry: Entry = { stamp, loaded: load(), estimates: new Map() };
    // Registered before any caller awaits, so `resolved` is set by the time they resume.
    entry.loaded.then(
      (value) => { entry.resolved = value; },
      () => { if (this.entries.get(source) === entry) this.entries.delete(source); },
    );
    this.entries.set(source, entry);
    return entry;
  }
}
