/**
 * Which model a C/C++ file runs, in this order:
 *   1. the provenance comment our export writes (source .tflite path and SHA-256), in the file itself, in a header
 *      it `#include`s, or in a source beside it that defines the model array;
 *   2. the bytes of the model array definition (an `xxd -i` file, say), in the same places;
 *   3. the `tinyml.model` setting;
 *   4. the only .tflite file in the workspace.
 * File access is injected, so this runs the same against the disk, an editor's buffers or a test's map.
 */
import path from 'node:path';
import { MARKER_HEAD_CHARS, parseModelMarker, type ModelMarker } from '../codegen/marker';
import { findModelSymbols, modelSymbolNames } from './model-symbols';
import { codeView, findQuotedIncludes, type CodeView } from './c-source-text';

export interface SourceFiles {
  /** The file's text (its first `maxChars` characters when given), or undefined when it cannot be read. */
  readText(file: string, maxChars?: number): Promise<string | undefined>;
  /** Names of the files in a folder (not recursive); empty when it cannot be listed. */
  listDir(dir: string): Promise<string[]>;
  exists(file: string): Promise<boolean>;
}

export interface LocateRequest {
  /** Absolute path of the C/C++ file; undefined for an unsaved, untitled editor. */
  file?: string;
  text: string;
  /** Its prepared text, when the caller already has it. */
  view?: CodeView;
  /** The model symbol asked about (hover over `g_model`); otherwise the symbols the text uses. */
  symbol?: string;
  workspaceFolders: readonly string[];
  /** The `tinyml.model` setting: absolute or relative to a workspace folder. */
  modelSetting?: string;
  /** The .tflite files of the workspace (a bounded search; 2 results are enough to know it is not "the only one"). */
  findWorkspaceModels(): Promise<string[]>;
}

export type ModelLocation =
  | { kind: 'marker'; tflite: string; markerFile: string; marker: ModelMarker; notes: string[] }
  /** `inText`: the array is in the request's own text (read it from there, not from the disk). */
  | { kind: 'c-array'; file: string; symbol: string; inText: boolean; notes: string[] }
  | { kind: 'setting'; tflite: string; notes: string[] }
  | { kind: 'workspace'; tflite: string; notes: string[] }
  | { kind: 'none'; notes: string[] };

/** C/C++ sources and headers looked at beside the file. */
const C_FAMILY = /\.(c|cc|cpp|cxx|h|hh|hpp|hxx|ino)$/i;
/** Bound on the siblings read (their first few KB only). */
const MAX_SIBLINGS = 64;
/** What is read of an include or a sibling: the marker block, and the start of an array defined after it. */
const HEAD_CHARS = 2 * MARKER_HEAD_CHARS;
/** How many folders up from a generated file its workspace-relative model path is tried. */
const MAX_PARENT_LEVELS = 8;

interface Candidate {
  file: string;
  head: string;
  /** Names of byte arrays defined in it, and whether it is the file itself, an include or a sibling. */
  defines: string[];
  tfliteArrays: string[];
  relation: 'self' | 'include' | 'sibling';
}

async function candidates(req: LocateRequest, io: SourceFiles): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const describe = (file: string, head: string, relation: Candidate['relation'], view?: CodeView): Candidate => {
    const symbols = findModelSymbols(head, view).filter((s) => s.role === 'definition');
    return {
      file,
      head,
      relation,
      defines: symbols.map((s) => s.name),
      tfliteArrays: symbols.filter((s) => s.looksLikeTflite).map((s) => s.name),
    };
  };
  out.push(describe(req.file ?? '', req.text, 'self', req.view));
  if (!req.file) return out;
  const dir = path.dirname(req.file);
  const seen = new Set([path.resolve(req.file)]);
  for (const inc of findQuotedIncludes(req.text)) {
    const file = path.resolve(dir, inc);
    if (seen.has(file)) continue;
    seen.add(file);
    const head = await io.readText(file, HEAD_CHARS);
    if (head !== undefined) out.push(describe(file, head, 'include'));
  }
  const siblings = (await io.listDir(dir)).filter((n) => C_FAMILY.test(n)).sort().slice(0, MAX_SIBLINGS);
  for (const name of siblings) {
    const file = path.resolve(dir, name);
    if (seen.has(file)) continue;
    seen.add(file);
    const head = await io.readText(file, HEAD_CHARS);
    if (head !== undefined) out.push(describe(file, head, 'sibling'));
  }
  return out;
}

/** Where a marker's workspace-relative path points: workspace folders first, then the folders above the file. */
async function resolveMarkerPath(marker: ModelMarker, markerFile: string, req: LocateRequest, io: SourceFiles): Promise<string | undefined> {
  if (path.isAbsolute(marker.modelPath)) return (await io.exists(marker.modelPath)) ? marker.modelPath : undefined;
  const tried = new Set<string>();
  const bases = [...req.workspaceFolders];
  for (let dir = path.dirname(markerFile), level = 0; level < MAX_PARENT_LEVELS; level++) {
    bases.push(dir);
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  for (const base of bases) {
    const file = path.resolve(base, marker.modelPath);
    if (tried.has(file)) continue;
    tried.add(file);
    if (await io.exists(file)) return file;
  }
  return undefined;
}

export async function locateModel(req: LocateRequest, io: SourceFiles): Promise<ModelLocation> {
  const notes: string[] = [];
  const view = req.view ?? codeView(req.text);
  const wanted = req.symbol ? [req.symbol] : modelSymbolNames(findModelSymbols(req.text, view));
  const files = await candidates({ ...req, view }, io);
  const relevant = (c: Candidate): boolean =>
    c.relation !== 'sibling' || (wanted.length > 0 ? c.defines.some((d) => wanted.includes(d)) : c.tfliteArrays.length > 0);

  // 1. The export's provenance comment.
  for (const c of files) {
    if (!relevant(c) || !c.file) continue;
    const marker = parseModelMarker(c.head);
    if (!marker) continue;
    const tflite = await resolveMarkerPath(marker, c.file, req, io);
    if (tflite) return { kind: 'marker', tflite, markerFile: c.file, marker, notes };
    notes.push(`${path.basename(c.file)} was exported from ${marker.modelPath}, which is no longer in the workspace.`);
  }

  // 2. The array's own bytes: the asked-for symbol, else an array that looks like a .tflite.
  for (const c of files) {
    if (!relevant(c)) continue;
    const symbol = c.defines.find((d) => wanted.includes(d)) ?? (wanted.length === 0 ? c.tfliteArrays[0] : undefined);
    if (symbol) return { kind: 'c-array', file: c.file, symbol, inText: c.relation === 'self', notes };
  }

  // 3. The setting.
  if (req.modelSetting) {
    const bases = path.isAbsolute(req.modelSetting) ? [''] : req.workspaceFolders;
    for (const base of bases) {
      const file = path.resolve(base, req.modelSetting);
      if (await io.exists(file)) return { kind: 'setting', tflite: file, notes };
    }
    notes.push(`The tinyml.model setting names ${req.modelSetting}, which does not exist.`);
  }

  // 4. The only .tflite of the workspace.
  const models = await req.findWorkspaceModels();
  if (models.length === 1) return { kind: 'workspace', tflite: models[0]!, notes };
  notes.push(
    models.length === 0
      ? 'No model found: export it as C with `tinyml export`, or set tinyml.model to its .tflite file.'
      : 'Several .tflite files are in the workspace: set tinyml.model to the one this firmware runs.',
  );
  return { kind: 'none', notes };
}
