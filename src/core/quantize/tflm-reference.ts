/**
 * What TFLite Micro's reference kernels compute for a full-integer model, bit for bit, without TFLite Micro: the
 * int8 and 16x8 kernels of the operators our quantizer emits, with the parameters each kernel's Prepare derives from
 * the file (tensorflow/lite/micro/kernels/*_common.cc, kernels/kernel_util.cc) and the loops of
 * kernels/internal/reference/(integer_ops/) at TFLM commit 90b983c2. LiteRT runs the same file through other kernels
 * (XNNPACK, ruy: rounding in float or with one rounding step), so its int8 outputs can differ by a few LSB; this is
 * what a microcontroller with the reference kernels outputs. (CMSIS-NN's arm_nn_requantize rounds the same way in its
 * default build; its kernels were not compared here.)
 *
 * One module per TFLM kernel family in tflm-kernels/; this file holds the dispatch. A model with an operator or type
 * combination no kernel here covers is refused up front (`TflmReference.unsupported`).
 */
import { BuiltinOperator, TensorType, builtinOperatorName, elementCount, int32Constant, type Model, type Operator, type Tensor } from '../tflite/index';
import { ACTIVATION_KERNELS } from './tflm-kernels/activations';
import { ARG_MIN_MAX_KERNELS } from './tflm-kernels/arg-min-max';
import type { OptionsTable, TflmKernel, TflmNode, TflmNodeInfo, TflmValues } from './tflm-kernels/common';
import { shapeMismatch } from './errors';
import { firstDeclaredShapeMismatch } from '../tflite/operator-shapes';
import { CONV_KERNELS } from './tflm-kernels/conv';
import { ELEMENTWISE_KERNELS } from './tflm-kernels/elementwise';
import { FLOAT_KERNELS, isFloat } from './tflm-kernels/float';
import { LAYOUT_KERNELS } from './tflm-kernels/layout';
import { POOLING_KERNELS } from './tflm-kernels/pooling';
import { QUANTIZE_KERNELS } from './tflm-kernels/quantize';
import { REDUCE_KERNELS } from './tflm-kernels/reduce';
import { SOFTMAX_KERNELS } from './tflm-kernels/softmax';

export type { TflmValues } from './tflm-kernels/common';

/** The integer kernels, by builtin operator code: one place to see what the evaluator covers. */
const INTEGER_KERNELS: Partial<Record<number, TflmKernel>> = {
  ...CONV_KERNELS, ...ELEMENTWISE_KERNELS, ...ACTIVATION_KERNELS, ...POOLING_KERNELS, ...SOFTMAX_KERNELS,
  ...QUANTIZE_KERNELS, ...LAYOUT_KERNELS, ...REDUCE_KERNELS, ...ARG_MIN_MAX_KERNELS,
};

/** An integer kernel and, where there is one, the float kernel for float32 nodes (layers mixed precision keeps in float). */
function byType(code: number): TflmKernel | undefined {
  const int = INTEGER_KERNELS[code], flt = FLOAT_KERNELS[code];
  if (!flt) return int;
  if (!int) return flt;
  return { check: (n) => (isFloat(n) ? flt.check(n) : int.check(n)), run: (n) => (isFloat(n) ? flt.run(n) : int.run(n)) };
}

const KERNELS: Partial<Record<number, TflmKernel>> = Object.fromEntries(
  [...new Set([...Object.keys(INTEGER_KERNELS), ...Object.keys(FLOAT_KERNELS)])].map((k) => [k, byType(Number(k))]),
);

/** The operators the evaluator has a kernel for (types permitting: see `TflmReference.unsupported`). */
export const TFLM_REFERENCE_OPERATORS: readonly BuiltinOperator[] = Object.keys(KERNELS).map(Number) as BuiltinOperator[];

interface PreparedNode extends TflmNodeInfo {
  readonly kernel: TflmKernel;
  readonly inputIds: readonly number[];
  readonly cache: Map<string, unknown>;
}

export class TflmReference {
  private readonly sg: Model['subgraphs'][number];
  private readonly constants = new Map<number, TflmValues>();
  private readonly nodes: PreparedNode[];

  private constructor(private readonly model: Model) {
    this.sg = model.subgraphs[0]!;
    this.nodes = this.sg.operators.map((op) => ({ ...nodeInfo(model, op), kernel: KERNELS[model.operatorCodes[op.opcodeIndex]!.builtinCode]!, inputIds: op.inputs, cache: new Map() }));
  }

