/**
 * Everything that makes quantization impossible, found from the model alone before any data is loaded or any
 * calibration runs: a user waiting minutes for a calibration that was bound to fail is the failure this prevents.
 * Each problem names the operator or tensor and says what to change; all of them are reported at once.
 */
import type { KernelLibrary } from '../arena/kernels/types';
import { BuiltinOperator, ModelFormatError, TensorType, type Model } from '../tflite/index';
import { firstDeclaredShapeMismatch } from '../tflite/operator-shapes';
import { QuantizeError, shapeMismatch, type QuantizeErrorKind } from './errors';
import { toFloatGraph, type FloatGraph } from './hybrid';
import { int16x8Blockers, integerStatus, noIntegerForm } from './integer-graph';
import { givenNumbering, opName } from './op-numbering';
import { OP_RULES } from './op-rules';
import type { QuantizeMode } from './types';

export interface PreflightOptions {
  mode: QuantizeMode;
  keepUnsupportedInFloat: boolean;
  name: string;
  /** int16x8: the TFLite Micro kernel set that must have each operator's int16 kernel (default 'reference'). */
  kernels?: KernelLibrary;
}

/** Builtin replacements for custom operators that converters and model zoos commonly emit. */
const CUSTOM_OP_FIX: Record<string, string> = {
  Convolution2DTransposeBias: 'TRANSPOSE_CONV with a bias input (MediaPipe\'s transposed convolution + bias)',
  MaxPoolingWithArgmax2D: 'MAX_POOL_2D (keep the argmax indices out of the model)',
  MaxUnpooling2D: 'RESIZE_NEAREST_NEIGHBOR',
  TFLite_Detection_PostProcess: 'nothing: cut the model before the post-processing and run it in firmware on the outputs',
};

const STATEFUL_OPS = new Set<BuiltinOperator>([BuiltinOperator.VAR_HANDLE, BuiltinOperator.READ_VARIABLE, BuiltinOperator.ASSIGN_VARIABLE]);

interface Problem {
  kind: QuantizeErrorKind;
  text: string;
}

function fail(name: string, problems: Problem[]): never {
  throw new QuantizeError(problems[0]!.kind, `${name} cannot be quantized: ${problems.map((p) => p.text).join(' Also: ')}`);
}

const list = (xs: readonly string[], max = 6) => (xs.length > max ? `${xs.slice(0, max).join(', ')} and ${xs.length - max} more` : xs.join(', '));

/** Problems of the file's structure that hold for every mode. */
function structuralProblems(model: Model, mode: QuantizeMode): Problem[] {
  const sg = model.subgraphs[0];
  if (!sg) return [{ kind: 'unsupported-model', text: 'it has no subgraph.' }];
  if (model.subgraphs.length > 1) {
    const flow = sg.operators.flatMap((op, i) => {
      const code = model.operatorCodes[op.opcodeIndex]!.builtinCode;
      return code === BuiltinOperator.WHILE || code === BuiltinOperator.IF || code === BuiltinOperator.CALL_ONCE ? [opName(model, i)] : [];
    });
    return [{
      kind: 'unsupported-model',
      text: `it has ${model.subgraphs.length} subgraphs (control flow${flow.length ? `: ${list(flow)}` : ''}); only single-subgraph models can be `
        + 'quantized. Fix: convert the model without control flow (unroll loops to a fixed count, replace conditionals by SELECT_V2).',
    }];
  }
  if (!sg.tensors.some((t) => t.type === TensorType.FLOAT32)) {
    return [{ kind: 'unsupported-model', text: 'it has no float tensors: it is already quantized. Quantize the float model it was made from.' }];
  }
  const { nan, infinite } = nonFiniteConstants(model);
  if (nan.length) {
    return [{
      kind: 'unsupported-model',
      text: `its constant tensor(s) ${list(nan, 4)} hold NaN values: the float model computes NaN from them, and no range or scale can be taken from them. `
        + 'The file is damaged or the training diverged. Fix: export the model again from a checkpoint whose weights are finite.',
    }];
  }
  // ±∞ is a float value (an attention mask, −∞ padding before a max-pool): float16 keeps it; integer grids have none.
  if (infinite.length && (mode === 'int8' || mode === 'int16x8')) {
    return [{
      kind: 'unsupported-model',
      text: `its constant tensor(s) ${list(infinite, 4)} hold infinite values, which an integer grid cannot hold: a range that includes them has no step. `
        + 'Fix: replace them by a large finite value in the source model (e.g. −1e4 for a mask or a padding value of −∞) and convert again.',
    }];
  }
  // Before any run: LiteRT can write past a buffer sized by a wrong declared shape without a word (operator-shapes.ts).
  const wrongShape = firstDeclaredShapeMismatch(model);
  if (wrongShape) return [{ kind: 'unsupported-model', text: shapeMismatch(sg.tensors[wrongShape.tensor]!, opName(model, wrongShape.op), wrongShape.computed).message }];
  return [];
}

