import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BoardFileError, builtinCatalog, mergeUserBoards, type BoardCatalog } from '../../core/fit/board-catalog';
import type { DetectedBoard } from '../../core/fit/board-detect';
import { BoardChoiceError, chooseBoard, describeDetected, type BoardChoice } from '../../core/fit/choose-board';
import { estimateFit, type FitReport } from '../../core/fit/fit';
import { FIT_KERNELS, KernelChoiceError, type FitKernels } from '../../core/fit/latency';
import { suggestFixes, type Suggestion } from '../../core/fit/suggest';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK, UsageError, type CliIo } from '../cli-io';
import { readModelFile } from '../read-model-file';
import { formatMs } from '../../core/common/format';

export const FIT_USAGE =
  'tinyml fit MODEL [--board ID] [--project DIR] [--boards-file F] [--kernels reference|cmsis-nn|esp-nn] [--max-latency-ms N] [--json] | tinyml fit --list-boards';

/** `tinyml fit MODEL`: RAM, flash and latency of the model on a board; exit 3 when it does not fit or is too slow. */
export async function runFit(args: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true, strict: true,
      options: {
        board: { type: 'string' }, project: { type: 'string' }, 'boards-file': { type: 'string' }, kernels: { type: 'string' },
        'max-latency-ms': { type: 'string' }, json: { type: 'boolean' }, 'list-boards': { type: 'boolean' },
      },
    });
    const catalog = loadCatalog(values['boards-file']);
    if (values['list-boards']) {
      io.stdout(values.json ? JSON.stringify(catalog.boards, null, 2) + '\n' : listBoards(catalog));
      return EXIT_OK;
    }
    if (positionals.length !== 1) throw new UsageError(`usage: ${FIT_USAGE}`);
    const kernels = values.kernels;
    if (kernels !== undefined && !(FIT_KERNELS as readonly string[]).includes(kernels)) {
      throw new UsageError(`--kernels must be one of ${FIT_KERNELS.join(', ')} (got '${kernels}')`);
    }
    const maxLatencyMs = values['max-latency-ms'] === undefined ? undefined : Number(values['max-latency-ms']);
    if (maxLatencyMs !== undefined && !(Number.isFinite(maxLatencyMs) && maxLatencyMs > 0)) {
      throw new UsageError(`--max-latency-ms must be a number of milliseconds > 0 (got '${values['max-latency-ms']}')`);
    }
    const { board, detected } = chooseProjectBoard(catalog, values.board, values.project ?? process.cwd());
    const file = positionals[0]!;
    const { model, bytes } = readModelFile(file);
    let report: FitReport;
    try {
      report = estimateFit(model, board, { kernels: kernels as FitKernels | undefined, modelBytes: bytes.length, maxLatencyMs });
    } catch (e) {
      if (e instanceof KernelChoiceError) throw new UsageError(e.message);
      throw new UsageError(`${file}: cannot estimate the fit: ${(e as Error).message}`);
    }
    const suggestions = suggestFixes(model, report, catalog);
    const ok = report.fitsRam && report.fitsFlash && report.fitsLatency !== false;
    io.stdout(values.json ? JSON.stringify(toJson(report, suggestions, detected, maxLatencyMs), null, 2) + '\n' : formatText(file, report, suggestions, detected, maxLatencyMs));
    return ok ? EXIT_OK : EXIT_CHECK_FAILED;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (e instanceof UsageError || e instanceof BoardFileError || code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`tinyml fit: ${(e as Error).message.split('\n')[0]}\n`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
}

function loadCatalog(file: string | undefined): BoardCatalog {
  if (file === undefined) return builtinCatalog();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot read the boards file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return mergeUserBoards(text, file);
}

function chooseProjectBoard(catalog: BoardCatalog, id: string | undefined, project: string): BoardChoice {
  const read = (rel: string): string | undefined => {
    try {
      return fs.readFileSync(path.join(project, rel), 'utf8');
    } catch {
      return undefined;
    }
  };
  try {
    return chooseBoard(catalog, id, read, `in ${project}`);
  } catch (e) {
    if (!(e instanceof BoardChoiceError)) throw e;
    const hint = {
      'unknown-board': "; 'tinyml fit --list-boards' lists them, --boards-file adds your own",
      'not-in-catalog': ': pass --board ID or add it with --boards-file',
      'none-found': ': pass --board ID',
    }[e.kind];
    throw new UsageError(e.message + hint);
  }
}

