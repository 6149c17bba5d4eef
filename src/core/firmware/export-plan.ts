/**
 * Plans an export without touching the disk: which files to create or regenerate, which build files to edit, and what
 * the user still has to do. The CLI applies a plan with the Node applier; the extension previews it and applies it
 * as one WorkspaceEdit.
 */
import type { Model } from '../tflite/model';
import { DEFAULT_SYMBOL, generateCArrayHeader, generateCArraySource, modelFileBase, type CLanguage } from '../codegen/c-array';
import { assertCIdentifier } from '../codegen/c-identifier';
import { ExportOptionError } from '../codegen/errors';
import { isGeneratedByUs, MARKER_SEARCH_CHARS, type ArenaInfo, type ModelProvenance } from '../codegen/marker';
import { generateModelRunner, type ArenaSizing } from '../codegen/model-runner';
import { generateHostTest, generateHostTestCmake, type GoldenData } from '../codegen/host-test';
import { detectProject, type FirmwareProject, type ProjectType } from './project-detect';
import { buildChanges, type PlannedEdit } from './project-edits';
import { joinPath, pathFrom, type ProjectSnapshot } from './project-snapshot';
import { sha256Hex } from '../codegen/sha256';
import type { ResolverPlan } from '../codegen/resolver-plan';

export type PlannedFileKind =
  /** The file does not exist. */
  | 'create'
  /** The file exists and carries our marker: regenerated in place. */
  | 'update'
  /** The file exists and is not ours: written only when the user forces it. */
  | 'conflict';

export interface PlannedFile {
  /** Snapshot-relative path. */
  path: string;
  contents: Uint8Array;
  kind: PlannedFileKind;
  description: string;
}

export interface ExportPlan {
  project: FirmwareProject;
  files: PlannedFile[];
  edits: PlannedEdit[];
  /** Manual steps and warnings for the user. */
  notes: string[];
  symbol: string;
  /** Set when the runner was generated. */
  arena?: ArenaSizing;
  resolver?: ResolverPlan;
}

export interface ExportRequest {
  modelBytes: Uint8Array;
  /** Workspace-relative path of the model, shown in the generated header comment. */
  modelPath: string;
  snapshot: ProjectSnapshot;
  /** The project chosen by the user; detected from the snapshot (see projectType) when absent. */
  project?: FirmwareProject;
  projectType?: ProjectType | 'auto';
  /** The parsed model; required for the runner. */
  model?: Model;
  /** Also generate the TFLite Micro runner (model_runner.cc/.h). */
  boilerplate?: boolean;
  symbol?: string;
  lang?: CLanguage;
  lineWidth?: number;
  section?: string;
  arena?: ArenaInfo;
  arenaMarginPercent?: number;
  /** The user's code passes its own arena to `<prefix>_setup_with_arena()` (the runner declares none). */
  externalArena?: boolean;
  /** Golden data from our runtime: with the runner, a host test is generated next to it. */
  golden?: GoldenData;
  /** Why there is no golden data (the model does not run in our runtime, say), for the notes. */
  goldenNote?: string;
  /** Export date for the header comment; defaults to now. */
  date?: Date;
}

/**
 * Where the host test goes: PlatformIO's `test/test_<name>/` (Unity, for the `native` environment), elsewhere a
 * `host_test/` folder of the project with its own CMakeLists.txt (a standalone project or `add_subdirectory`).
 * Neither is compiled into the firmware: PlatformIO builds test/ only under `pio test`, and no other build looks there.
 */
function planHostTest(
  model: Model, provenance: ModelProvenance, golden: GoldenData, project: FirmwareProject, base: string,
  runnerHeader: string, sources: string[],
): { files: Omit<PlannedFile, 'kind'>[]; notes: string[] } {
  const text = (s: string): Uint8Array => Buffer.from(s, 'utf8');
  const goldenHeader = `${base}_golden.h`;
  const unity = project.type === 'platformio';
  const dir = unity ? joinPath(project.root, 'test', `test_${base}`) : joinPath(project.root, 'host_test');
  const testFile = unity ? 'test_main.cpp' : `${base}_host_test.cc`;
  const test = generateHostTest(model, provenance, golden, { prefix: base, runnerHeader, goldenHeader, style: unity ? 'unity' : 'main' });
  const cases = `${golden.cases.length} golden case${golden.cases.length === 1 ? '' : 's'}`;
  const files: Omit<PlannedFile, 'kind'>[] = [
    { path: joinPath(dir, goldenHeader), contents: text(test.goldenHeader), description: `${cases}: inputs and LiteRT's outputs` },
    { path: joinPath(dir, testFile), contents: text(test.source), description: `host test: runs the ${cases} on TFLite Micro and checks the outputs` },
  ];
  const notes: string[] = [];
  if (unity) {
    notes.push(
      `Host test: \`pio test -e native\` runs ${joinPath(dir, testFile)}. It needs an [env:native] with platform = native, ` +
        'test_build_src = yes, build_flags = -DTF_LITE_STATIC_MEMORY and TensorFlow Lite Micro built for the computer.',
    );
  } else {
    const includeDirs = [...new Set([project.includeDir, project.sourceDir])].map((d) => pathFrom(dir, d));
    files.push({
      path: joinPath(dir, 'CMakeLists.txt'),
      contents: text(generateHostTestCmake(provenance, { prefix: base, testSource: testFile, runnerSources: sources.map((f) => pathFrom(dir, f)), includeDirs })),
      description: `the ${base}_host_test target (standalone or add_subdirectory)`,
    });
    notes.push(
      `Host test: cmake -S ${dir || '.'} -B build-host -DTFLM_INCLUDE_DIRS=... -DTFLM_LIBRARY=... && cmake --build build-host && ` +
        `build-host/${base}_host_test (TFLite Micro built for the computer; prints PASS or FAIL).`,
    );
  }
  return { files, notes };
}