/**
 * Float constants (weights, biases) holding NaN, and those holding ±∞, as `"name" (n of m values)`; int8 tensors
 * whose scales are not finite (a hybrid model's weights: the scales make their float values) count as NaN.
 */
function nonFiniteConstants(model: Model): { nan: string[]; infinite: string[] } {
  const sg = model.subgraphs[0]!;
  const nan: string[] = [];
  const infinite: string[] = [];
  for (const t of sg.tensors) {
    const scales = t.type === TensorType.INT8 ? t.quantization?.scale ?? [] : [];
    const badScales = scales.filter((x) => !Number.isFinite(x)).length;
    if (badScales) nan.push(`"${t.name}" (${badScales} of ${scales.length} quantization scales)`);
    if ((t.type !== TensorType.FLOAT32 && t.type !== TensorType.FLOAT16) || t.isVariable) continue;
    const data = model.buffers[t.buffer]?.data;
    // A size that is not whole values is the loader's to report (tflite/validate), not this check's.
    if (!data || data.byteLength === 0 || data.byteLength % (t.type === TensorType.FLOAT32 ? 4 : 2) !== 0) continue;
    // From the bits, not the values: converting every float16 weight of a large model takes seconds.
    const { nans, infs, count } = nonFiniteBits(data, t.type === TensorType.FLOAT32 ? 4 : 2);
    if (nans) nan.push(`"${t.name}" (${nans} of ${count} values)`);
    if (infs) infinite.push(`"${t.name}" (${infs} of ${count} values)`);
  }
  return { nan, infinite };
}

/**
 * The gap (powers of two) between a tensor's few largest weights and all the others that makes it count as damaged:
 * 2^32 (4e9); int8 spans 2^7, and one flipped high exponent bit moves a value by 2^32 to 2^128. "Few": at most one
 * value in a thousand (one, in a smaller tensor). Not against the median: VWW's float model (MLPerf Tiny) has conv
 * weights of which half are below 1e-30 (decayed to nothing) beside ones of 0.5, 101 octaves apart. Measured on the 21
 * float models of the TFLite Micro repository, MLPerf Tiny and MediaPipe (921 weight tensors): above their top 0.1%
 * the gap is at most 3 octaves; lower down it reaches 98 (ResNet large), which this rule does not look at.
 */
const OUTLIER_OCTAVES = 32;

/** Float32 weight tensors (of the weighted operators) whose few largest values lie OUTLIER_OCTAVES above the rest, as text. */
function outlierWeights(model: Model, numbering: ReturnType<typeof givenNumbering>): string[] {
  const sg = model.subgraphs[0]!;
  const found: string[] = [];
  const seen = new Set<number>();
  sg.operators.forEach((op, i) => {
    const rule = OP_RULES[model.operatorCodes[op.opcodeIndex]!.builtinCode]?.weights;
    const ti = rule ? op.inputs[rule.input] ?? -1 : -1;
    const t = sg.tensors[ti];
    if (!t || seen.has(ti) || t.type !== TensorType.FLOAT32) return;
    seen.add(ti);
    const data = model.buffers[t.buffer]?.data;
    if (!data || data.byteLength === 0 || data.byteLength % 4 !== 0) return;
    // By exponents (a histogram of the biased exponent of each value): no sort of large tensors. Little-endian words,
    // as the file stores them (the float graph's buffers are aligned; a copy otherwise).
    const words = data.byteOffset % 4 ? new Uint32Array(data.slice().buffer) : new Uint32Array(data.buffer, data.byteOffset, data.byteLength / 4);
    const counts = new Uint32Array(256);
    for (let k = 0; k < words.length; k++) counts[(words[k]! >>> 23) & 0xff]!++;
    // Zeros and subnormals (exponent 0) and NaN / ±∞ (255, named before this) do not count.
    const n = words.length - counts[0]! - counts[255]!;
    const few = Math.max(1, Math.floor(n / 1000));
    let above = 0;
    for (let e = 254, last = -1; e >= 1 && above <= few; e--) {
      if (!counts[e]) continue;
      if (last >= 0 && last - e >= OUTLIER_OCTAVES) {
        const top = words.findIndex((w) => ((w >>> 23) & 0xff) >= last);
        const value = new DataView(words.buffer, words.byteOffset).getFloat32(top * 4, true);
        found.push(`${opName(model, i, numbering)} ("${t.name}") reach ${value.toExponential(1)} where the other ${n - above} stay below ${(2 ** (e - 126)).toExponential(1)}`);
        return;
      }
      above += counts[e]!;
      last = e;
    }
  });
  return found;
}

