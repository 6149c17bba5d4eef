import { arenaFigures, arenaGapNote, buildLabel, DEFAULT_ARENA_MARGIN_PERCENT, estimateArena, type ArenaEstimate, type ArenaOptions } from '../../core/arena';
import { checkTflmCompatibility, isTflmCompatible, type TflmProblem } from '../../core/analysis/tflm-compat';
import { formatCount, formatOperatorRef } from '../../core/common/format';
import { parseCommand } from '../args';
import { ARENA_BUILD_FLAGS, arenaBuildArgs, arenaBuildUsage } from '../arena-build-args';
import { EXIT_OK, UsageError } from '../cli-io';
import { readModelFile } from '../read-model-file';

export const ARENA_USAGE = `tinyml arena MODEL ${arenaBuildUsage()} [--json]`;

interface Out {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** `tinyml arena MODEL ...`: the TFLite Micro tensor arena the model needs, and what would stop it from running. */
export async function runArena(args: string[], out: Out): Promise<number | undefined> {
  const parsed = parseCommand(args, { ...ARENA_BUILD_FLAGS, json: { type: 'boolean' } });
  if (!parsed) return undefined;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'arena takes one MODEL' : 'no model given: pass the path of a .tflite file', true);
  const build = arenaBuildArgs(values);
  const options: Required<ArenaOptions> = { ...build, marginPercent: build.marginPercent ?? DEFAULT_ARENA_MARGIN_PERCENT };
  const file = positionals[0]!;
  const { model } = readModelFile(file);
  const problems = checkTflmCompatibility(model, options.kernels);
  let estimate: ArenaEstimate;
  try {
    estimate = estimateArena(model, options);
  } catch (e) {
    throw new UsageError(`${file}: cannot model the arena: ${(e as Error).message}`);
  }
  out.stdout(values.json ? JSON.stringify(toJson(estimate, problems), null, 2) + '\n' : formatText(file, estimate, problems));
  return EXIT_OK;
}

function toJson(e: ArenaEstimate, problems: TflmProblem[]) {
  return {
    target: e.target, kernels: e.kernels, isa: e.kernels === 'cmsis-nn' ? e.isa : undefined,
    arenaUsedBytes: e.arenaUsedBytes, minArenaBytes: e.minArenaBytes, headBytes: e.headBytes, tailBytes: e.tailBytes,
    marginPercent: e.marginPercent, recommendedArenaBytes: e.recommendedArenaBytes,
    exact: e.exact, unknownKernels: e.unknownKernels,
    peak: e.peak, breakdown: e.breakdown,
    compatible: isTflmCompatible(problems),
    problems: problems.map((p) => ({ operatorIndex: p.operatorIndex, subgraph: p.subgraph, opcode: p.opcode, severity: p.severity, message: p.message })),
  };
}

const fmt = formatCount;

function formatText(file: string, e: ArenaEstimate, problems: TflmProblem[]): string {
  const lines: string[] = [];
  lines.push(`${file} — TFLite Micro tensor arena (${buildLabel(e)})`);
  lines.push('');
  for (const f of arenaFigures(e)) {
    lines.push(`  ${f.label.toLowerCase().padEnd(28)}  ${fmt(f.bytes).padStart(9)} bytes  ${f.explanation}`);
    if (f.key !== 'used') continue;
    lines.push(`    head                        ${fmt(e.headBytes).padStart(9)} bytes  activations and scratch buffers (memory plan)`);
    lines.push(`    tail                        ${fmt(e.tailBytes).padStart(9)} bytes  persistent allocations`);
    for (const [category, bytes] of Object.entries(e.breakdown.tail)) {
      if (bytes) lines.push(`      ${category.padEnd(26)}${fmt(bytes).padStart(9)}`);
    }
  }
  if (e.peak) lines.push(`  peak at operator ${formatOperatorRef(e.peak.operatorIndex, e.peak.opcode)}: ${fmt(e.peak.bytes)} bytes of head in use`);
  if (!e.exact) {
    lines.push(`  approximate: no allocation rule for ${[...new Set(e.unknownKernels.map((k) => k.opcode))].join(', ')} (their OpData and scratch are not counted)`);
  }
  const gap = arenaGapNote(e);
  if (gap) lines.push(`  ${gap}`);
  lines.push('');
  if (problems.length === 0) {
    lines.push('TFLite Micro compatibility: no problems found');
  } else {
    lines.push(`TFLite Micro compatibility: ${isTflmCompatible(problems) ? 'runs, with notes' : 'will NOT run as is'}`);
    for (const p of problems) {
      const where = p.operatorIndex >= 0 ? `operator ${formatOperatorRef(p.operatorIndex, p.opcode)}` : 'model';
      lines.push(`  ${p.severity.padEnd(7)} ${where}: ${p.message}`);
    }
  }
  return lines.join('\n') + '\n';
}
