import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TARGETS, type TargetName } from '../../core/arena';
import {
  CArrayParseError, DEFAULT_ARENA_TARGET, estimateArenaForExport, ExportConflictError, ExportOptionError,
  ExportPermissionError, planExport, type ExportPlan,
} from '../../core/codegen';
import { PROJECT_TYPES, type ProjectType } from '../../core/firmware';
import { applyExportPlan, StalePlanError } from '../../core/codegen/node-apply';
import { nodeProjectSnapshot } from '../../core/firmware/node-snapshot';
import { loadModel, ModelFormatError, type Model } from '../../core/tflite';
import { EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, UsageError, type CliIo } from '../cli-io';

export const EXPORT_USAGE =
  'tinyml export MODEL --out DIR [--name g_model] [--lang c|cpp] [--project-type auto|platformio|arduino|esp-idf|' +
  'zephyr|stm32cube|cmake|make|folder] [--boilerplate] [--force] [--line-width N] [--section NAME] ' +
  `[--target ${Object.keys(TARGETS).join('|')}] [--arena-margin PERCENT] [--dry-run]`;

const PROJECT_TYPE_VALUES: readonly string[] = ['auto', ...PROJECT_TYPES, 'folder'];

function intOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} expects a whole number, got "${value}"`);
  return Number(value);
}

function readModelBytes(file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a .tflite file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UsageError(`${file}: ${why}`);
  }
}

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
 * Exit codes: 0 done, 2 bad input (one line on stderr), 1 refused (foreign file, not writable) or failed.
 */
export async function runExport(args: string[], out: CliIo): Promise<number> {
  try {
    return exportCommand(args, out);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (e instanceof UsageError || e instanceof ExportOptionError || e instanceof CArrayParseError || code.startsWith('ERR_PARSE_ARGS')) {
      out.stderr(`tinyml export: ${(e as Error).message.split('\n')[0]}\n`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof ExportConflictError || e instanceof ExportPermissionError || e instanceof StalePlanError) {
      out.stderr(`tinyml export: ${e.message}\n`);
      return EXIT_FAILURE;
    }
    throw e;
  }
}

function exportCommand(args: string[], out: CliIo): number {
  const { values, positionals } = parseArgs({
    args,
    options: {
      out: { type: 'string', short: 'o' },
      name: { type: 'string' },
      lang: { type: 'string' },
      'project-type': { type: 'string' },
      boilerplate: { type: 'boolean' },
      force: { type: 'boolean' },
      'line-width': { type: 'string' },
      section: { type: 'string' },
      target: { type: 'string' },
      'arena-margin': { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out.stdout(`usage: ${EXPORT_USAGE}\n`);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one MODEL, got ${positionals.length}. usage: ${EXPORT_USAGE}`);
  if (!values.out) throw new UsageError('--out DIR is required: the project or folder to export into');
  const lang = values.lang ?? 'cpp';
  if (lang !== 'c' && lang !== 'cpp') throw new UsageError(`--lang must be c or cpp, got "${lang}"`);
  const projectType = values['project-type'] ?? 'auto';
  if (!PROJECT_TYPE_VALUES.includes(projectType)) {
    throw new UsageError(`--project-type must be one of ${PROJECT_TYPE_VALUES.join(', ')}, got "${projectType}"`);
  }
  const target = (values.target ?? DEFAULT_ARENA_TARGET) as TargetName;
  if (!(target in TARGETS)) throw new UsageError(`--target must be one of ${Object.keys(TARGETS).join(', ')}, got "${target}"`);
  const lineWidth = intOption(values['line-width'], '--line-width');
  const arenaMarginPercent = intOption(values['arena-margin'], '--arena-margin');

  const modelFile = positionals[0]!;
  const outDir = path.resolve(values.out);
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) throw new UsageError(`--out ${values.out} is a file, not a folder`);
  const bytes = readModelBytes(modelFile);
  if (bytes.length === 0) throw new UsageError(`${modelFile} is empty`);

  let model: Model | undefined;
  try {
    model = loadModel(bytes).model;
  } catch (e) {
    if (!(e instanceof ModelFormatError)) throw e;
    // The array itself does not need a readable model, the runner does.
    if (values.boilerplate) throw new UsageError(e.withFile(modelFile).message);
    out.stderr(`tinyml export: warning: ${e.withFile(modelFile).message.split('\n')[0]}; exporting the bytes as they are\n`);
  }
  const arenaEstimate = model ? estimateArenaForExport(model, target) : {};

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
  });
  if (arenaEstimate.note && values.boilerplate) plan.notes.push(arenaEstimate.note);
  const shown = (rel: string): string => path.relative(process.cwd(), path.join(outDir, ...rel.split('/').filter(Boolean))) || '.';

  if (values['dry-run']) {
    out.stdout(describePlan(plan, shown, true));
    return EXIT_OK;
  }
  applyExportPlan(plan, outDir, { force: !!values.force });
  out.stdout(describePlan(plan, shown, false));
  return EXIT_OK;
}