/** NaNs and infinities among little-endian IEEE floats of `bytes` bytes each (4: binary32, 2: binary16), by their exponent bits. */
function nonFiniteBits(data: Uint8Array, bytes: 2 | 4): { nans: number; infs: number; count: number } {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = data.byteLength / bytes;
  const [exp, mant] = bytes === 4 ? [0x7f800000, 0x007fffff] : [0x7c00, 0x03ff];
  let nans = 0;
  let infs = 0;
  for (let i = 0; i < count; i++) {
    const x = bytes === 4 ? view.getUint32(i * 4, true) : view.getUint16(i * 2, true);
    if ((x & exp) !== exp) continue;
    if (x & mant) nans++;
    else infs++;
  }
  return { nans, infs, count };
}

/** Problems that stop the runtime from running the model for calibration, or the graph from becoming integer. */
function integerProblems(model: Model, graph: FloatGraph, opts: PreflightOptions, memo: { outliers?: string[] } = {}): Problem[] {
  const problems: Problem[] = [];
  const sg = model.subgraphs[0]!;
  const custom = sg.operators.flatMap((op, i) => (model.operatorCodes[op.opcodeIndex]!.customCode !== undefined ? [{ op, i }] : []));
  if (custom.length) {
    const names = custom.map(({ i }) => opName(model, i));
    const fixes = [...new Set(custom.map(({ op }) => model.operatorCodes[op.opcodeIndex]!.customCode!))]
      .map((c) => (CUSTOM_OP_FIX[c] ? `${c} → ${CUSTOM_OP_FIX[c]}` : `${c} → the builtin operators it computes`));
    problems.push({
      kind: 'unsupported-op',
      text: `custom operator(s) ${list(names)} have no ${opts.mode === 'int16x8' ? 'int16x8' : 'int8'} form, and LiteRT, which runs the model for calibration, has no kernel `
        + `for them (keeping them in float does not help). Fix: replace them in the source model and convert again: ${fixes.join('; ')}.`,
    });
  }
  const stateful = sg.operators.flatMap((op, i) => {
    const code = model.operatorCodes[op.opcodeIndex]!.builtinCode;
    const variables = op.inputs.filter((t) => t >= 0 && sg.tensors[t]!.isVariable);
    return STATEFUL_OPS.has(code) || variables.length
      ? [`${opName(model, i)}${variables.length ? ` (state in ${variables.map((t) => `"${sg.tensors[t]!.name}"`).join(', ')})` : ''}`]
      : [];
  });
  if (stateful.length) {
    problems.push({
      kind: 'unsupported-model',
      text: `it keeps state in variable tensors: ${list(stateful, 4)}. LiteRT, which runs the model for calibration, cannot execute `
        + 'variable tensors. Fix: convert a stateless version (Keras stateful=False, the recurrence unrolled over a fixed '
        + 'number of steps) and quantize that.',
    });
  }
  const dynamic = sg.inputs.filter((t) => sg.tensors[t]!.shapeSignature?.some((d, k) => d < 0 && k > 0));
  if (dynamic.length) {
    problems.push({
      kind: 'unsupported-model',
      text: `input(s) ${dynamic.map((t) => `"${sg.tensors[t]!.name}" [${sg.tensors[t]!.shapeSignature!.join(', ')}]`).join(', ')} have dynamic `
        + 'dimensions besides the batch; calibration runs static shapes only. Fix: convert the model with a fixed input shape.',
    });
  }
  if (problems.length) return problems; // what follows needs a graph the runtime can run

  const prepared = graph.model;
  const psg = prepared.subgraphs[0]!;
  const numbering = givenNumbering(model, prepared);
  // On the float graph: float16 weights (behind DEQUANTIZE) are float32 there.
  const outliers = (memo.outliers ??= outlierWeights(prepared, numbering));
  if (outliers.length) {
    return [{
      kind: 'unsupported-model',
      text: `the weights of ${list(outliers, 3)}: an int8 scale that holds such a value rounds the rest of its channel (or of the tensor, per-tensor) to 0, `
        + 'and a value so far from the rest is most often a damaged file (a flipped exponent bit). Fix: export or download the model again; if these weights are real, retrain with weight decay.',
    }];
  }
  const activation = opts.mode === 'int16x8' ? 'int16' : 'int8';
  const status = integerStatus(prepared, activation, opts.kernels);
  const floatOps = status.flatMap((s, i) => (s === 'float' ? [i] : []));
  if (floatOps.length && !opts.keepUnsupportedInFloat) {
    const codes = floatOps.map((i) => prepared.operatorCodes[psg.operators[i]!.opcodeIndex]!.builtinCode);
    const text = noIntegerForm(opts.name, activation, floatOps.map((i) => opName(prepared, i, numbering)), codes, opts.kernels, int16x8Blockers(prepared, floatOps, opts.kernels)).message;
    problems.push({ kind: 'unsupported-op', text: text.replace(`${opts.name}: `, '') });
  }
  const computedWeights = psg.operators.flatMap((op, i) => {
    const rule = OP_RULES[prepared.operatorCodes[op.opcodeIndex]!.builtinCode];
    if (status[i] !== 'quantized' || !rule?.weights) return [];
    const w = psg.tensors[op.inputs[rule.weights.input] ?? -1];
    const constant = !!w && prepared.buffers[w.buffer]!.data.byteLength > 0;
    return constant ? [] : [`${opName(prepared, i, numbering)}${w ? ` ("${w.name}")` : ''}`];
  });
  if (computedWeights.length) {
    problems.push({
      kind: 'unsupported-model',
      text: `${list(computedWeights)} take their weights from a tensor the model computes; only constant weights can be quantized. `
        + 'Fix: fold that computation into constant weights in the source model.',
    });
  }
  return problems;
}