  /** Why the model cannot be evaluated here ("TANH #3", "MUL #2 (int16, int16 → int16)"), or undefined when it can. */
  static unsupported(model: Model): string | undefined {
    if (model.subgraphs.length !== 1) return `${model.subgraphs.length} subgraphs`;
    const sg = model.subgraphs[0]!;
    for (let i = 0; i < sg.operators.length; i++) {
      const op = sg.operators[i]!;
      const code = model.operatorCodes[op.opcodeIndex]!.builtinCode;
      const name = `${builtinOperatorName(code)} #${i}`;
      const kernel = KERNELS[code];
      if (!kernel) return name;
      // The kernels write one output (a damaged file may give none)
      if (op.outputs.length !== 1 || !sg.tensors[op.outputs[0]!]) return `${name} (${op.outputs.length} outputs)`;
      const why = kernel.check(nodeInfo(model, op));
      if (why) return `${name} (${why})`;
    }
    return undefined;
  }

  static create(model: Model): TflmReference {
    const why = TflmReference.unsupported(model);
    if (why) throw new RangeError(`no TFLite Micro reference evaluation for ${why}`);
    // The kernels index by the declared shapes, as TFLite Micro does: a file whose shapes disagree is damaged.
    const wrong = firstDeclaredShapeMismatch(model);
    if (wrong) {
      const code = model.operatorCodes[model.subgraphs[0]!.operators[wrong.op]!.opcodeIndex]!.builtinCode;
      throw shapeMismatch(model.subgraphs[0]!.tensors[wrong.tensor]!, `${builtinOperatorName(code)} #${wrong.op}`, wrong.computed);
    }
    return new TflmReference(model);
  }

  private constant(t: number): TflmValues {
    let v = this.constants.get(t);
    if (v) return v;
    const tensor = this.sg.tensors[t]!;
    const data = this.model.buffers[tensor.buffer]?.data;
    if (!data) throw new RangeError(`tensor ${t} (${tensor.name}) has no value: it is neither computed nor constant`);
    const copy = data.slice(); // aligned
    switch (tensor.type) {
      case TensorType.INT32: v = new Int32Array(copy.buffer, 0, copy.byteLength >> 2); break;
      case TensorType.FLOAT32: v = new Float32Array(copy.buffer, 0, copy.byteLength >> 2); break;
      case TensorType.INT16: v = new Int16Array(copy.buffer, 0, copy.byteLength >> 1); break;
      case TensorType.INT64: v = Float64Array.from(new BigInt64Array(copy.buffer, 0, copy.byteLength >> 3), Number); break; // exact below 2^53
      default: v = new Int8Array(copy.buffer, 0, copy.byteLength);
    }
    this.constants.set(t, v);
    return v;
  }

  /** Runs one inference: `inputs` in the subgraph's input order (int8, int16 or float, as the inputs are typed). */
  run(inputs: readonly TflmValues[]): TflmValues[] {
    const values = new Map<number, TflmValues>();
    this.sg.inputs.forEach((t, i) => values.set(t, inputs[i]!));
    const get = (t: number): TflmValues => values.get(t) ?? this.constant(t);
    for (const n of this.nodes) {
      const node: TflmNode = {
        ...n,
        value: (i) => get(n.inputIds[i]!),
        prepared: <T>(key: string, make: () => T): T => {
          if (!n.cache.has(key)) n.cache.set(key, make());
          return n.cache.get(key) as T;
        },
      };
      const out = n.kernel.run(node);
      // TFLite Micro works on the shapes the file declares; LiteRT recomputes them. A file whose declared shape
      // disagrees with what the operator computes (a damaged file) would make TFLite Micro read past a tensor.
      if (out.length !== elementCount(n.output.shape)) throw shapeMismatch(n.output, builtinOperatorName(n.code), out.length);
      values.set(n.op.outputs[0]!, out);
    }
    return this.sg.outputs.map((t) => get(t));
  }
}

function nodeInfo(model: Model, op: Operator): TflmNodeInfo {
  const sg = model.subgraphs[0]!;
  const inputs: (Tensor | undefined)[] = op.inputs.map((t) => (t >= 0 ? sg.tensors[t] : undefined));
  return {
    op, code: model.operatorCodes[op.opcodeIndex]!.builtinCode, inputs, output: sg.tensors[op.outputs[0]!]!,
    options: (op.builtinOptions?.table ?? {}) as OptionsTable,
    int32Constant: (i) => int32Constant(model, inputs[i]),
  };
}