/** Reads only the start of an existing file when the snapshot allows it: model sources can be 170 MB. */
function kindOf(snapshot: ProjectSnapshot, path: string): PlannedFileKind {
  const head = snapshot.readHead ? snapshot.readHead(path, MARKER_SEARCH_CHARS) : snapshot.readText(path);
  if (head === undefined) return 'create';
  return isGeneratedByUs(head) ? 'update' : 'conflict';
}

export function planExport(req: ExportRequest): ExportPlan {
  const symbol = req.symbol ?? DEFAULT_SYMBOL;
  assertCIdentifier(symbol);
  const lang = req.lang ?? 'cpp';
  const project = req.project ?? detectProject(req.snapshot, req.projectType ?? 'auto');
  if (req.boilerplate && !req.model) throw new ExportOptionError('the runner needs the parsed model: pass model with boilerplate');

  const base = modelFileBase(symbol);
  const provenance: ModelProvenance = {
    modelPath: req.modelPath,
    sha256: sha256Hex(req.modelBytes),
    byteSize: req.modelBytes.length,
    date: req.date ?? new Date(),
    arena: req.arena,
  };
  const dataHeaderName = `${base}_data.h`;
  const dataHeaderPath = joinPath(project.includeDir, dataHeaderName);
  const dataSourcePath = joinPath(project.sourceDir, `${base}_data${lang === 'c' ? '.c' : project.cppExtension}`);
  const text = (s: string): Uint8Array => Buffer.from(s, 'utf8');
  const arrayOpts = { symbol, lang, lineWidth: req.lineWidth, section: req.section, headerFileName: dataHeaderName };

  const files: Omit<PlannedFile, 'kind'>[] = [
    {
      path: dataSourcePath,
      contents: generateCArraySource(req.modelBytes, provenance, arrayOpts),
      description: `model ${req.modelPath} as ${symbol}[] (${req.modelBytes.length} bytes, 16-byte aligned)`,
    },
    { path: dataHeaderPath, contents: text(generateCArrayHeader(provenance, arrayOpts)), description: `declares ${symbol} and ${symbol}_len` },
  ];
  const notes = [...project.notes];
  let arena: ArenaSizing | undefined;
  let resolver: ResolverPlan | undefined;
  const sources = [dataSourcePath];

  if (req.boilerplate && req.model) {
    const runnerHeaderName = `${base}_runner.h`;
    const runner = generateModelRunner(req.model, provenance, {
      symbol,
      prefix: base,
      dataHeader: dataHeaderName,
      runnerHeader: runnerHeaderName,
      arduinoLibraryHeader: project.arduinoLibraryHeader,
      arena: req.arena,
      arenaMarginPercent: req.arenaMarginPercent,
      externalArena: req.externalArena,
    });
    arena = runner.arena;
    resolver = runner.resolver;
    const runnerSourcePath = joinPath(project.sourceDir, `${base}_runner${project.cppExtension}`);
    files.push(
      {
        path: runnerSourcePath,
        contents: text(runner.source),
        description: `TFLite Micro runner: MicroMutableOpResolver<${runner.resolver.size}>, ${runner.arena.bytes}-byte arena`,
      },
      { path: joinPath(project.includeDir, runnerHeaderName), contents: text(runner.header), description: `${base}_setup(), ${base}_invoke() and tensor helpers` },
    );
    sources.push(runnerSourcePath);
    if (req.golden) {
      const test = planHostTest(req.model, provenance, req.golden, project, base, runnerHeaderName, [dataSourcePath, runnerSourcePath]);
      files.push(...test.files);
      notes.push(...test.notes);
    } else if (req.goldenNote) {
      notes.push(`No host test: ${req.goldenNote}.`);
    }
    if (lang === 'c') notes.push(`${runnerSourcePath} is C++ (TFLite Micro is a C++ library); call it from C through ${runnerHeaderName}.`);
    for (const e of runner.resolver.entries) {
      if (e.kind === 'custom') notes.push(`Custom operator "${e.customCode}" needs your kernel: see the TODO in ${runnerSourcePath}.`);
      if (e.kind === 'unsupported') notes.push(`${e.op} has no TFLite Micro kernel: the model will not run until it is replaced.`);
    }
  }

  const build = buildChanges(project, req.snapshot, sources, !!req.boilerplate);
  notes.push(...build.notes);
  return {
    project,
    files: files.map((f) => ({ ...f, kind: kindOf(req.snapshot, f.path) })),
    edits: build.edits,
    notes,
    symbol,
    arena,
    resolver,
  };
}