/**
 * Throws a QuantizeError naming every problem that makes quantizing `model` in `opts.mode` impossible. Returns the
 * all-float graph that calibration runs (see hybrid.ts), so that it is prepared once.
 */
export function checkQuantizable(model: Model, opts: PreflightOptions): FloatGraph {
  const structural = structuralProblems(model, opts.mode);
  if (structural.length) fail(opts.name, structural);
  let graph: FloatGraph;
  try {
    graph = toFloatGraph(model);
  } catch (e) {
    // A damaged sparse weight (tflite/sparse-tensor.ts) is the file's fault: say which file.
    throw e instanceof ModelFormatError ? e.withFile(opts.name) : e;
  }
  if (opts.mode === 'int8' || opts.mode === 'int16x8') {
    const problems = integerProblems(model, graph, opts);
    if (problems.length) fail(opts.name, problems);
  }
  return graph;
}

/** Why a full-integer mode cannot run on a model, found before any data is asked for (quantizeBlockers). */
export interface QuantizeBlocker {
  kind: QuantizeErrorKind;
  /** checkQuantizable's message, naming the model and each problem with its fix. */
  message: string;
  /** Whether keepUnsupportedInFloat (--keep-float) removes every problem: operators with no integer form only. */
  keepFloatHelps: boolean;
}

/**
 * What checkQuantizable would throw for int8 and for int16x8, without throwing, the float graph prepared once: for a
 * caller that asks for the mode and the data afterwards (VS Code's Quantize Model), so that a model no choice can
 * quantize is named before the first question about data. Absent modes have no problem.
 */
export function quantizeBlockers(model: Model, opts: Omit<PreflightOptions, 'mode' | 'keepUnsupportedInFloat'>): Partial<Record<'int8' | 'int16x8', QuantizeBlocker>> {
  const blockers: Partial<Record<'int8' | 'int16x8', QuantizeBlocker>> = {};
  const message = (problems: Problem[]) => `${opts.name} cannot be quantized: ${problems.map((p) => p.text).join(' Also: ')}`;
  const both = (b: QuantizeBlocker) => ({ int8: b, int16x8: b });
  // The structure's problems are the same for both integer modes; the float graph and its weight scan are shared.
  const structural = structuralProblems(model, 'int8');
  if (structural.length) return both({ kind: structural[0]!.kind, message: message(structural), keepFloatHelps: false });
  let graph: FloatGraph;
  try {
    graph = toFloatGraph(model);
  } catch (e) {
    if (!(e instanceof ModelFormatError)) throw e;
    return both({ kind: 'unsupported-model', message: e.withFile(opts.name).message, keepFloatHelps: false });
  }
  const memo = {};
  for (const mode of ['int8', 'int16x8'] as const) {
    const problems = integerProblems(model, graph, { ...opts, mode, keepUnsupportedInFloat: false }, memo);
    if (!problems.length) continue;
    const kept = integerProblems(model, graph, { ...opts, mode, keepUnsupportedInFloat: true }, memo);
    blockers[mode] = { kind: problems[0]!.kind, message: message(problems), keepFloatHelps: kept.length === 0 };
  }
  return blockers;
}
