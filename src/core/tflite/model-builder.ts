import { mulberry32 } from '../common/seeded-random';
import { BuiltinOperator } from './generated/tflite/builtin-operator';
import { broadcastShape } from './operator-shapes';
import { computeOutSize } from './padding';
import { TensorType } from './generated/tflite/tensor-type';
import type { Buffer, BuiltinOptions, Model, OperatorCode, OptionsTable, QuantParams, Tensor } from './model';
import { operatorCode } from './operator-code';
import { elementCount } from './tensor-types';

export type Activation = 'NONE' | 'RELU' | 'RELU6' | 'RELU_N1_TO_1' | 'TANH';
export type Padding = 'SAME' | 'VALID';

/** A tensor of the model under construction: its index and (static) shape. */
export interface TensorRef {
  readonly index: number;
  readonly shape: readonly number[];
}

export interface ConstantInit {
  name?: string;
  /** Values; when absent the builder draws them from a seeded uniform(-limit, limit) (Glorot-like). */
  values?: ArrayLike<number>;
}

/** Output size of a windowed operator, as TFLite computes it (padding.h ComputeOutSize). */
const convOut = (size: number, kernel: number, stride: number, dilation: number, padding: Padding): number =>
  computeOutSize(padding === 'SAME', stride, dilation, size, kernel);

function broadcastOf(a: readonly number[], b: readonly number[]): number[] {
  const shape = broadcastShape(a, b);
  if (!shape) throw new RangeError(`shapes [${a}] and [${b}] do not broadcast`);
  return shape;
}

/**
 * Builds float32 models in code: for tests, samples and the demo. Shapes are inferred NHWC, the way the TF converter
 * lays them out (CONV_2D filters [out, h, w, in], DEPTHWISE_CONV_2D [1, h, w, in * multiplier], FULLY_CONNECTED
 * weights [units, in]). Weights not given are drawn from a seeded PRNG, so the same calls give the same bytes.
 */
export class ModelBuilder {
  private readonly tensors: Tensor[] = [];
  private readonly buffers: Buffer[] = [{ data: new Uint8Array(0), offset: 0n, size: 0n }];
  private readonly codes: OperatorCode[] = [];
  private readonly operators: Model['subgraphs'][number]['operators'] = [];
  private readonly inputs: number[] = [];
  private readonly outputs: number[] = [];
  private readonly random: () => number;
  private counter = 0;

  constructor(private readonly options: { description?: string; seed?: number; signatureKey?: string } = {}) {
    this.random = mulberry32(options.seed ?? 1);
  }

  private uniqueName(base: string): string {
    return `${base}_${this.counter++}`;
  }

  /** Adds a tensor; `data` makes it a constant with its own buffer. */
  tensor(name: string, shape: readonly number[], type: TensorType = TensorType.FLOAT32, data?: Uint8Array, quantization?: QuantParams): TensorRef {
    let buffer = 0;
    if (data) {
      buffer = this.buffers.length;
      this.buffers.push({ data, offset: 0n, size: 0n });
    }
    const t: Tensor = { name, type, shape: [...shape], buffer, isVariable: false, hasRank: true, externalBuffer: 0 };
    if (quantization) t.quantization = quantization;
    this.tensors.push(t);
    return { index: this.tensors.length - 1, shape: [...shape] };
  }

  input(name: string, shape: readonly number[], type: TensorType = TensorType.FLOAT32): TensorRef {
    const t = this.tensor(name, shape, type);
    this.inputs.push(t.index);
    return t;
  }

  output(...refs: TensorRef[]): void {
    for (const r of refs) this.outputs.push(r.index);
  }

  /** A float32 constant; values default to seeded uniform(-limit, limit). */
  constant(shape: readonly number[], init: ConstantInit = {}, limit = 0.5): TensorRef {
    const n = elementCount(shape);
    const values = new Float32Array(n);
    if (init.values) {
      if (init.values.length !== n) throw new RangeError(`constant of shape [${shape}] needs ${n} values, got ${init.values.length}`);
      values.set(Array.from(init.values));
    } else {
      for (let i = 0; i < n; i++) values[i] = (this.random() * 2 - 1) * limit;
    }
    return this.tensor(init.name ?? this.uniqueName('const'), shape, TensorType.FLOAT32, new Uint8Array(values.buffer));
  }

  /** An int32 constant (shapes for RESHAPE, axes, paddings). */
  int32Constant(values: readonly number[], shape: readonly number[] = [values.length], name?: string): TensorRef {
    return this.tensor(name ?? this.uniqueName('i32'), shape, TensorType.INT32, new Uint8Array(Int32Array.from(values).buffer));
  }

