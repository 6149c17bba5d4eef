/**
 * The output shapes TFLite computes from an operator's inputs, for the operators whose rule is simple, and where a
 * file's declared shapes disagree with them. LiteRT recomputes most shapes, but some of its paths (XNNPACK's static
 * graphs) and TFLite Micro size buffers by the file's: a declared shape smaller than the computed one is written past
 * silently (garbage statistics, a wasm trap later), a larger one reads past the input. Such a file is damaged.
 *
 * The check compares element counts (the size of a buffer), and for the windowed operators also height and width
 * (padding.h ComputeOutSize); operators it has no rule for, and tensors with dynamic dimensions, are not checked.
 */
import { BuiltinOperator } from './generated/tflite/builtin-operator';
import type { Model, Tensor } from './model';
import { computeOutSize, isSamePadding } from './padding';
import { elementCount, int32Constant } from './tensor-types';

/** NumPy broadcasting of two shapes (TFLite's ProcessBroadcastShapes), or undefined when they do not broadcast. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return undefined;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** One output whose declared shape is not what its operator computes. */
export interface ShapeMismatch {
  /** Operator index in subgraph 0, and its output tensor. */
  op: number;
  tensor: number;
  /** What the operator computes: a full shape where the rule gives one, else an element count. */
  computed: readonly number[] | number;
}

/** Operators whose output has the element count of their first input. */
const SAME_COUNT = new Set<number>([
  BuiltinOperator.RELU, BuiltinOperator.RELU6, BuiltinOperator.RELU_N1_TO_1, BuiltinOperator.RELU_0_TO_1,
  BuiltinOperator.LEAKY_RELU, BuiltinOperator.LOGISTIC, BuiltinOperator.TANH, BuiltinOperator.HARD_SWISH,
  BuiltinOperator.ELU, BuiltinOperator.GELU, BuiltinOperator.ABS, BuiltinOperator.EXP, BuiltinOperator.LOG,
  BuiltinOperator.SQRT, BuiltinOperator.RSQRT, BuiltinOperator.SQUARE, BuiltinOperator.NEG, BuiltinOperator.SIN,
  BuiltinOperator.COS, BuiltinOperator.FLOOR, BuiltinOperator.CEIL, BuiltinOperator.ROUND, BuiltinOperator.SIGN,
  BuiltinOperator.QUANTIZE, BuiltinOperator.DEQUANTIZE, BuiltinOperator.SOFTMAX, BuiltinOperator.LOG_SOFTMAX,
  BuiltinOperator.L2_NORMALIZATION, BuiltinOperator.LOCAL_RESPONSE_NORMALIZATION, BuiltinOperator.CAST,
  BuiltinOperator.RESHAPE, BuiltinOperator.SQUEEZE, BuiltinOperator.EXPAND_DIMS, BuiltinOperator.TRANSPOSE,
  BuiltinOperator.DEPTH_TO_SPACE, BuiltinOperator.SPACE_TO_DEPTH,
]);

/** Element-wise binary operators: the output has the broadcast shape of the two inputs. */
const BROADCAST = new Set<number>([
  BuiltinOperator.ADD, BuiltinOperator.SUB, BuiltinOperator.MUL, BuiltinOperator.DIV, BuiltinOperator.MAXIMUM,
  BuiltinOperator.MINIMUM, BuiltinOperator.SQUARED_DIFFERENCE, BuiltinOperator.POW, BuiltinOperator.FLOOR_DIV,
  BuiltinOperator.FLOOR_MOD, BuiltinOperator.PRELU,
]);

const num = (o: Readonly<Record<string, unknown>>, k: string): number => (typeof o[k] === 'number' ? (o[k] as number) : 1);

