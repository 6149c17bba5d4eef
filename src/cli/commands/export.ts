import fs from 'node:fs';
import path from 'node:path';
import { estimateArenaForExport, type GoldenData } from '../../core/codegen';
import { computeGolden } from '../../core/codegen/golden';
import { PROJECT_TYPES, type ProjectType, planExport, type ExportPlan } from '../../core/firmware';
import { applyExportPlan } from '../../core/firmware/node-apply';
import { nodeProjectSnapshot } from '../../core/firmware/node-snapshot';
import { loadModel, ModelFormatError, type Model } from '../../core/tflite';
import { readModelFileBytes } from '../../core/tflite/model-file';
import { oneOf, parseCommand, wholeNumber } from '../args';
import { ARENA_BUILD_FLAGS, arenaBuildArgs, arenaBuildUsage } from '../arena-build-args';
import { FIT_KERNELS } from '../../core/fit/latency';
import { EXIT_OK, UsageError, type CliIo } from '../cli-io';

export const EXPORT_USAGE =
  'tinyml export MODEL --out DIR [--name g_model] [--lang c|cpp] [--project-type auto|platformio|arduino|esp-idf|' +
  'zephyr|stm32cube|cmake|make|folder] [--boilerplate] [--force] [--line-width N] [--section NAME] ' +
  `${arenaBuildUsage(FIT_KERNELS)} [--no-host-test] [--dry-run] [--raw]`;

const PROJECT_TYPE_VALUES: readonly string[] = ['auto', ...PROJECT_TYPES, 'folder'];

function describePlan(plan: ExportPlan, shown: (rel: string) => string, dryRun: boolean): string {
  const p = plan.project;
  const lines = [
    `Project: ${p.type} at ${shown(p.root)}${p.evidence.length ? ` (${p.evidence.map(shown).join(', ')})` : ''}`,
  ];
  const verb = (k: string): string => (dryRun ? `would ${k}` : k === 'create' ? 'created' : k === 'update' ? 'updated' : k === 'edit' ? 'edited' : 'overwrote');
  for (const f of plan.files) lines.push(`  ${verb(f.kind === 'conflict' ? 'overwrite' : f.kind).padEnd(16)} ${shown(f.path)}: ${f.description}`);
  for (const e of plan.edits) lines.push(`  ${verb('edit').padEnd(16)} ${shown(e.path)}: ${e.description}`);
  if (plan.arena) lines.push(`Tensor arena: ${plan.arena.bytes} bytes (${plan.arena.explanation})`);
  if (plan.resolver) {
    const ops = plan.resolver.entries.map((e) => (e.kind === 'method' ? e.method.replace(/^Add/, '') : `${e.op} (TODO)`));
    lines.push(`Op resolver: MicroMutableOpResolver<${plan.resolver.size}>: ${ops.join(', ')}`);
  }
  for (const n of plan.notes) lines.push(`Note: ${n}`);
  return lines.join('\n') + '\n';
}

/**
 * `tinyml export MODEL --out DIR ...`: writes the model as a 16-byte aligned C array (and with --boilerplate the
 * TFLite Micro runner) into the firmware project at DIR, in the places its build expects, registering the new sources.
 * A file that is not a valid model is refused unless --raw asks for its bytes as they are. All files are written
 * together or none (core/io/safe-write); a foreign file is replaced only with --force, the model itself never.
 */
