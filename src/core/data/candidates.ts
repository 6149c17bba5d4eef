/**
 * Finds workspace files and folders that could feed a model's inputs, best first (for a QuickPick). Bounded: it never
 * reads more than a few KB of a file to judge it, skips dependency and build folders, and stops after maxEntries.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { InputSpec } from './dataset';
import { loadCsvFile, loadJsonFile, loadNpzFile } from './file-loaders';
import { sampleFileKind, type SampleFileKind } from './sample-files';
import { matchInputs } from './match-inputs';
import { readNpyHeader } from './npy';
import { imageGeometry } from './image-preprocess';
import { elementCount } from '../tflite/tensor-types';
import { batchCount, formatShape, longAxes, singleSample } from './shape-fit';

export interface DatasetCandidate {
  /** Absolute path. */
  path: string;
  /** Relative to the scanned root, '/'-separated. */
  relativePath: string;
  kind: 'npy' | 'npz' | 'csv' | 'json' | 'image-folder' | 'audio-folder' | 'npy-folder' | 'input-folders';
  /** true: checked to fit the inputs; false: checked not to; undefined: not checked (too large, or a folder guess). */
  fits: boolean | undefined;
  /** One line for the QuickPick: what was seen ("npy [500, 640] float32: 500 samples"). */
  detail: string;
  score: number;
}

export interface CandidateOptions {
  maxDepth?: number;
  maxEntries?: number;
  maxCandidates?: number;
}

const SKIP_DIRS = new Set(['node_modules', 'build', 'dist', 'out', 'venv', 'env', '__pycache__', 'target', 'bower_components', 'site-packages']);
const FULL_PARSE_LIMIT = 4 * 1024 * 1024;
const HEAD_BYTES = 4096;

async function readHead(file: string, bytes: number): Promise<Uint8Array> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return new Uint8Array(buf.buffer, buf.byteOffset, bytesRead);
  } finally {
    await fh.close();
  }
}

function nameBonus(rel: string): number {
  const lower = rel.toLowerCase();
  if (/calib|represent|quant/.test(lower)) return 30;
  if (/data|sample|val|test|eval|train/.test(lower)) return 10;
  return 0;
}

interface DirInfo {
  rel: string;
  abs: string;
  depth: number;
  counts: Map<SampleFileKind, number>;
  firstFile: Map<SampleFileKind, string>;
  subdirs: string[];
}

async function judgeFile(abs: string, rel: string, size: number, inputs: readonly InputSpec[]): Promise<Omit<DatasetCandidate, 'score' | 'path' | 'relativePath'> | undefined> {
  const ext = path.extname(rel).toLowerCase();
  const single = inputs.length === 1 ? inputs[0] : undefined;
  const countSamples = (lists: { samples: Float32Array[] }[]) => lists[0]?.samples.length ?? 0;
  try {
    if (ext === '.npy') {
      const h = readNpyHeader(await readHead(abs, HEAD_BYTES), rel);
      const n = single ? batchCount(h.shape, single) : undefined;
      return { kind: 'npy', fits: n !== undefined, detail: `npy ${formatShape(h.shape)} ${h.dtype}${n !== undefined ? `: ${n} samples` : single ? `: does not fit ${formatShape(single.shape)}` : ': one array, the model has several inputs'}` };
    }
    if (size > FULL_PARSE_LIMIT) return ext === '.npz' || ext === '.csv' ? { kind: ext.slice(1) as 'npz' | 'csv', fits: undefined, detail: `${(size / 1e6).toFixed(1)} MB, not checked` } : undefined;
    const bytes = new Uint8Array(await fsp.readFile(abs));
    if (ext === '.npz') {
      try {
        const n = countSamples(loadNpzFile(bytes, inputs, rel));
        return { kind: 'npz', fits: true, detail: `npz: ${n} samples` };
      } catch (e) {
        return { kind: 'npz', fits: false, detail: `npz: ${(e as Error).message.replace(`${rel}: `, '')}` };
      }
    }
    if (ext === '.csv') {
      try {
        const n = countSamples(loadCsvFile(bytes, inputs, rel));
        return { kind: 'csv', fits: true, detail: `csv: ${n} rows` };
      } catch (e) {
        return { kind: 'csv', fits: false, detail: `csv: ${(e as Error).message.replace(`${rel}: `, '')}` };
      }
    }
    if (ext === '.json') {
      // Config files (package.json, tsconfig.json, ...) are JSON too: only list files that load.
      try {
        const n = countSamples(loadJsonFile(bytes, inputs, rel));
        return { kind: 'json', fits: true, detail: `json: ${n} samples` };
      } catch {
        return undefined;
      }
    }
  } catch (e) {
    return { kind: ext.slice(1) as 'npy', fits: false, detail: (e as Error).message.replace(`${rel}: `, '') };
  }
  return undefined;
}

