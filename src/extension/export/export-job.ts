/**
 * The heavy half of the export commands, run in a worker thread so the extension host never stalls on a big model:
 * reading the .tflite, parsing it, estimating the arena, hashing and formatting the C array (about 0.6 s of CPU for a
 * 27 MB model). Pure Node and core code, no `vscode`: unit tests call these functions directly.
 */
import type { TargetName } from '../../core/arena/types';
import { estimateArenaForExport, generateModelRunner, modelFileBase, sha256Hex, type CLanguage, type ExportKernels } from '../../core/codegen';
import { detectProject, detectProjects, folderProject, type FirmwareProject, planExport, type ExportPlan } from '../../core/firmware';
import { nodeProjectSnapshot } from '../../core/firmware/node-snapshot';
import type { ProjectSnapshot } from '../../core/firmware/project-snapshot';
import { loadModel, ModelFormatError, type Model } from '../../core/tflite';
import { ModelFileError, readModelFileBytes } from '../../core/tflite/model-file';
import { modelPrecision } from '../../core/analysis/precision';

/** A firmware project found in a workspace folder, with the language its sources are written in. */
export interface DetectedTarget {
  /** File-system path of the folder the project paths are relative to (a workspace folder or a chosen folder). */
  rootFsPath: string;
  project: FirmwareProject;
  /** `c` when the project has C sources and no C++ ones; the generated array then is C. */
  language: CLanguage;
}

export interface DetectJob {
  kind: 'detect';
  /** Workspace folders, each scanned as a whole. */
  folders: string[];
}

/** A chosen folder: the project rooted there if it is one, else the folder as it is. */
export interface FolderJob {
  kind: 'folder';
  folder: string;
}

export interface PlanJob {
  kind: 'plan';
  modelFsPath: string;
  /** Workspace-relative path of the model, for the header comment. */
  modelDisplayPath: string;
  rootFsPath: string;
  project: FirmwareProject;
  symbol: string;
  lang: CLanguage;
  boilerplate: boolean;
  target: TargetName;
  /** tinyml.arena.kernels / .isa: the arena is sized for this kernel library. */
  kernels?: ExportKernels;
  marginPercent: number;
}

export interface PlanJobResult {
  plan: ExportPlan;
}

export interface RunnerJob {
  kind: 'runner';
  modelFsPath: string;
  modelDisplayPath: string;
  symbol: string;
  /** Header that declares the model array, as the runner #includes it. */
  dataHeader: string;
  arduinoLibraryHeader?: string;
  target: TargetName;
  kernels?: ExportKernels;
  marginPercent: number;
}

export interface RunnerJobResult {
  header: string;
  source: string;
  resolverSize: number;
  ops: string[];
  arenaBytes: number;
  arenaExplanation: string;
  notes: string[];
}

/** Whether the model computes in float (no integer activations): Export warns before exporting one. */
export interface PrecisionJob {
  kind: 'precision';
  modelFsPath: string;
}

export type ExportJob = DetectJob | FolderJob | PlanJob | RunnerJob | PrecisionJob;

/** A model file that cannot be read: names the file and the reason. */
export { ModelFileError };

const C_SOURCE = /\.c$/;
const CPP_SOURCE = /\.(cc|cpp|cxx|ino|hpp)$/;

/** The language of the project's own sources: C only when there is C and no C++. */
export function projectLanguage(snapshot: ProjectSnapshot, project: FirmwareProject): CLanguage {
  const prefix = project.root === '' ? '' : `${project.root}/`;
  let c = false;
  for (const p of snapshot.listFiles()) {
    if (!p.startsWith(prefix)) continue;
    if (CPP_SOURCE.test(p)) return 'cpp';
    if (C_SOURCE.test(p)) c = true;
  }
  return c ? 'c' : 'cpp';
}

export function detectTargets(folders: string[]): DetectedTarget[] {
  const out: DetectedTarget[] = [];
  for (const rootFsPath of folders) {
    const snapshot = nodeProjectSnapshot(rootFsPath);
    for (const project of detectProjects(snapshot)) out.push({ rootFsPath, project, language: projectLanguage(snapshot, project) });
  }
  return out;
}

/** A folder the user chose: its own project when the folder is one (not a project further down), else the folder. */
export function folderTarget(folder: string): DetectedTarget {
  const snapshot = nodeProjectSnapshot(folder);
  const found = detectProject(snapshot, 'auto');
  const project = found.root === '' ? found : folderProject('');
  return { rootFsPath: folder, project, language: projectLanguage(snapshot, project) };
}

/** The model, or ModelFormatError naming the file: bytes that are not a model are never exported as one. */
function parseModel(bytes: Uint8Array, file: string): Model {
  try {
    return loadModel(bytes).model;
  } catch (e) {
    throw e instanceof ModelFormatError ? e.withFile(file) : e;
  }
}

export function planJob(job: PlanJob): PlanJobResult {
  const bytes = readModelFileBytes(job.modelFsPath);
  const model = parseModel(bytes, job.modelDisplayPath);
  const estimate = estimateArenaForExport(model, job.target, job.kernels);
  const plan = planExport({
    modelBytes: bytes,
    modelPath: job.modelDisplayPath,
    snapshot: nodeProjectSnapshot(job.rootFsPath),
    project: job.project,
    model,
    boilerplate: job.boilerplate,
    symbol: job.symbol,
    lang: job.lang,
    arena: estimate.arena,
    arenaMarginPercent: job.marginPercent,
  });
  if (estimate.note && job.boilerplate) plan.notes.push(estimate.note);
  return { plan };
}

export function runnerJob(job: RunnerJob): RunnerJobResult {
  const bytes = readModelFileBytes(job.modelFsPath);
  const model = parseModel(bytes, job.modelDisplayPath);
  const estimate = estimateArenaForExport(model, job.target, job.kernels);
  const base = modelFileBase(job.symbol);
  const runner = generateModelRunner(
    model,
    { modelPath: job.modelDisplayPath, sha256: sha256Hex(bytes), byteSize: bytes.length, date: new Date(), arena: estimate.arena },
    {
      symbol: job.symbol, prefix: base, dataHeader: job.dataHeader, runnerHeader: `${base}_runner.h`,
      arduinoLibraryHeader: job.arduinoLibraryHeader, arena: estimate.arena, arenaMarginPercent: job.marginPercent,
    },
  );
  const notes: string[] = [];
  if (estimate.note) notes.push(estimate.note);
  for (const e of runner.resolver.entries) {
    if (e.kind === 'custom') notes.push(`Custom operator "${e.customCode}" needs your kernel: see the TODO in the inserted code.`);
    if (e.kind === 'unsupported') notes.push(`${e.op} has no TFLite Micro kernel: the model will not run until it is replaced.`);
  }
  return {
    header: runner.header,
    source: runner.source,
    resolverSize: runner.resolver.size,
    ops: runner.resolver.entries.map((e) => (e.kind === 'method' ? e.method.replace(/^Add/, '') : e.kind === 'custom' ? e.customCode : e.op)),
    arenaBytes: runner.arena.bytes,
    arenaExplanation: runner.arena.explanation,
    notes,
  };
}

export function runJob(job: ExportJob): unknown {
  switch (job.kind) {
    case 'detect': return detectTargets(job.folders);
    case 'folder': return folderTarget(job.folder);
    case 'plan': return planJob(job);
    case 'runner': return runnerJob(job);
    case 'precision': return modelPrecision(parseModel(readModelFileBytes(job.modelFsPath), job.modelFsPath));
  }
}