export async function runExport(args: string[], out: CliIo): Promise<number | undefined> {
  const parsed = parseCommand(args, {
    out: { type: 'string', short: 'o' },
    name: { type: 'string' },
    lang: { type: 'string' },
    'project-type': { type: 'string' },
    boilerplate: { type: 'boolean' },
    force: { type: 'boolean' },
    'line-width': { type: 'string' },
    section: { type: 'string' },
    ...ARENA_BUILD_FLAGS,
    // The older name of --margin (the one margin of `tinyml arena`, quantize's report and the editor's setting).
    'arena-margin': { type: 'string' },
    'dry-run': { type: 'boolean' },
    'no-host-test': { type: 'boolean' },
    raw: { type: 'boolean' },
  });
  if (!parsed) return undefined;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `expected one MODEL, got ${positionals.length}` : 'no model given: pass the path of a .tflite file', true);
  if (!values.out) throw new UsageError('--out DIR is required: the project or folder to export into', true);
  const lang = oneOf(values.lang, ['c', 'cpp'] as const, '--lang', 'cpp');
  const projectType = oneOf(values['project-type'], PROJECT_TYPE_VALUES, '--project-type', 'auto');
  // The same kernel names as `tinyml fit --kernels`; ESP-NN's scratch is not modelled, its arena is the reference one.
  if (values.margin !== undefined && values['arena-margin'] !== undefined) throw new UsageError('--arena-margin is the old name of --margin: give one of them', true);
  const { target, kernels, isa, marginPercent } = arenaBuildArgs(values, FIT_KERNELS);
  const lineWidth = wholeNumber(values['line-width'], '--line-width');
  const arenaMarginPercent = values['arena-margin'] !== undefined ? wholeNumber(values['arena-margin'], '--arena-margin') : marginPercent;
  if (values.raw && values.boilerplate) throw new UsageError('--raw and --boilerplate do not go together: the TFLite Micro runner needs a valid model', true);

  const modelFile = positionals[0]!;
  const outDir = path.resolve(values.out);
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) throw new UsageError(`--out ${values.out} is a file, not a folder`);
  const bytes = readModelFileBytes(modelFile);

  let model: Model | undefined;
  try {
    model = loadModel(bytes).model;
  } catch (e) {
    if (!(e instanceof ModelFormatError)) throw e;
    // Garbage in a firmware project is worse than an error: the bytes go out as they are only when asked for.
    if (!values.raw) throw new UsageError(`${e.withFile(modelFile).message.split('\n')[0]}; pass --raw to export the bytes as they are`);
    out.stderr(`tinyml export: note: ${e.withFile(modelFile).message.split('\n')[0]}; exporting the bytes as they are (--raw)\n`);
  }
  const arenaEstimate = model ? estimateArenaForExport(model, target, kernels === 'cmsis-nn' ? { kernels, isa } : {}) : {};
  if (kernels === 'esp-nn' && values.boilerplate) out.stderr('tinyml export: note: ESP-NN scratch buffers are not modelled; the arena is sized for the reference kernels (as tinyml fit does)\n');
  // The host test's golden outputs come from our runtime; a model it cannot run is exported without one.
  let golden: GoldenData | undefined;
  let goldenNote: string | undefined;
  if (model && values.boilerplate && !values['no-host-test']) {
    try {
      golden = await computeGolden(model, bytes, { name: path.basename(modelFile) });
    } catch (e) {
      goldenNote = (e as Error).message.replace(/^no host test: /, '');
    }
  }

  const plan = planExport({
    modelBytes: bytes,
    modelPath: path.relative(outDir, path.resolve(modelFile)).split(path.sep).join('/'),
    snapshot: nodeProjectSnapshot(outDir),
    projectType: projectType as ProjectType | 'auto',
    model,
    boilerplate: !!values.boilerplate,
    symbol: values.name,
    lang,
    lineWidth,
    section: values.section,
    arena: arenaEstimate.arena,
    arenaMarginPercent,
    golden,
    goldenNote,
  });
  if (arenaEstimate.note && values.boilerplate) plan.notes.push(arenaEstimate.note);
  const shown = (rel: string): string => path.relative(process.cwd(), path.join(outDir, ...rel.split('/').filter(Boolean))) || '.';

  if (values['dry-run']) {
    out.stdout(describePlan(plan, shown, true));
    return EXIT_OK;
  }
  await applyExportPlan(plan, outDir, { force: !!values.force, inputs: [modelFile], ...(out.writeFs ? { fs: out.writeFs } : {}) });
  out.stdout(describePlan(plan, shown, false));
  return EXIT_OK;
}