/** The output shape (or element count) `code` computes from its inputs, or undefined when there is no rule here. */
function computedShape(model: Model, code: number, inputs: readonly (Tensor | undefined)[], options: Readonly<Record<string, unknown>>): readonly number[] | number | undefined {
  const [x, w] = inputs;
  if (!x) return undefined;
  if (SAME_COUNT.has(code)) return elementCount(x.shape);
  if (BROADCAST.has(code)) {
    const b = w && broadcastShape(x.shape, w.shape);
    return b ? elementCount(b) : undefined;
  }
  switch (code) {
    case BuiltinOperator.CONCATENATION:
      return inputs.every((t) => t) ? inputs.reduce((n, t) => n + elementCount(t!.shape), 0) : undefined;
    case BuiltinOperator.PAD:
    case BuiltinOperator.PADV2:
    case BuiltinOperator.MIRROR_PAD: {
      const p = int32Constant(model, w);
      if (!p || p.length !== 2 * x.shape.length) return undefined;
      if (p.some((v) => v < 0)) return 0; // TFLite's Prepare rejects a negative padding
      return x.shape.map((d, i) => d + p[2 * i]! + p[2 * i + 1]!);
    }
    case BuiltinOperator.FULLY_CONNECTED: {
      if (!w || w.shape.length !== 2 || !w.shape[1]) return undefined;
      // The count only: LiteRT resizes the output to [batches, units] (or the input's leading dimensions with
      // keep_num_dims) whatever rank the file declares, and TFLite Micro reads no more than the count.
      return Math.trunc(elementCount(x.shape) / w.shape[1]) * w.shape[0]!;
    }
    case BuiltinOperator.MEAN:
    case BuiltinOperator.SUM:
    case BuiltinOperator.REDUCE_MAX:
    case BuiltinOperator.REDUCE_MIN:
    case BuiltinOperator.REDUCE_PROD: {
      const axes = int32Constant(model, w);
      if (!axes) return undefined;
      const rank = x.shape.length;
      if (rank === 0) return 1; // a scalar: TFLite's ResolveAxis takes any axis
      // An axis outside [-rank, rank) reduces nothing TFLite can compute.
      if ([...axes].some((a) => a < -rank || a >= rank)) return 0;
      const reduced = new Set([...axes].map((a) => (a + rank) % rank));
      return x.shape.reduce((n, d, k) => (reduced.has(k) ? n : n * d), 1);
    }
    case BuiltinOperator.TRANSPOSE_CONV: {
      // inputs: output_shape, weights, input: the output is sized by the first
      const shape = int32Constant(model, x);
      return shape ? Array.from(shape) : undefined;
    }
    case BuiltinOperator.RESIZE_BILINEAR:
    case BuiltinOperator.RESIZE_NEAREST_NEIGHBOR: {
      const size = int32Constant(model, w);
      return size?.length === 2 && x.shape.length === 4 ? [x.shape[0]!, size[0]!, size[1]!, x.shape[3]!] : undefined;
    }
    case BuiltinOperator.CONV_2D:
    case BuiltinOperator.DEPTHWISE_CONV_2D:
    case BuiltinOperator.AVERAGE_POOL_2D:
    case BuiltinOperator.MAX_POOL_2D: {
      const pool = code === BuiltinOperator.AVERAGE_POOL_2D || code === BuiltinOperator.MAX_POOL_2D;
      if (x.shape.length !== 4 || (!pool && w?.shape.length !== 4)) return undefined;
      const [kh, kw] = pool ? [num(options, 'filter_height'), num(options, 'filter_width')] : [w!.shape[1]!, w!.shape[2]!];
      const [sh, sw] = [num(options, 'stride_h'), num(options, 'stride_w')];
      const [dh, dw] = pool ? [1, 1] : [num(options, 'dilation_h_factor'), num(options, 'dilation_w_factor')];
      const channels = pool ? x.shape[3]! : code === BuiltinOperator.CONV_2D ? w!.shape[0]! : w!.shape[3]!;
      // A stride, dilation or window below 1 computes no output (TFLite's Prepare rejects it).
      if (!(sh >= 1 && sw >= 1 && dh >= 1 && dw >= 1 && kh >= 1 && kw >= 1)) return 0;
      const same = isSamePadding(options);
      return [x.shape[0]!, computeOutSize(same, sh, dh, x.shape[1]!, kh), computeOutSize(same, sw, dw, x.shape[2]!, kw), channels];
    }
    default:
      return undefined;
  }
}

/** A dimension only known while running (beyond a free batch): the declared shape is a placeholder. */
const dynamic = (t: Tensor): boolean => !!t.shapeSignature?.some((d, k) => d < 0 && k > 0);

/**
 * The first output of subgraph 0, in operator order, whose declared shape disagrees with what its operator computes
 * (see the header), or undefined. Only the first: the operators after it compute from its wrong shape, so their
 * disagreement follows from it.
 */
export function firstDeclaredShapeMismatch(model: Model): ShapeMismatch | undefined {
  const sg = model.subgraphs[0];
  if (!sg) return undefined;
  for (const [i, op] of sg.operators.entries()) {
    const code = model.operatorCodes[op.opcodeIndex]?.builtinCode;
    const out = sg.tensors[op.outputs[0] ?? -1];
    if (code === undefined || !out || op.outputs.length !== 1) continue;
    const inputs = op.inputs.map((t) => (t >= 0 ? sg.tensors[t] : undefined));
    if (dynamic(out) || inputs.some((t) => t && dynamic(t))) continue;
    const computed = computedShape(model, code, inputs, op.builtinOptions?.table ?? {});
    if (computed === undefined) continue;
    const agrees = typeof computed === 'number'
      ? elementCount(out.shape) === computed
      : computed.length === out.shape.length && computed.every((d, k) => d === out.shape[k]);
    if (!agrees) return { op: i, tensor: op.outputs[0]!, computed };
  }
  return undefined;
}

/**
 * The one wording of a declared shape that disagrees: "tensor "x" is declared [1, 3] (3 values), but RELU #1 computes
 * 6 values for it from its inputs", for the quantizer's error and the loader's warning.
 */
export function describeShapeMismatch(t: Tensor, op: string, computed: number | readonly number[]): string {
  const what = typeof computed === 'number' ? `${computed} values` : `[${computed.join(', ')}]`;
  return `tensor "${t.name}" is declared [${t.shape.join(', ')}] (${elementCount(t.shape)} values), but ${op} computes ${what} for it from its inputs`;
}
