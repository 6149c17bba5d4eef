/**
 * Functions over the decoded model that every quantization mode needs: reading constant values, telling weights
 * from activations, and the final clean-up (drop tensors and buffers nothing refers to, rebuild operator codes).
 */
import { BuiltinOperator, densify, elementCount, isConstant, operatorCode, TensorType, type Buffer, type Model, type Operator, type OperatorCode, type SubGraph, type Tensor } from '../tflite/index';
import { halfToFloat } from '../common/float16';

export { isConstant };

/**
 * The name of a float layer's own copy of a value the file writes as int16 (on a widened output's path, written by
 * mixed precision): the value keeps its name as int16; the per-layer accuracy pairs the copy with the float layer.
 */
export const FLOAT_COPY_SUFFIX = '_float32';

/**
 * The float model's name of a tensor of the integer model: with float I/O an output's integer value before its
 * DEQUANTIZE is `<name>_int8` (integer-graph.ts), the output keeping `<name>`.
 */
export function floatNameOf(name: string): string {
  return name.replace(/_int8$/, '');
}

/** Float values of a FLOAT32, FLOAT16 or (dequantized) INT8 constant. */
export function constantFloats(model: Model, tensor: Tensor): Float32Array {
  const data = model.buffers[tensor.buffer]!.data;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  switch (tensor.type) {
    // Copied out of the file's bytes (which need not be 4-aligned); every platform we run on is little-endian.
    case TensorType.FLOAT32: return new Float32Array(data.slice().buffer);
    case TensorType.FLOAT16: {
      // A plain loop: Float32Array.from with a mapping function took 2.3 s on pose_landmark_heavy's 13.7 M halves.
      const out = new Float32Array(data.byteLength / 2);
      for (let i = 0; i < out.length; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return out;
    }
    case TensorType.INT8: {
      const q = tensor.quantization;
      const scales = q?.scale ?? [1];
      const zps = q?.zeroPoint ?? [0];
      const axis = q?.quantizedDimension ?? 0;
      const inner = elementCount(tensor.shape.slice(axis + 1));
      const channels = tensor.shape[axis] ?? 1;
      return Float32Array.from({ length: data.byteLength }, (_, i) => {
        const c = scales.length > 1 ? Math.floor(i / inner) % channels : 0;
        return (view.getInt8(i) - (zps[c] ?? 0)) * scales[c]!;
      });
    }
    default: throw new RangeError(`tensor "${tensor.name}" is not a float constant`);
  }
}

export function bytesOf(values: Float32Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

export function newBuffer(data: Uint8Array): Buffer {
  return { data, offset: 0n, size: 0n };
}

/** Index of the op producing each tensor (-1 for inputs and constants). */
export function producers(sg: SubGraph): Int32Array {
  const p = new Int32Array(sg.tensors.length).fill(-1);
  sg.operators.forEach((op, i) => op.outputs.forEach((t) => { if (t >= 0) p[t] = i; }));
  return p;
}

/** An operator without options (its opcode index is set by assembleOperators): QUANTIZE, DEQUANTIZE, RELU, ... */
export function simpleOp(inputs: number[], outputs: number[]): Operator {
  return { opcodeIndex: 0, inputs, outputs, customOptionsFormat: 0, debugMetadataIndex: -1 };
}

/** Opcode table rebuilt from (code, version, custom code) per operator; operators get their new opcode indices. */
export interface VersionedOperator {
  op: Operator;
  code: BuiltinOperator;
  version: number;
  customCode?: string;
}

export function assembleOperators(ops: VersionedOperator[]): { operators: Operator[]; operatorCodes: OperatorCode[] } {
  const codes: OperatorCode[] = [];
  const index = new Map<string, number>();
  const operators = ops.map(({ op, code, version, customCode }) => {
    const key = `${code}:${version}:${customCode ?? ''}`;
    let i = index.get(key);
    if (i === undefined) {
      i = codes.length;
      index.set(key, i);
      codes.push(operatorCode(code, version, customCode));
    }
    return { ...op, opcodeIndex: i };
  });
  return { operators, operatorCodes: codes };
}

/**
 * Drops the tensors of subgraph 0 that no operator, input or output refers to, then the buffers no tensor or
 * metadata refers to, renumbering everything (signatures included). Other subgraphs' tensors are untouched.
 */
export function compactModel(model: Model): Model {
  const sg = model.subgraphs[0]!;
  const used = new Uint8Array(sg.tensors.length);
  const mark = (t: number) => { if (t >= 0) used[t] = 1; };
  sg.inputs.forEach(mark);
  sg.outputs.forEach(mark);
  for (const op of sg.operators) {
    op.inputs.forEach(mark);
    op.outputs.forEach(mark);
    op.intermediates?.forEach(mark);
  }
  const tensorMap = new Int32Array(sg.tensors.length).fill(-1);
  const tensors: Tensor[] = [];
  sg.tensors.forEach((t, i) => { if (used[i]) { tensorMap[i] = tensors.length; tensors.push(t); } });
  const remap = (t: number) => (t < 0 ? t : tensorMap[t]!);
  const operators = sg.operators.map((op) => {
    const copy: Operator = { ...op, inputs: op.inputs.map(remap), outputs: op.outputs.map(remap) };
    if (op.intermediates) copy.intermediates = op.intermediates.map(remap);
    return copy;
  });
  const newSg: SubGraph = { ...sg, tensors, operators, inputs: sg.inputs.map(remap), outputs: sg.outputs.map(remap) };
  const subgraphs = model.subgraphs.map((s, i) => (i === 0 ? newSg : s));

  const bufferUsed = new Uint8Array(model.buffers.length);
  bufferUsed[0] = 1;
  for (const s of subgraphs) for (const t of s.tensors) bufferUsed[t.buffer] = 1;
  for (const md of model.metadata) bufferUsed[md.buffer] = 1;
  for (const b of model.metadataBuffer ?? []) bufferUsed[b] = 1;
  const bufferMap = new Int32Array(model.buffers.length).fill(-1);
  const buffers: Buffer[] = [];
  model.buffers.forEach((b, i) => { if (bufferUsed[i]) { bufferMap[i] = buffers.length; buffers.push(b); } });
  const rebuffer = (t: Tensor): Tensor => ({ ...t, buffer: bufferMap[t.buffer]! });
  const out: Model = {
    ...model,
    buffers,
    subgraphs: subgraphs.map((s) => ({ ...s, tensors: s.tensors.map(rebuffer) })),
    metadata: model.metadata.map((md) => ({ ...md, buffer: bufferMap[md.buffer]! })),
    signatureDefs: model.signatureDefs.map((sig) => (sig.subgraphIndex !== 0 ? sig : {
      ...sig,
      inputs: sig.inputs.map((m) => ({ ...m, tensorIndex: remap(m.tensorIndex) })),
      outputs: sig.outputs.map((m) => ({ ...m, tensorIndex: remap(m.tensorIndex) })),
    })),
  };
  if (model.metadataBuffer) out.metadataBuffer = model.metadataBuffer.map((b) => bufferMap[b]!);
  return out;
}

/**
 * Replaces each `code` operator whose input is a constant by the constant `value` gives for it: new bytes, or the
 * buffer of another tensor to share. `value` may adjust the output tensor (its quantization), or return undefined to
 * keep the operator. A graph output is folded only with `outputsToo`.
 */
function foldConstantOps(
  model: Model, code: BuiltinOperator, value: (input: Tensor, output: Tensor) => Uint8Array | { shares: number } | undefined,
  opts: { onFold?: (output: number, buffer: Buffer) => void; compact?: boolean; outputsToo?: boolean } = {},
): { model: Model; folded: number } {
  const sg = model.subgraphs[0]!;
  const tensors = sg.tensors.map((t) => ({ ...t }));
  const buffers = [...model.buffers];
  const operators: Operator[] = [];
  let folded = 0;
  for (const op of sg.operators) {
    const input = tensors[op.inputs[0] ?? -1];
    const output = tensors[op.outputs[0] ?? -1];
    const got = model.operatorCodes[op.opcodeIndex]!.builtinCode === code && input && output && isConstant(model, input)
      && (opts.outputsToo || !sg.outputs.includes(op.outputs[0]!)) ? value(input, output) : undefined;
    if (!got) {
      operators.push(op);
      continue;
    }
    if (got instanceof Uint8Array) {
      output!.buffer = buffers.length;
      buffers.push(newBuffer(got));
    } else {
      output!.buffer = got.shares;
    }
    opts.onFold?.(op.outputs[0]!, buffers[output!.buffer]!);
    folded++;
  }
  if (!folded) return { model, folded };
  const subgraphs = model.subgraphs.map((s, i) => (i === 0 ? { ...s, tensors, operators } : s));
  const out = { ...model, buffers, subgraphs };
  return { model: opts.compact === false ? out : compactModel(out), folded };
}

/**
 * Every sparse constant (pruned weights, tflite/sparse-tensor.ts) made dense, and every DENSIFY of a constant replaced
 * by that constant, a graph output too (a DENSIFY left reading a dense input fails LiteRT's Prepare): TFLite Micro
 * has no DENSIFY kernel and no sparse weights, and a dense weight is what every integer kernel reads; the DEQUANTIZE
 * after a DENSIFY (float16 or int8 weights) then folds too. `folded`: the sparse constants made dense. With
 * `keepTensors` nothing is compacted: tensor indices stay (operators after a DENSIFY move up), and the sparse bytes
 * are dropped from their buffers.
 */
export function foldConstantDensify(model: Model, keepTensors = false): { model: Model; folded: number } {
  const sg = model.subgraphs[0]!;
  const sparse = sg.tensors.flatMap((t, i) => (t.sparsity && isConstant(model, t) ? [i] : []));
  if (!sparse.length) return { model, folded: 0 };
  // The kept-index form is asked for twice per LiteRT load (calibrationBatch, then ObservedModel.load): made once.
  const cached = keepTensors ? runnableDense.get(model) : undefined;
  if (cached) return cached;
  const result = densifyModel(model, sparse, keepTensors);
  if (keepTensors) runnableDense.set(model, result);
  return result;
}

const runnableDense = new WeakMap<Model, { model: Model; folded: number }>();

function densifyModel(model: Model, sparse: readonly number[], keepTensors: boolean): { model: Model; folded: number } {
  const sg = model.subgraphs[0]!;
  const buffers = [...model.buffers];
  const tensors = sg.tensors.map((t, i) => {
    if (!sparse.includes(i)) return t;
    const { sparsity: _stored, ...dense } = t;
    buffers.push(newBuffer(densify(t, model.buffers[t.buffer]!.data)));
    return { ...dense, buffer: buffers.length - 1 };
  });
  // The sparse bytes, read by nothing now (compacting drops them; with tensor indices kept they are emptied).
  const read = new Set(model.subgraphs.flatMap((s, k) => (k === 0 ? tensors : s.tensors).map((t) => t.buffer)));
  for (const i of sparse) if (!read.has(sg.tensors[i]!.buffer)) buffers[sg.tensors[i]!.buffer] = newBuffer(new Uint8Array(0));
  const dense: Model = { ...model, buffers, subgraphs: model.subgraphs.map((s, i) => (i === 0 ? { ...s, tensors } : s)) };
  const folded = foldConstantOps(dense, BuiltinOperator.DENSIFY, (input, output) => {
    if (output.type !== input.type) return undefined;
    if (!output.quantization && input.quantization) output.quantization = input.quantization;
    return { shares: input.buffer };
  }, { compact: !keepTensors, outputsToo: true });
  return { model: folded.folded || keepTensors ? folded.model : compactModel(dense), folded: sparse.length };
}

/** Replaces every DEQUANTIZE of a constant (float16 or int8 weights) by a float32 constant, so the graph is all float. */
export function foldConstantDequantize(model: Model, onFold?: (output: number, buffer: Buffer) => void): { model: Model; folded: number } {
  return foldConstantOps(model, BuiltinOperator.DEQUANTIZE, (input, output) => {
    if (output.type !== TensorType.FLOAT32) return undefined;
    delete output.quantization;
    return bytesOf(constantFloats(model, input));
  }, onFold ? { onFold } : {});
}
