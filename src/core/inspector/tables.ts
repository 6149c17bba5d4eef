/**
 * Rows of the inspector's Operators and Tensors tables, from the model structure alone (no weight bytes are read).
 * Each row carries the links the page needs for click-through: an operator's tensor indices, a tensor's producer
 * and consumers.
 */
import { integerRange, isConstant, opcodeName, tensorByteSize, tensorTypeName, type Model, type OptionValue, type QuantParams, type SubGraph, type TensorType } from '../tflite';
import { opCategory, type OpCategory } from '../tflite/operators';
import { operatorMacs } from '../analysis/op-cost';

export interface OperatorRow {
  index: number;
  opcode: string;
  version: number;
  category: OpCategory;
  /** Tensor indices; -1 marks an omitted optional input. */
  inputs: number[];
  outputs: number[];
  fusedActivation?: string;
  /** The options that matter when reading a layer, e.g. `stride 2×2 · padding SAME`. Empty when there are none. */
  options: string;
  macs: number;
  /** Bytes of the first output. */
  outputBytes: number;
}

/**
 * Quantization as the table shows it. Per-tensor parameters are complete; per-channel ones are summarised (count and
 * range) and the full lists are sent only when the user expands them (`channelQuant`), which keeps the message of a
 * per-channel model small.
 */
export interface TensorQuantRow {
  /** Number of scales: 1 per tensor, else one per channel. */
  channels: number;
  quantizedDimension: number;
  /** The scale and zero point (per tensor), or those of channel 0 (per channel). */
  scale: number;
  zeroPoint: number;
  scaleMin: number;
  scaleMax: number;
  zeroPointMin: number;
  zeroPointMax: number;
  /** Calibration range recorded by the converter (first entry), when present. */
  min?: number;
  max?: number;
}

/** The full per-channel lists of one tensor, for the expanded Quantization cell. */
export interface ChannelQuant {
  scale: number[];
  zeroPoint: number[];
}

export interface TensorRow {
  index: number;
  name: string;
  type: string;
  shape: number[];
  shapeSignature?: number[];
  /** Bytes of the dense tensor (0 for variable-size types). */
  bytes: number;
  /** Holds data in the file (weights, biases, constant operands). */
  constant: boolean;
  variable: boolean;
  quant?: TensorQuantRow;
  /** Real values the quantized type covers (over all channels), or the recorded min/max of a float tensor. */
  realRange?: [number, number];
  /** Operator writing this tensor, absent for inputs and constants. */
  producer?: number;
  consumers: number[];
}

/** Options tables mostly restate defaults; these keys say nothing a reader needs when they hold these values. */
const QUIET: Readonly<Record<string, OptionValue>> = {
  quantized_bias_type: 'FLOAT32', asymmetric_quantize_inputs: false, keep_num_dims: false, weights_format: 'DEFAULT',
  pot_scale_int16: true, fused_activation_function: 'NONE',
};

function formatOptionValue(v: OptionValue): string {
  if (Array.isArray(v)) return `[${v.map((x) => formatOptionValue(x as OptionValue)).join(', ')}]`;
  if (typeof v === 'object' && v !== null) return '{…}';
  return String(v);
}

/** `stride 2×2 · padding SAME · dilation 1×1`: pairs of _h/_w fields merged, defaults and the fused activation left out. */
export function formatOperatorOptions(table: Record<string, OptionValue> | undefined): string {
  if (!table) return '';
  const parts: string[] = [];
  const used = new Set<string>(['fused_activation_function']);
  const pair = (label: string, h: string, w: string) => {
    if (table[h] === undefined || table[w] === undefined) return;
    used.add(h).add(w);
    parts.push(`${label} ${formatOptionValue(table[h]!)}×${formatOptionValue(table[w]!)}`);
  };
  pair('filter', 'filter_height', 'filter_width');
  pair('stride', 'stride_h', 'stride_w');
  pair('dilation', 'dilation_h_factor', 'dilation_w_factor');
  pair('stride', 'stride_height', 'stride_width');
  for (const [key, value] of Object.entries(table)) {
    if (used.has(key) || value === undefined || value === null) continue;
    if (key in QUIET && QUIET[key] === value) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    parts.push(`${key.replace(/_/g, ' ')} ${formatOptionValue(value)}`);
  }
  return parts.join(' · ');
}