  /** Appends an operator; returns its output tensors. */
  op(code: BuiltinOperator, inputs: (TensorRef | null)[], outputShapes: readonly (readonly number[])[], options?: BuiltinOptions, name?: string): TensorRef[] {
    let opcodeIndex = this.codes.findIndex((c) => c.builtinCode === code);
    if (opcodeIndex < 0) {
      opcodeIndex = this.codes.length;
      this.codes.push(operatorCode(code));
    }
    const base = name ?? `${BuiltinOperator[code]?.toLowerCase() ?? 'op'}_${this.operators.length}`;
    const outs = outputShapes.map((s, k) => this.tensor(outputShapes.length > 1 ? `${base}:${k}` : base, s));
    this.operators.push({
      opcodeIndex,
      inputs: inputs.map((t) => (t ? t.index : -1)),
      outputs: outs.map((t) => t.index),
      customOptionsFormat: 0,
      debugMetadataIndex: -1,
      ...(options ? { builtinOptions: options } : {}),
    });
    return outs;
  }

  fullyConnected(x: TensorRef, units: number, opts: { activation?: Activation; weights?: ConstantInit; bias?: ConstantInit | false; name?: string } = {}): TensorRef {
    const inFeatures = x.shape[x.shape.length - 1]!;
    const batch = elementCount(x.shape) / inFeatures;
    const w = this.constant([units, inFeatures], opts.weights ?? {}, Math.sqrt(6 / (inFeatures + units)));
    const b = opts.bias === false ? null : this.constant([units], opts.bias ?? { values: new Float32Array(units) });
    return this.op(BuiltinOperator.FULLY_CONNECTED, [x, w, b], [[batch, units]], {
      type: 'FullyConnectedOptions',
      table: { fused_activation_function: opts.activation ?? 'NONE', weights_format: 'DEFAULT', keep_num_dims: false, asymmetric_quantize_inputs: false },
    }, opts.name)[0]!;
  }

  conv2d(x: TensorRef, filters: number, kernel: [number, number], opts: { stride?: [number, number]; padding?: Padding; dilation?: [number, number]; activation?: Activation; weights?: ConstantInit; bias?: ConstantInit; name?: string } = {}): TensorRef {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const [sh, sw] = opts.stride ?? [1, 1];
    const [dh, dw] = opts.dilation ?? [1, 1];
    const padding = opts.padding ?? 'SAME';
    const fanIn = kernel[0] * kernel[1] * c;
    const wt = this.constant([filters, kernel[0], kernel[1], c], opts.weights ?? {}, Math.sqrt(6 / (fanIn + filters)));
    const b = this.constant([filters], opts.bias ?? { values: new Float32Array(filters) });
    const out = [n, convOut(h, kernel[0], sh, dh, padding), convOut(w, kernel[1], sw, dw, padding), filters];
    return this.op(BuiltinOperator.CONV_2D, [x, wt, b], [out], {
      type: 'Conv2DOptions',
      table: { padding, stride_w: sw, stride_h: sh, fused_activation_function: opts.activation ?? 'NONE', dilation_w_factor: dw, dilation_h_factor: dh },
    }, opts.name)[0]!;
  }

  depthwiseConv2d(x: TensorRef, kernel: [number, number], opts: { multiplier?: number; stride?: [number, number]; padding?: Padding; dilation?: [number, number]; activation?: Activation; weights?: ConstantInit; bias?: ConstantInit; name?: string } = {}): TensorRef {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const m = opts.multiplier ?? 1;
    const [sh, sw] = opts.stride ?? [1, 1];
    const [dh, dw] = opts.dilation ?? [1, 1];
    const padding = opts.padding ?? 'SAME';
    const wt = this.constant([1, kernel[0], kernel[1], c * m], opts.weights ?? {}, Math.sqrt(6 / (kernel[0] * kernel[1] * (1 + m))));
    const b = this.constant([c * m], opts.bias ?? { values: new Float32Array(c * m) });
    const out = [n, convOut(h, kernel[0], sh, dh, padding), convOut(w, kernel[1], sw, dw, padding), c * m];
    return this.op(BuiltinOperator.DEPTHWISE_CONV_2D, [x, wt, b], [out], {
      type: 'DepthwiseConv2DOptions',
      table: { padding, stride_w: sw, stride_h: sh, depth_multiplier: m, fused_activation_function: opts.activation ?? 'NONE', dilation_w_factor: dw, dilation_h_factor: dh },
    }, opts.name)[0]!;
  }

  private pool(code: BuiltinOperator, x: TensorRef, size: [number, number], opts: { stride?: [number, number]; padding?: Padding; activation?: Activation }): TensorRef {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const [sh, sw] = opts.stride ?? size;
    const padding = opts.padding ?? 'VALID';
    const out = [n, convOut(h, size[0], sh, 1, padding), convOut(w, size[1], sw, 1, padding), c];
    return this.op(code, [x], [out], {
      type: 'Pool2DOptions',
      table: { padding, stride_w: sw, stride_h: sh, filter_width: size[1], filter_height: size[0], fused_activation_function: opts.activation ?? 'NONE' },
    })[0]!;
  }

  maxPool2d(x: TensorRef, size: [number, number], opts: { stride?: [number, number]; padding?: Padding } = {}): TensorRef {
    return this.pool(BuiltinOperator.MAX_POOL_2D, x, size, opts);
  }

  averagePool2d(x: TensorRef, size: [number, number], opts: { stride?: [number, number]; padding?: Padding } = {}): TensorRef {
    return this.pool(BuiltinOperator.AVERAGE_POOL_2D, x, size, opts);
  }

