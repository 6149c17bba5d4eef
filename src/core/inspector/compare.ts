/**
 * Matching the layers of two models for the Compare view (a float model and its int8 version, two versions of one
 * model): which operator of A corresponds to which operator of B. Three passes, each over what is still unmatched:
 *
 * 1. by output tensor name (the converter and our quantizer keep names), when the opcodes are compatible;
 * 2. by operator sequence: the compute operators of both models (QUANTIZE / DEQUANTIZE, which quantization adds or
 *    removes, are skipped) aligned by a longest common subsequence of their opcodes, with equal output shapes;
 * 3. the rest stays unmatched (shown on one side only).
 *
 * Pure; the extension sends the result with both view models to the compare page.
 */
import { isWeightDequantize } from './graph';
import type { OperatorRow, TensorRow } from './tables';

export interface LayerSide {
  operators: readonly OperatorRow[];
  tensors: readonly TensorRow[];
  fileBytes: number;
}

export interface LayerMatch {
  a: number;
  b: number;
  by: 'name' | 'sequence';
}

export interface ModelComparison {
  matches: LayerMatch[];
  /** Operators of A / B without a counterpart. */
  onlyA: number[];
  onlyB: number[];
  /** File sizes and the bytes of constant tensors (weights) of each. */
  fileBytes: [number, number];
  weightBytes: [number, number];
}

/** Operators that quantization adds around the compute operators: not layers of their own. */
const CONVERSIONS = new Set(['QUANTIZE', 'DEQUANTIZE']);

const outputShape = (side: LayerSide, op: OperatorRow): string => {
  const t = op.outputs[0];
  return t !== undefined && t >= 0 ? (side.tensors[t]?.shape ?? []).join(',') : '';
};

/** Longest common subsequence of two sequences under `same`, iteratively (O(n·m) memory as one byte table). */
function lcs<T>(xs: readonly T[], ys: readonly T[], same: (x: T, y: T) => boolean): [number, number][] {
  const n = xs.length;
  const m = ys.length;
  // Very long models: align in windows instead of one n×m table.
  if (n * m > 25_000_000) {
    const out: [number, number][] = [];
    const step = 2000;
    for (let i = 0, j = 0; i < n && j < m; i += step, j += step) {
      for (const [a, b] of lcs(xs.slice(i, i + step), ys.slice(j, j + step), same)) out.push([a + i, b + j]);
    }
    return out;
  }
  const len = new Uint16Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      len[at(i, j)] = same(xs[i]!, ys[j]!) ? len[at(i + 1, j + 1)]! + 1 : Math.max(len[at(i + 1, j)]!, len[at(i, j + 1)]!);
    }
  }
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (same(xs[i]!, ys[j]!) && len[at(i, j)] === len[at(i + 1, j + 1)]! + 1) { out.push([i, j]); i++; j++; }
    else if (len[at(i + 1, j)]! >= len[at(i, j + 1)]!) i++;
    else j++;
  }
  return out;
}

/**
 * Bytes of the weights a layer reads: its constant inputs, and the constants behind a DEQUANTIZE feeding it (float16
 * or int8 weights stored compressed), so a float layer and its int8 match compare what each file stores for it.
 */
export function layerWeightBytes(side: Pick<LayerSide, 'operators' | 'tensors'>, op: number): number {
  let sum = 0;
  for (const t of side.operators[op]?.inputs ?? []) {
    const row = t >= 0 ? side.tensors[t] : undefined;
    if (!row) continue;
    if (row.constant) { sum += row.bytes; continue; }
    const producer = row.producer !== undefined ? side.operators[row.producer] : undefined;
    if (producer && isWeightDequantize(producer, side.tensors)) {
      for (const u of producer.inputs) if (u >= 0) sum += side.tensors[u]!.bytes;
    }
  }
  return sum;
}

export function matchLayers(a: LayerSide, b: LayerSide): ModelComparison {
  const matches: LayerMatch[] = [];
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  const compatible = (x: OperatorRow, y: OperatorRow) => x.opcode === y.opcode || (CONVERSIONS.has(x.opcode) && CONVERSIONS.has(y.opcode));

  // 1. By output tensor name.
  const bByName = new Map<string, number>();
  for (const op of b.operators) {
    const t = op.outputs[0];
    const name = t !== undefined && t >= 0 ? b.tensors[t]?.name : undefined;
    if (name && !bByName.has(name)) bByName.set(name, op.index);
  }
  for (const op of a.operators) {
    const t = op.outputs[0];
    const name = t !== undefined && t >= 0 ? a.tensors[t]?.name : undefined;
    const other = name ? bByName.get(name) : undefined;
    if (other === undefined || usedB.has(other) || !compatible(op, b.operators[other]!)) continue;
    matches.push({ a: op.index, b: other, by: 'name' });
    usedA.add(op.index);
    usedB.add(other);
  }

  // 2. By sequence of the remaining compute operators.
  const restA = a.operators.filter((op) => !usedA.has(op.index) && !CONVERSIONS.has(op.opcode));
  const restB = b.operators.filter((op) => !usedB.has(op.index) && !CONVERSIONS.has(op.opcode));
  for (const [i, j] of lcs(restA, restB, (x, y) => x.opcode === y.opcode && outputShape(a, x) === outputShape(b, y))) {
    const x = restA[i]!;
    const y = restB[j]!;
    matches.push({ a: x.index, b: y.index, by: 'sequence' });
    usedA.add(x.index);
    usedB.add(y.index);
  }
  matches.sort((p, q) => p.a - q.a);
  const weights = (s: LayerSide) => s.tensors.reduce((sum, t) => sum + (t.constant ? t.bytes : 0), 0);
  return {
    matches,
    onlyA: a.operators.filter((op) => !usedA.has(op.index)).map((op) => op.index),
    onlyB: b.operators.filter((op) => !usedB.has(op.index)).map((op) => op.index),
    fileBytes: [a.fileBytes, b.fileBytes],
    weightBytes: [weights(a), weights(b)],
  };
}
