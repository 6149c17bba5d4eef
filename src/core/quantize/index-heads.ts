/**
 * Outputs that hold indices: an ARG_MAX or ARG_MIN of a float tensor, written as a model output (a classifier that
 * returns its class number, a segmentation model that returns a label map). Indices are not approximations of
 * anything, so SQNR means nothing on them; scored as outputs, every recipe candidate scored 0 dB and the report had
 * no accuracy at all. The quantizer works on the model without these heads, with the values they index as its
 * outputs (scored like any output), and puts the heads back on the quantized values at the end; the report also
 * counts how often the final model's indices equal the float model's.
 */
import { BuiltinOperator, TensorType, type Model, type Operator, type Tensor } from '../tflite/index';
import { assembleOperators, compactModel, newBuffer, producers, type VersionedOperator } from './graph';
import { dequantizeOpVersion } from './op-rules';

/** One index head of the model as given. */
export interface IndexHead {
  /** Its place among the subgraph's outputs, and its operator's index in the model as given. */
  output: number;
  opIndex: number;
  code: BuiltinOperator.ARG_MAX | BuiltinOperator.ARG_MIN;
  /** The tensor of indices as the model gave it (name, shape, int32 or int64). */
  indices: Tensor;
  /** The name of the tensor whose values it indexes: the stripped model's output in its place. */
  of: string;
  /** The axis (a constant int32 or int64 tensor) and its bytes. */
  axis: { tensor: Tensor; data: Uint8Array };
  options?: Operator['builtinOptions'];
}

const INDEX_OPS = new Set([BuiltinOperator.ARG_MAX, BuiltinOperator.ARG_MIN]);

/**
 * The model with its index heads removed and each head's input as the output in its place (signatures follow), or the
 * model itself when it has none. A head whose input is an output already, or a constant, stays: its input is scored.
 */
export function stripIndexHeads(model: Model): { model: Model; heads: IndexHead[] } {
  if (model.subgraphs.length !== 1) return { model, heads: [] };
  const sg = model.subgraphs[0]!;
  const heads: IndexHead[] = [];
  const dropped = new Set<number>();
  const outputs = [...sg.outputs];
  // A head whose indices another operator reads (a GATHER) is part of the computation, not an output head: it stays.
  const read = new Set(sg.operators.flatMap((o) => o.inputs));
  sg.operators.forEach((op, i) => {
    const code = model.operatorCodes[op.opcodeIndex]!.builtinCode;
    const out = op.outputs[0] ?? -1, x = op.inputs[0] ?? -1, a = op.inputs[1] ?? -1;
    const k = sg.outputs.indexOf(out);
    const xt = sg.tensors[x], at = sg.tensors[a];
    const axisData = at ? model.buffers[at.buffer]?.data : undefined;
    if (!INDEX_OPS.has(code) || k < 0 || read.has(out) || sg.outputs.indexOf(out, k + 1) >= 0 || !xt || xt.type !== TensorType.FLOAT32 || model.buffers[xt.buffer]?.data.length
      || outputs.includes(x) || !at || !axisData?.length) return;
    heads.push({ output: k, opIndex: i, code: code as IndexHead['code'], indices: sg.tensors[out]!, of: xt.name, axis: { tensor: at, data: axisData }, ...(op.builtinOptions ? { options: op.builtinOptions } : {}) });
    outputs[k] = x;
    dropped.add(i);
  });
  if (!heads.length) return { model, heads };
  const moved = new Map(heads.map((h) => [sg.outputs[h.output]!, outputs[h.output]!]));
  const stripped = compactModel({
    ...model,
    subgraphs: [{ ...sg, outputs, operators: sg.operators.filter((_, i) => !dropped.has(i)) }],
    signatureDefs: model.signatureDefs.map((s) => (s.subgraphIndex !== 0 ? s : {
      ...s, outputs: s.outputs.map((m) => ({ ...m, tensorIndex: moved.get(m.tensorIndex) ?? m.tensorIndex })),
    })),
  });
  return { model: stripped, heads };
}

