/**
 * Moving dataset samples into a model and its tensors back out as floats: samples are float, in the order of the
 * subgraph's inputs; a quantized model takes integers (quantized with its input's parameters) in the runtime's
 * input order, and its integer outputs are dequantized for comparison.
 */
import type { Dataset } from '../data/dataset';
import type { RuntimeTypedArray } from '../runtime/index';
import { elementCount, TensorType, tensorTypeName, type Model, type Tensor } from '../tflite/index';
import { QuantizeError } from './errors';
import { INT16_ACTIVATION, INT8_ACTIVATION, quantizeValue, UINT8_ACTIVATION, type IntRange } from './quant-math';

/** Index of the first NaN or ±Infinity, or -1 (x - x is 0 for every finite x and NaN otherwise). */
function firstNonFinite(values: Float32Array): number {
  for (let j = 0; j < values.length; j++) {
    const v = values[j]!;
    if (v - v !== 0) return j;
  }
  return -1;
}

/** Checks that every sample fits the model's inputs; the message names the sample, input, and what was expected. */
export function checkDataset(model: Model, data: Dataset, what: string): void {
  const sg = model.subgraphs[0]!;
  if (data.samples.length === 0) throw new QuantizeError('bad-data', `${data.source} holds no samples; ${what} needs at least one.`);
  data.samples.forEach((sample, i) => {
    if (sample.length !== sg.inputs.length) {
      throw new QuantizeError('bad-data', `${data.source}: sample ${i} has ${sample.length} input array(s), the model takes ${sg.inputs.length}.`);
    }
    sg.inputs.forEach((t, k) => {
      const tensor = sg.tensors[t]!;
      const n = elementCount(tensor.shape);
      const arr = sample[k]!;
      if (arr.length !== n) {
        throw new QuantizeError('bad-data', `${data.source}: sample ${i}, input "${tensor.name}" has ${arr.length} values, the model expects ${n} (shape [${tensor.shape.join(', ')}]).`);
      }
      const bad = firstNonFinite(arr);
      if (bad >= 0) {
        throw new QuantizeError('bad-data', `${data.source}: sample ${i}, input "${tensor.name}" holds ${arr[bad]} at element ${bad}; calibration data must be finite.`);
      }
    });
  });
}

/** quantizeValue over a whole array (a plain loop: this runs for every input of every quantized run). */
function quantizeInto<T extends Int8Array | Uint8Array | Int16Array>(out: T, values: Float32Array, scale: number, zeroPoint: number, range: IntRange): T {
  for (let i = 0; i < values.length; i++) out[i] = quantizeValue(values[i]!, scale, zeroPoint, range);
  return out;
}

/** A float sample as the typed array the runtime takes for `tensor`. */
export function toTensorArray(tensor: Tensor, values: Float32Array): RuntimeTypedArray {
  const q = tensor.quantization;
  const scale = q?.scale[0] ?? 1;
  const zp = q?.zeroPoint[0] ?? 0;
  switch (tensor.type) {
    case TensorType.FLOAT32: return values;
    case TensorType.INT8: return quantizeInto(new Int8Array(values.length), values, scale, zp, INT8_ACTIVATION);
    case TensorType.UINT8: return quantizeInto(new Uint8Array(values.length), values, scale, zp, UINT8_ACTIVATION);
    case TensorType.INT16: return quantizeInto(new Int16Array(values.length), values, scale, zp, INT16_ACTIVATION);
    case TensorType.INT32: return Int32Array.from(values, (v) => Math.round(v));
    default:
      throw new QuantizeError('unsupported-model', `input "${tensor.name}" is ${tensorTypeName(tensor.type)}; only float and integer inputs can be fed from data.`);
  }
}

/** A runtime tensor as floats: dequantized when the tensor is quantized. */
export function toFloat(tensor: Tensor, values: RuntimeTypedArray): Float32Array {
  if (values instanceof Float32Array) return values;
  const out = new Float32Array(values.length);
  const table = dequantizeTable(tensor, values);
  if (table) {
    // 8-bit values through their 256 dequantized values: the same floats as the arithmetic below, without a
    // conversion, a subtraction and a multiplication per value (every int8 activation of a scored candidate passes here).
    if (values instanceof Int8Array) for (let i = 0; i < values.length; i++) out[i] = table[values[i]! + 128]!;
    else for (let i = 0, u = values as Uint8Array; i < u.length; i++) out[i] = table[u[i]!]!;
    return out;
  }
  const q = tensor.quantization;
  if (isDequantized(tensor)) {
    const scale = q!.scale[0]!;
    const zp = q!.zeroPoint[0] ?? 0;
    for (let i = 0; i < values.length; i++) out[i] = (Number(values[i]!) - zp) * scale;
  } else {
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i]!);
  }
  return out;
}

/** Whether toFloat dequantizes `tensor`'s values (it has a scale and is an integer activation type). */
const isDequantized = (tensor: Tensor): boolean =>
  !!tensor.quantization && tensor.quantization.scale.length > 0 && tensor.type !== TensorType.INT32 && tensor.type !== TensorType.FLOAT32;

/**
 * For 8-bit `values` of a quantized tensor: toFloat of every value they can hold, indexed by value + 128 (Int8Array)
 * or by value (Uint8Array), each computed as toFloat computes it. Undefined for other arrays.
 */
export function dequantizeTable(tensor: Tensor, values: RuntimeTypedArray): Float32Array | undefined {
  const signed = values instanceof Int8Array;
  if ((!signed && !(values instanceof Uint8Array)) || !isDequantized(tensor)) return undefined;
  const scale = tensor.quantization!.scale[0]!;
  const zp = tensor.quantization!.zeroPoint[0] ?? 0;
  const low = signed ? -128 : 0;
  const table = new Float32Array(256);
  for (let k = 0; k < 256; k++) table[k] = (k + low - zp) * scale;
  return table;
}

/** toFloat as a copy that outlives `values` (a view of the runtime's memory, valid only during a visit). */
export function floatCopy(tensor: Tensor, values: RuntimeTypedArray): Float32Array {
  return values instanceof Float32Array ? values.slice() : toFloat(tensor, values);
}

/** Sample arrays in the runtime's input order, converted to each input's type. */
export function runtimeInputs(model: Model, runtimeInputTensors: readonly number[], sample: readonly Float32Array[]): RuntimeTypedArray[] {
  const sg = model.subgraphs[0]!;
  return runtimeInputTensors.map((t) => toTensorArray(sg.tensors[t]!, sample[sg.inputs.indexOf(t)]!));
}

