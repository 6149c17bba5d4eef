/**
 * What would make a model fit (or run fast enough), with numbers: int8 instead of float, CMSIS-NN instead of the
 * reference kernels, a smaller input, or a board of the catalog that has the room.
 */
import type { ArenaEstimate } from '../arena';
import { TensorType, type Model } from '../tflite';
import type { BoardCatalog } from './board-catalog';
import { estimateFit, type FitReport } from './fit';
import { defaultKernels } from './latency';

export interface Suggestion {
  kind: 'int8' | 'cmsis-nn' | 'smaller-input' | 'other-board';
  message: string;
}

const KB = (n: number) => `${Math.round(n / 1024)} KB`;
const ms = (n: number) => (n < 10 ? n.toFixed(1) : Math.round(n).toString()) + ' ms';

function floatConstantBytes(model: Model): number {
  let bytes = 0;
  for (const g of model.subgraphs) {
    for (const t of g.tensors) {
      if (t.type === TensorType.FLOAT32) bytes += model.buffers[t.buffer]?.data.length ?? 0;
    }
  }
  return bytes;
}

function isFloatModel(model: Model): boolean {
  const g = model.subgraphs[0];
  return !!g && g.inputs.some((i) => g.tensors[i]?.type === TensorType.FLOAT32) && floatConstantBytes(model) > 0;
}

export function suggestFixes(model: Model, report: FitReport, catalog: BoardCatalog): Suggestion[] {
  const out: Suggestion[] = [];
  const tooBig = !report.fitsRam || !report.fitsFlash;
  const tooSlow = report.fitsLatency === false;
  if (!tooBig && !tooSlow) return out;
  const board = report.board;

  if (isFloatModel(model)) {
    const weights = floatConstantBytes(model);
    const flashAfter = report.flashBytes - weights * 0.75;
    const arenaAfter = report.arena.headBytes / 4 + report.arena.tailBytes;
    out.push({
      kind: 'int8',
      message: `quantize to int8 (tinyml quantize): float32 weights ${KB(weights)} → about ${KB(weights / 4)} (flash ≈ ${KB(flashAfter)} of ${KB(board.flashBytes)}), activations 4× smaller (arena ≈ ${KB(arenaAfter)}), and the optimized int8 kernels apply`,
    });
  }
  if (report.kernels === 'reference' && board.core.startsWith('cortex-m')) {
    const alt = estimateFit(model, board, { kernels: 'cmsis-nn', modelBytes: report.flash.modelBytes });
    out.push({
      kind: 'cmsis-nn',
      message: `build with CMSIS-NN kernels (--kernels cmsis-nn): latency ≈ ${ms(alt.latency.ms)} instead of ${ms(report.latency.ms)}, RAM ${KB(alt.ramBytes)}, flash ${KB(alt.flashBytes)}`,
    });
  }
  const input = model.subgraphs[0]?.inputs.map((i) => model.subgraphs[0]!.tensors[i]!)[0];
  const shape = input?.shape ?? [];
  if (shape.length === 4 && (shape[1] ?? 0) >= 16 && (shape[2] ?? 0) >= 16 && (!report.fitsRam || tooSlow)) {
    const h = shape[1]!;
    const w = shape[2]!;
    out.push({
      kind: 'smaller-input',
      message: `a smaller input: ${h}×${w} → ${Math.round(h / 2)}×${Math.round(w / 2)} cuts activations and convolution work about 4× (arena ≈ ${KB(report.arena.headBytes / 4 + report.arena.tailBytes)}, latency ≈ ${ms(report.latency.ms / 4)}); retrain at that size`,
    });
  }
  const arenaCache = new Map<string, ArenaEstimate>();
  const candidates = catalog.boards
    .filter((b) => b.id !== board.id)
    .map((b) => {
      try {
        return estimateFit(model, b, { kernels: defaultKernels(b), modelBytes: report.flash.modelBytes, arenaCache });
      } catch {
        return undefined;
      }
    })
    .filter((r): r is FitReport => !!r && r.fitsRam && r.fitsFlash)
    .filter((r) => !tooSlow || r.latency.ms < report.latency.ms)
    .sort((a, b) => (tooSlow ? a.latency.ms - b.latency.ms : a.board.ramBytes - b.board.ramBytes || a.latency.ms - b.latency.ms))
    .slice(0, 3);
  if (candidates.length) {
    out.push({
      kind: 'other-board',
      message: `boards it fits: ${candidates.map((r) => `${r.board.id} (${KB(r.ramBytes)} of ${KB(r.board.ramBytes)} RAM, ≈ ${ms(r.latency.ms)})`).join(', ')}`,
    });
  }
  return out;
}