/**
 * The outputs of a model that hold indices, in its output order: each written by an ARG_MAX / ARG_MIN, whether the
 * quantizer takes it off to score its input (stripIndexHeads) or leaves it in place (a second head on the same values).
 * The report counts how often each equals the float model's.
 */
export function indexOutputs(model: Model): IndexOutput[] {
  const sg = model.subgraphs[0];
  if (!sg || model.subgraphs.length !== 1) return [];
  return sg.outputs.flatMap((t, output) => {
    const op = sg.operators.find((o) => o.outputs[0] === t);
    const code = op ? model.operatorCodes[op.opcodeIndex]!.builtinCode : undefined;
    if (!op || code === undefined || !INDEX_OPS.has(code)) return [];
    const axis = constantAxis(model, op.inputs[1] ?? -1);
    return [{ output, code: code as IndexHead['code'], of: sg.tensors[op.inputs[0] ?? -1]?.name ?? '?', name: sg.tensors[t]!.name, ...(axis !== undefined ? { axis } : {}) }];
  });
}

export interface IndexOutput {
  /** Its place among the subgraph's outputs. */
  output: number;
  code: IndexHead['code'];
  /** The name of the tensor it indexes, and its axis there (absent: not a one-element constant). */
  of: string;
  axis?: number;
  name: string;
}

/** The value of a one-element constant int32 / int64 axis tensor. */
function constantAxis(model: Model, t: number): number | undefined {
  const tensor = model.subgraphs[0]!.tensors[t];
  const data = tensor ? model.buffers[tensor.buffer]?.data : undefined;
  if (!tensor || !data) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (tensor.type === TensorType.INT32 && data.byteLength === 4) return view.getInt32(0, true);
  if (tensor.type === TensorType.INT64 && data.byteLength === 8) return Number(view.getBigInt64(0, true));
  return undefined;
}

/**
 * ARG_MAX (or ARG_MIN with `min`) along `axis` of each sample's values (`values`: samples of `shape` concatenated),
 * the first index on ties, as TFLite's and TFLite Micro's kernels compare (strictly greater / less).
 */
export function argIndices(values: Float32Array, shape: readonly number[], axis: number, min: boolean): Int32Array {
  const rank = shape.length;
  const a = axis < 0 ? axis + rank : axis;
  const size = shape[a] ?? 1;
  const inner = shape.slice(a + 1).reduce((x, y) => x * y, 1);
  const perSample = shape.reduce((x, y) => x * y, 1);
  const outer = (values.length / perSample) * (perSample / (size * inner));
  const out = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let best = values[base]!, at = 0;
      for (let k = 1; k < size; k++) {
        const v = values[base + k * inner]!;
        if (min ? v < best : v > best) { best = v; at = k; }
      }
      out[o * inner + i] = at;
    }
  }
  return out;
}

/** The head's options with output_type int32 (the table holds the enum as a name or as a number). */
function int32Indices(options: NonNullable<Operator['builtinOptions']>): NonNullable<Operator['builtinOptions']> {
  const t = options.table['output_type'];
  return t === undefined ? options : { ...options, table: { ...options.table, output_type: typeof t === 'string' ? 'INT32' : TensorType.INT32 } };
}

/** Heads whose indices the model as given writes as int64: the quantized model writes them as int32. */
export function int64Heads(heads: readonly IndexHead[]): IndexHead[] {
  return heads.filter((h) => h.indices.type === TensorType.INT64);
}

/**
 * The quantized model with the heads back, each reading the quantized values in its output's place: int8 as they
 * are (the value before an output DEQUANTIZE, which goes), float as they are, int16 through a DEQUANTIZE (TFLite
 * Micro's ARG_MAX takes int8 and float32 only). The outputs are the heads' index tensors again, as given, but int32
 * where the model as given had int64 (TFLite Micro writes no int64 indices).
 */
