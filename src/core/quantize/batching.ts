/**
 * Calibration in batches: one runtime call per sample costs a fixed overhead per input and output buffer, which
 * dominates for small models once every activation is an output. When the converter declared the batch dimension
 * free (shape_signature [-1, ...] on every activation), a copy of the model with batch B runs B samples per call.
 * The caller checks the batched copy against single-sample runs before trusting it.
 */
import { elementCount, int32Constant, TensorType, type Model, type Tensor } from '../tflite/index';
import { BuiltinOperator } from '../tflite/index';
import { bytesOf, foldConstantDensify, isConstant, newBuffer } from './graph';

/** Observed bytes per batch that we allow: larger batches stop paying off and only cost memory. */
const BATCH_BYTES_BUDGET = 8 * 1024 * 1024;
export const MAX_BATCH = 32;

/** True when every activation of subgraph 0 has a free leading batch dimension of static size 1. */
export function hasFreeBatch(model: Model): boolean {
  const sg = model.subgraphs[0]!;
  if (model.subgraphs.length !== 1) return false;
  return sg.tensors.every((t) => isConstant(model, t) || (t.shape.length > 0 && t.shape[0] === 1 && t.shapeSignature?.[0] === -1));
}

/** Batch size for calibration: as large as the budget for the observed tensors allows, at most MAX_BATCH. */
export function calibrationBatch(given: Model, observed: readonly number[]): number {
  // As ObservedModel runs it: sparse weights dense, so a DENSIFY's output is a constant, not an activation of batch 1.
  const model = foldConstantDensify(given, true).model;
  if (!hasFreeBatch(model)) return 1;
  const sg = model.subgraphs[0]!;
  const perSample = observed.reduce((a, t) => a + 4 * elementCount(sg.tensors[t]!.shape), 0) || 1;
  return Math.max(1, Math.min(MAX_BATCH, Math.floor(BATCH_BYTES_BUDGET / perSample)));
}

/**
 * `batch` evened out over `samples` for a graph whose activations are integers: as many calls, equal batches (40
 * samples: 20 + 20, not 32 + 8). A forward helper (forward-helper.ts) takes whole batches, so a pass ends with its
 * largest one. Integer kernels compute each row exactly however the rows are batched (DEQUANTIZE too, value by
 * value); a float graph keeps the batch it was checked with.
 */
export function evenBatch(model: Model, samples: number, batch: number): number {
  if (batch < 2 || samples <= batch || !integerActivations(model)) return batch;
  return Math.ceil(samples / Math.ceil(samples / batch));
}

function integerActivations(model: Model): boolean {
  const sg = model.subgraphs[0]!;
  return sg.operators.every((op) => model.operatorCodes[op.opcodeIndex]!.builtinCode === BuiltinOperator.DEQUANTIZE
    || op.outputs.every((t) => t < 0 || sg.tensors[t]!.type !== TensorType.FLOAT32));
}

/** A copy of `model` with batch size `batch` (see hasFreeBatch); RESHAPE targets of batch 1 are scaled too. */
export function withBatch(model: Model, batch: number): Model {
  const sg = model.subgraphs[0]!;
  const buffers = [...model.buffers];
  // Without a shape signature the runtime takes the static batch as it is (it reads -1 as 1 and cannot resize).
  const tensors: Tensor[] = sg.tensors.map((t) => {
    if (isConstant(model, t)) return t;
    const { shapeSignature: _dynamic, ...rest } = t;
    return { ...rest, shape: [batch, ...t.shape.slice(1)] };
  });
  const operators = sg.operators.map((op) => {
    if (model.operatorCodes[op.opcodeIndex]!.builtinCode !== BuiltinOperator.RESHAPE) return op;
    const copy = { ...op };
    const shapeInput = op.inputs[1] ?? -1;
    const st = sg.tensors[shapeInput];
    const dims = st && int32Constant(model, st);
    if (dims) {
      if (dims[0] === 1) {
        dims[0] = batch;
        buffers.push(newBuffer(bytesOf(dims)));
        tensors[shapeInput] = { ...st, buffer: buffers.length - 1 };
      }
    }
    const newShape = op.builtinOptions?.table['new_shape'];
    if (Array.isArray(newShape) && newShape[0] === 1) {
      copy.builtinOptions = { ...op.builtinOptions!, table: { ...op.builtinOptions!.table, new_shape: [batch, ...newShape.slice(1)] as number[] } };
    }
    return copy;
  });
  return { ...model, buffers, subgraphs: model.subgraphs.map((s, i) => (i === 0 ? { ...s, tensors, operators } : s)) };
}