  /** Elementwise activations without options: RELU, RELU6, LOGISTIC, TANH, HARD_SWISH, ... */
  activation(code: BuiltinOperator, x: TensorRef): TensorRef {
    return this.op(code, [x], [x.shape])[0]!;
  }

  relu(x: TensorRef): TensorRef { return this.activation(BuiltinOperator.RELU, x); }
  relu6(x: TensorRef): TensorRef { return this.activation(BuiltinOperator.RELU6, x); }
  logistic(x: TensorRef): TensorRef { return this.activation(BuiltinOperator.LOGISTIC, x); }
  tanh(x: TensorRef): TensorRef { return this.activation(BuiltinOperator.TANH, x); }

  leakyRelu(x: TensorRef, alpha = 0.2): TensorRef {
    return this.op(BuiltinOperator.LEAKY_RELU, [x], [x.shape], { type: 'LeakyReluOptions', table: { alpha } })[0]!;
  }

  softmax(x: TensorRef, beta = 1): TensorRef {
    return this.op(BuiltinOperator.SOFTMAX, [x], [x.shape], { type: 'SoftmaxOptions', table: { beta } })[0]!;
  }

  reshape(x: TensorRef, shape: readonly number[]): TensorRef {
    const total = elementCount(x.shape);
    const known = shape.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
    const resolved = shape.map((d) => (d === -1 ? total / known : d));
    if (!resolved.every(Number.isInteger) || elementCount(resolved) !== total) throw new RangeError(`cannot reshape [${x.shape}] to [${shape}]`);
    const target = this.int32Constant(resolved);
    return this.op(BuiltinOperator.RESHAPE, [x, target], [resolved], { type: 'ReshapeOptions', table: { new_shape: resolved } })[0]!;
  }

  private binary(code: BuiltinOperator, optionsType: string, a: TensorRef, b: TensorRef, activation: Activation): TensorRef {
    const table: OptionsTable = { fused_activation_function: activation };
    return this.op(code, [a, b], [broadcastOf(a.shape, b.shape)], { type: optionsType, table })[0]!;
  }

  add(a: TensorRef, b: TensorRef, activation: Activation = 'NONE'): TensorRef { return this.binary(BuiltinOperator.ADD, 'AddOptions', a, b, activation); }
  sub(a: TensorRef, b: TensorRef, activation: Activation = 'NONE'): TensorRef { return this.binary(BuiltinOperator.SUB, 'SubOptions', a, b, activation); }
  mul(a: TensorRef, b: TensorRef, activation: Activation = 'NONE'): TensorRef { return this.binary(BuiltinOperator.MUL, 'MulOptions', a, b, activation); }

  concatenate(xs: TensorRef[], axis: number, activation: Activation = 'NONE'): TensorRef {
    const rank = xs[0]!.shape.length;
    const ax = axis < 0 ? axis + rank : axis;
    const out = [...xs[0]!.shape];
    out[ax] = xs.reduce((s, x) => s + x.shape[ax]!, 0);
    return this.op(BuiltinOperator.CONCATENATION, xs, [out], { type: 'ConcatenationOptions', table: { axis, fused_activation_function: activation } })[0]!;
  }

  /** MEAN over `axes` (e.g. [1, 2] for global average pooling). */
  mean(x: TensorRef, axes: number[], keepDims = false): TensorRef {
    const rank = x.shape.length;
    const norm = axes.map((a) => (a < 0 ? a + rank : a));
    const out = x.shape.flatMap((d, i) => (norm.includes(i) ? (keepDims ? [1] : []) : [d]));
    return this.op(BuiltinOperator.MEAN, [x, this.int32Constant(axes)], [out], { type: 'ReducerOptions', table: { keep_dims: keepDims } })[0]!;
  }

  pad(x: TensorRef, paddings: [number, number][]): TensorRef {
    const out = x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
    return this.op(BuiltinOperator.PAD, [x, this.int32Constant(paddings.flat(), [paddings.length, 2])], [out], { type: 'PadOptions', table: {} })[0]!;
  }

  /** The finished model (one subgraph, signature "serving_default" with the input and output names). */
  build(): Model {
    if (!this.outputs.length) throw new Error('ModelBuilder: call output() before build()');
    const signatureKey = this.options.signatureKey ?? 'serving_default';
    const map = (ids: number[]) => ids.map((i) => ({ name: this.tensors[i]!.name, tensorIndex: i }));
    const model: Model = {
      version: 3,
      operatorCodes: this.codes.map((c) => ({ ...c })),
      subgraphs: [{ name: 'main', tensors: this.tensors.map((t) => ({ ...t })), inputs: [...this.inputs], outputs: [...this.outputs], operators: this.operators.map((o) => ({ ...o })), debugMetadataIndex: -1 }],
      buffers: [...this.buffers],
      metadata: [],
      signatureDefs: [{ signatureKey, subgraphIndex: 0, inputs: map(this.inputs), outputs: map(this.outputs) }],
    };
    if (this.options.description !== undefined) model.description = this.options.description;
    return model;
  }
}
