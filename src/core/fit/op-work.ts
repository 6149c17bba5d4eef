/**
 * The work of one operator in the units the latency model prices: multiply-accumulates for the matrix ops (from
 * `operatorMacs`, the one MAC rule), window elements for pooling, output elements for everything that touches each
 * element once (elementwise arithmetic, activations, (de)quantize, softmax, copies).
 */
import { operatorMacs } from '../analysis/op-cost';
import { elementCount, opcodeName, TensorType, type Model, type Operator, type SubGraph } from '../tflite';

export type WorkClass = 'conv' | 'dwconv' | 'fc' | 'rnn' | 'pool' | 'elementwise' | 'transcendental' | 'copy' | 'free';

export const WORK_CLASSES: readonly WorkClass[] = ['conv', 'dwconv', 'fc', 'rnn', 'pool', 'elementwise', 'transcendental', 'copy', 'free'];

const CLASS_OF: Readonly<Record<string, WorkClass>> = {
  CONV_2D: 'conv', CONV_3D: 'conv', TRANSPOSE_CONV: 'conv',
  DEPTHWISE_CONV_2D: 'dwconv',
  FULLY_CONNECTED: 'fc', BATCH_MATMUL: 'fc',
  UNIDIRECTIONAL_SEQUENCE_LSTM: 'rnn', LSTM: 'rnn', SVDF: 'rnn',
  AVERAGE_POOL_2D: 'pool', MAX_POOL_2D: 'pool', L2_POOL_2D: 'pool', MEAN: 'pool', SUM: 'pool', REDUCE_MAX: 'pool',
  REDUCE_MIN: 'pool',
  // one exp/log/division per element (or a LUT lookup in int8): priced apart from cheap elementwise ops
  SOFTMAX: 'transcendental', LOG_SOFTMAX: 'transcendental', LOGISTIC: 'transcendental', TANH: 'transcendental',
  EXP: 'transcendental', LOG: 'transcendental', SQRT: 'transcendental', RSQRT: 'transcendental', ELU: 'transcendental',
  HARD_SWISH: 'transcendental', L2_NORMALIZATION: 'transcendental', DIV: 'transcendental', SIN: 'transcendental',
  COS: 'transcendental',
  // views: TFLM shares or memcpy's the buffer, cost ~ nothing beyond the per-op overhead
  RESHAPE: 'free', SQUEEZE: 'free', EXPAND_DIMS: 'free', SHAPE: 'free',
  CONCATENATION: 'copy', PAD: 'copy', PADV2: 'copy', MIRROR_PAD: 'copy', TRANSPOSE: 'copy', STRIDED_SLICE: 'copy',
  SLICE: 'copy', SPLIT: 'copy', SPLIT_V: 'copy', PACK: 'copy', UNPACK: 'copy', GATHER: 'copy', GATHER_ND: 'copy',
  SPACE_TO_DEPTH: 'copy', DEPTH_TO_SPACE: 'copy', SPACE_TO_BATCH_ND: 'copy', BATCH_TO_SPACE_ND: 'copy',
  RESIZE_NEAREST_NEIGHBOR: 'copy', RESIZE_BILINEAR: 'elementwise', BROADCAST_TO: 'copy', TILE: 'copy', FILL: 'copy',
  ZEROS_LIKE: 'copy', CAST: 'copy', REVERSE_V2: 'copy',
};

export interface OperatorWork {
  subgraph: number;
  operatorIndex: number;
  opcode: string;
  workClass: WorkClass;
  /** MACs (conv/dwconv/fc/rnn), window elements (pool) or output elements (the rest). */
  units: number;
  /** Elements the operator writes. */
  outputElements: number;
  /** Float32 data: TFLM runs its reference float kernels whatever the optimized library. */
  float: boolean;
}

function outputElements(g: SubGraph, op: Operator): number {
  let n = 0;
  for (const t of op.outputs) {
    const s = t >= 0 ? g.tensors[t]?.shape : undefined;
    if (s && s.length) n += elementCount(s.map((d) => Math.max(d, 1)));
  }
  return n;
}

export function operatorWork(model: Model, subgraph: number, operatorIndex: number): OperatorWork {
  const g = model.subgraphs[subgraph]!;
  const op = g.operators[operatorIndex]!;
  const code = model.operatorCodes[op.opcodeIndex];
  const opcode = code ? opcodeName(code) : 'UNKNOWN';
  const workClass = CLASS_OF[opcode] ?? 'elementwise';
  const macs = operatorMacs(model, g, op);
  const outputs = outputElements(g, op);
  const units = workClass === 'conv' || workClass === 'dwconv' || workClass === 'fc' || workClass === 'rnn' || workClass === 'pool'
    ? (macs || outputs)
    : workClass === 'free' ? 0 : outputs;
  const first = op.inputs[0] ?? -1;
  const float = first >= 0 && g.tensors[first]?.type === TensorType.FLOAT32;
  return { subgraph, operatorIndex, opcode, workClass, units, outputElements: outputs, float };
}

/** Work of every operator that runs: the main subgraph and the subgraphs control-flow ops call (counted once). */
export function modelWork(model: Model): OperatorWork[] {
  const out: OperatorWork[] = [];
  model.subgraphs.forEach((g, s) => g.operators.forEach((_, i) => out.push(operatorWork(model, s, i))));
  return out;
}

/** Units per class over the whole model. */
export function workByClass(work: readonly OperatorWork[]): Record<WorkClass, number> {
  const sums = Object.fromEntries(WORK_CLASSES.map((c) => [c, 0])) as Record<WorkClass, number>;
  for (const w of work) sums[w.workClass] += w.units;
  return sums;
}