async function judgeFolder(d: DirInfo, inputs: readonly InputSpec[], classCounts?: Map<SampleFileKind, number>): Promise<Omit<DatasetCandidate, 'score' | 'path' | 'relativePath'> | undefined> {
  const counts = classCounts ?? d.counts;
  if (counts.size !== 1 || inputs.length !== 1) return undefined;
  const [kind, n] = [...counts][0]!;
  const input = inputs[0]!;
  const many = `${n} file${n === 1 ? '' : 's'}${classCounts ? ` in ${d.subdirs.length} sub-folders` : ''}`;
  if (kind === 'image') {
    const geo = imageGeometry(input.shape);
    return { kind: 'image-folder', fits: geo !== undefined, detail: `${many} of images${geo ? `, resized to ${geo.height}×${geo.width}×${geo.channels}` : `; input ${formatShape(input.shape)} is not an image`}` };
  }
  if (kind === 'audio') {
    const audioLike = longAxes(input.shape) <= 1;
    return { kind: 'audio-folder', fits: audioLike ? undefined : false, detail: `${many} of .wav audio${audioLike ? `, ${elementCount(input.shape)} samples each` : `; input ${formatShape(input.shape)} is not a 1-D signal`}` };
  }
  const first = d.firstFile.get('npy');
  let fits: boolean | undefined;
  if (first) {
    try {
      const h = readNpyHeader(await readHead(first, HEAD_BYTES), first);
      singleSample(new Float32Array(0), h.shape, input, first);
      fits = true;
    } catch {
      fits = false;
    }
  }
  // .npy files are listed one by one too: a folder of them is only worth offering when each holds one sample.
  return fits ? { kind: 'npy-folder', fits, detail: `${many} .npy, one sample each` } : undefined;
}

export async function findDatasetCandidates(rootDir: string, inputs: readonly InputSpec[], options: CandidateOptions = {}): Promise<DatasetCandidate[]> {
  const maxDepth = options.maxDepth ?? 4;
  const maxEntries = options.maxEntries ?? 5000;
  const found: DatasetCandidate[] = [];
  const dirs: DirInfo[] = [];
  let seen = 0;
  const queue: DirInfo[] = [{ rel: '', abs: rootDir, depth: 0, counts: new Map(), firstFile: new Map(), subdirs: [] }];
  const add = (c: Omit<DatasetCandidate, 'score' | 'path' | 'relativePath'> | undefined, abs: string, rel: string, depth: number, n = 0) => {
    if (!c) return;
    const score = (c.fits === true ? 100 : c.fits === undefined ? 40 : 0) + nameBonus(rel) + (n >= 100 ? 10 : 0) - 2 * depth;
    found.push({ ...c, path: abs, relativePath: rel, score });
  };
  while (queue.length && seen < maxEntries) {
    const d = queue.shift()!;
    dirs.push(d);
    let entries;
    try {
      entries = await fsp.readdir(d.abs, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (++seen > maxEntries) break;
      if (e.name.startsWith('.')) continue;
      const abs = path.join(d.abs, e.name);
      const rel = d.rel ? `${d.rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (SKIP_DIRS.has(e.name) || /^cmake-build/.test(e.name) || d.depth + 1 > maxDepth) continue;
        d.subdirs.push(e.name);
        queue.push({ rel, abs, depth: d.depth + 1, counts: new Map(), firstFile: new Map(), subdirs: [] });
      } else if (e.isFile()) {
        const kind = sampleFileKind(e.name);
        if (kind) {
          d.counts.set(kind, (d.counts.get(kind) ?? 0) + 1);
          if (!d.firstFile.has(kind)) d.firstFile.set(kind, abs);
        }
        if (['.npy', '.npz', '.csv', '.json'].includes(path.extname(e.name).toLowerCase())) {
          const size = (await fsp.stat(abs).catch(() => undefined))?.size ?? 0;
          add(await judgeFile(abs, rel, size, inputs), abs, rel, d.depth + 1);
        }
      }
    }
  }
  const byRel = new Map(dirs.map((d) => [d.rel, d]));
  for (const d of dirs) {
    const label = d.rel || '.';
    if (d.counts.size > 0) {
      const n = [...d.counts.values()].reduce((a, b) => a + b, 0);
      add(await judgeFolder(d, inputs), d.abs, label, d.depth, n);
      continue;
    }
    const children = d.subdirs.map((s) => byRel.get(d.rel ? `${d.rel}/${s}` : s)).filter((c): c is DirInfo => c !== undefined);
    // Several inputs: one sub-folder per input name.
    if (inputs.length > 1 && children.length >= inputs.length) {
      try {
        const chosen = matchInputs(d.subdirs, inputs, label, 'sub-folder');
        add({ kind: 'input-folders', fits: undefined, detail: `one sub-folder per input (${chosen.join(', ')})` }, d.abs, label, d.depth);
      } catch {
        // not named for these inputs
      }
      continue;
    }
    // One sub-folder per class, all holding the same kind of sample file.
    const kinds = new Map<SampleFileKind, number>();
    for (const c of children) for (const [k, n] of c.counts) kinds.set(k, (kinds.get(k) ?? 0) + n);
    if (children.length >= 2 && kinds.size === 1 && children.every((c) => c.counts.size === 1)) {
      const n = [...kinds.values()][0]!;
      add(await judgeFolder(d, inputs, kinds), d.abs, label, d.depth, n);
    }
  }
  found.sort((a, b) => b.score - a.score || (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
  return found.slice(0, options.maxCandidates ?? 50);
}