export function operatorRows(model: Model, g: SubGraph): OperatorRow[] {
  return g.operators.map((op, index) => {
    const code = model.operatorCodes[op.opcodeIndex];
    const opcode = code ? opcodeName(code) : `OPCODE_${op.opcodeIndex}`;
    const out = op.outputs[0] !== undefined && op.outputs[0] >= 0 ? g.tensors[op.outputs[0]] : undefined;
    const row: OperatorRow = {
      index, opcode, version: code?.version ?? 1, category: opCategory(opcode), inputs: [...op.inputs], outputs: [...op.outputs],
      options: formatOperatorOptions(op.builtinOptions?.table),
      macs: operatorMacs(model, g, op),
      outputBytes: out ? tensorByteSize(out.type, out.shape) ?? 0 : 0,
    };
    const act = op.builtinOptions?.table['fused_activation_function'];
    if (typeof act === 'string' && act !== 'NONE') row.fusedActivation = act;
    return row;
  });
}

function realRange(type: TensorType, q: QuantParams): [number, number] | undefined {
  const r = integerRange(type);
  if (r && q.scale.length > 0) {
    let lo = Infinity;
    let hi = -Infinity;
    q.scale.forEach((s, c) => {
      const zp = q.zeroPoint[c] ?? q.zeroPoint[0] ?? 0;
      lo = Math.min(lo, (r[0] - zp) * s);
      hi = Math.max(hi, (r[1] - zp) * s);
    });
    return [lo, hi];
  }
  if (q.min?.length && q.max?.length) return [Math.min(...q.min), Math.max(...q.max)];
  return undefined;
}

function quantRow(q: QuantParams): TensorQuantRow {
  const zps = q.zeroPoint.length ? q.zeroPoint : [0];
  const row: TensorQuantRow = {
    channels: q.scale.length, quantizedDimension: q.quantizedDimension,
    scale: q.scale[0] ?? 0, zeroPoint: zps[0]!,
    scaleMin: q.scale.length ? Math.min(...q.scale) : 0, scaleMax: q.scale.length ? Math.max(...q.scale) : 0,
    zeroPointMin: Math.min(...zps), zeroPointMax: Math.max(...zps),
  };
  if (q.min?.length) row.min = q.min[0]!;
  if (q.max?.length) row.max = q.max[0]!;
  return row;
}

export function channelQuant(model: Model, subgraph: number, tensor: number): ChannelQuant | undefined {
  const q = model.subgraphs[subgraph]?.tensors[tensor]?.quantization;
  return q ? { scale: [...q.scale], zeroPoint: [...q.zeroPoint] } : undefined;
}

export function tensorRows(model: Model, g: SubGraph): TensorRow[] {
  const producer = new Map<number, number>();
  const consumers = new Map<number, number[]>();
  g.operators.forEach((op, i) => {
    for (const t of op.outputs) if (t >= 0) producer.set(t, i);
    for (const t of op.inputs) {
      if (t < 0) continue;
      const list = consumers.get(t) ?? [];
      if (list[list.length - 1] !== i) list.push(i);
      consumers.set(t, list);
    }
  });
  return g.tensors.map((t, index) => {
    const type = tensorTypeName(t.type);
    const row: TensorRow = {
      index, name: t.name, type, shape: [...t.shape], bytes: tensorByteSize(t.type, t.shape) ?? 0,
      constant: isConstant(model, t), variable: t.isVariable, consumers: consumers.get(index) ?? [],
    };
    if (t.shapeSignature) row.shapeSignature = [...t.shapeSignature];
    const q = t.quantization;
    if (q && (q.scale.length > 0 || q.min?.length)) {
      row.quant = quantRow(q);
      const range = realRange(t.type, q);
      if (range) row.realRange = range;
    }
    const p = producer.get(index);
    if (p !== undefined) row.producer = p;
    return row;
  });
}