function toJson(r: FitReport, suggestions: Suggestion[], detected: DetectedBoard | undefined, maxLatencyMs: number | undefined) {
  return {
    board: r.board.id, boardName: r.board.name, core: r.board.core, clockMhz: r.board.clockMhz,
    detectedFrom: detected ? { kind: detected.kind, file: detected.file, raw: detected.raw, env: detected.env } : undefined,
    kernels: r.kernels,
    ramBytes: r.ramBytes, ramBudgetBytes: r.board.ramBytes, largestRegionBytes: r.board.largestRegionBytes, ram: r.ram,
    flashBytes: r.flashBytes, flashBudgetBytes: r.board.flashBytes, flash: r.flash,
    latencyMs: round(r.latency.ms), latencyRangeMs: r.latency.rangeMs.map(round),
    maxLatencyMs, fitsLatency: r.fitsLatency,
    fitsRam: r.fitsRam, arenaFitsRegion: r.arenaFitsRegion, fitsFlash: r.fitsFlash,
    perOperator: r.latency.perOperator.map((o) => ({ subgraph: o.subgraph, operatorIndex: o.operatorIndex, opcode: o.opcode, ms: round(o.ms) })),
    assumptions: r.assumptions,
    suggestions: suggestions.map((s) => s.message),
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
const kb = (n: number) => `${(n / 1024).toFixed(n < 100 * 1024 ? 1 : 0)} KB`;
const msText = (n: number) => `${formatMs(n)} ms`;

function bar(used: number, total: number): string {
  const width = 24;
  const filled = Math.min(width, Math.round((used / total) * width));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${used > total ? '+' : ' '}`;
}

function formatText(file: string, r: FitReport, suggestions: Suggestion[], detected: DetectedBoard | undefined, maxLatencyMs: number | undefined): string {
  const b = r.board;
  const lines: string[] = [];
  lines.push(`${file} on ${b.id} (${b.name}: ${b.mcu}, ${b.core} ${b.clockMhz} MHz), ${r.kernels} kernels`);
  if (detected) lines.push(`  board from ${describeDetected(detected)}`);
  lines.push('');
  const verdict = (ok: boolean) => (ok ? 'fits' : 'DOES NOT FIT');
  lines.push(`  RAM      ${kb(r.ramBytes).padStart(9)} of ${kb(b.ramBytes).padEnd(8)} ${bar(r.ramBytes, b.ramBytes)} ${verdict(r.fitsRam)}`);
  lines.push(`    arena ${kb(r.ram.arenaBytes)}${r.arenaFitsRegion ? '' : ` > largest contiguous region ${kb(b.largestRegionBytes)}`}, interpreter ${r.ram.interpreterObjectBytes} B, resolver ${r.ram.resolverObjectBytes} B, TFLM globals ${r.ram.tflmStaticBytes} B, runner ${r.ram.runnerStaticBytes} B, C runtime ${r.ram.cRuntimeBytes} B`);
  lines.push(`  flash    ${kb(r.flashBytes).padStart(9)} of ${kb(b.flashBytes).padEnd(8)} ${bar(r.flashBytes, b.flashBytes)} ${verdict(r.fitsFlash)}`);
  const kernelBytes = r.flash.kernels.reduce((a, k) => a + k.bytes, 0) - r.flash.sharedKernelCodeCountedOnceBytes;
  lines.push(`    model ${kb(r.flash.modelBytes)}, TFLM core ${kb(r.flash.interpreterBytes)}, kernels ${kb(kernelBytes)} (${r.flash.kernels.map((k) => `${k.what} ${kb(k.bytes)}${k.measured ? '' : '?'}`).join(', ')}; shared code −${kb(r.flash.sharedKernelCodeCountedOnceBytes)}), runner ${kb(r.flash.runnerBytes)}, C runtime ${kb(r.flash.cRuntimeBytes)}`);
  const [lo, hi] = r.latency.rangeMs;
  const budget = maxLatencyMs === undefined ? '' : ` budget ${msText(maxLatencyMs)}: ${r.fitsLatency ? 'ok' : 'TOO SLOW'}`;
  lines.push(`  latency  ≈ ${msText(r.latency.ms)} (range ${msText(lo)} – ${msText(hi)})${budget}`);
  const slow = [...r.latency.perOperator].sort((a, c) => c.ms - a.ms).slice(0, 3).filter((o) => o.ms > 0);
  if (slow.length) lines.push(`    slowest: ${slow.map((o) => `#${o.operatorIndex} ${o.opcode} ${msText(o.ms)}`).join(', ')}`);
  if (suggestions.length) {
    lines.push('', 'What would help:');
    for (const s of suggestions) lines.push(`  - ${s.message}`);
  }
  lines.push('', 'Assumptions:');
  for (const a of r.assumptions) lines.push(`  - ${a}`);
  return lines.join('\n') + '\n';
}

function listBoards(catalog: BoardCatalog): string {
  const rows = catalog.boards.map((b) =>
    `  ${b.id.padEnd(22)} ${b.core.padEnd(14)} ${String(b.clockMhz).padStart(4)} MHz  RAM ${kb(b.ramBytes).padStart(8)}  flash ${kb(b.flashBytes).padStart(8)}  ${b.name}${catalog.userIds.has(b.id) ? '  (boards file)' : ''}`);
  return [`${catalog.boards.length} boards:`, ...rows, ''].join('\n');
}