export function attachIndexHeads(quantized: Model, heads: readonly IndexHead[]): Model {
  if (!heads.length) return quantized;
  const sg = quantized.subgraphs[0]!;
  const tensors = [...sg.tensors];
  const buffers = [...quantized.buffers];
  const outputs = [...sg.outputs];
  const made = producers(sg);
  const readers = new Map<number, number>();
  for (const op of sg.operators) for (const t of op.inputs) if (t >= 0) readers.set(t, (readers.get(t) ?? 0) + 1);
  const drop = new Set<number>();
  const extra: VersionedOperator[] = [];
  const moved = new Map<number, number>();
  for (const h of heads) {
    let x = sg.outputs[h.output]!;
    const p = made[x]!;
    // An output DEQUANTIZE (float outputs) read by nothing else: the head reads its integer input instead.
    if (p >= 0 && quantized.operatorCodes[sg.operators[p]!.opcodeIndex]!.builtinCode === BuiltinOperator.DEQUANTIZE && !readers.get(x)
      && tensors[sg.operators[p]!.inputs[0]!]!.type === TensorType.INT8) {
      drop.add(p);
      x = sg.operators[p]!.inputs[0]!;
    }
    if (tensors[x]!.type === TensorType.INT16) {
      // The int16 values the accuracy was scored on, as float: a DEQUANTIZE of them already in the model (a float
      // layer of mixed precision reads one), else one here.
      const dequantized = sg.operators.find((op) => quantized.operatorCodes[op.opcodeIndex]!.builtinCode === BuiltinOperator.DEQUANTIZE && op.inputs[0] === x)?.outputs[0];
      if (dequantized !== undefined) x = dequantized;
      else {
        const f: Tensor = { ...tensors[x]!, name: `${tensors[x]!.name}_float`, type: TensorType.FLOAT32, buffer: 0 };
        delete f.quantization;
        tensors.push(f);
        extra.push({ op: { opcodeIndex: 0, inputs: [x], outputs: [tensors.length - 1], customOptionsFormat: 0, debugMetadataIndex: -1 }, code: BuiltinOperator.DEQUANTIZE, version: dequantizeOpVersion('int16') });
        x = tensors.length - 1;
      }
    }
    buffers.push(newBuffer(h.axis.data));
    tensors.push({ ...h.axis.tensor, buffer: buffers.length - 1 });
    const axis = tensors.length - 1;
    // TFLite Micro's ARG_MAX / ARG_MIN write int32 indices only (arg_min_max.cc): an int64 head writes int32.
    const indices: Tensor = { ...h.indices, buffer: 0, type: TensorType.INT32 };
    tensors.push(indices);
    const out = tensors.length - 1;
    // Version 2 of ARG_MAX / ARG_MIN is the int8 kernel (TFLite's op_version.cc); float is version 1.
    extra.push({
      op: { opcodeIndex: 0, inputs: [x, axis], outputs: [out], customOptionsFormat: 0, debugMetadataIndex: -1, ...(h.options ? { builtinOptions: int32Indices(h.options) } : {}) },
      code: h.code, version: tensors[x]!.type === TensorType.INT8 ? 2 : 1,
    });
    moved.set(outputs[h.output]!, out);
    outputs[h.output] = out;
  }
  const ops: VersionedOperator[] = [
    ...sg.operators.flatMap((op, i) => {
      if (drop.has(i)) return [];
      const oc = quantized.operatorCodes[op.opcodeIndex]!;
      return [{ op, code: oc.builtinCode, version: oc.version, ...(oc.customCode !== undefined ? { customCode: oc.customCode } : {}) }];
    }),
    ...extra,
  ];
  const { operators, operatorCodes } = assembleOperators(ops);
  return compactModel({
    ...quantized, operatorCodes, buffers,
    subgraphs: [{ ...sg, tensors, outputs, operators }],
    signatureDefs: quantized.signatureDefs.map((s) => (s.subgraphIndex !== 0 ? s : {
      ...s, outputs: s.outputs.map((m) => ({ ...m, tensorIndex: moved.get(m.tensorIndex) ?? m.tensorIndex })),
    })),
  });
}
