/**
 * Values of one constant tensor for the inspector's Weights view: decoded from the buffer, dequantized with the
 * tensor's scale and zero point (per channel along quantized_dimension), summarised as statistics and a histogram.
 * Only this summary crosses to the page, never the bytes, and only when the page asks for a tensor.
 */
import { halfToFloat } from '../common/float16';
import { densify, elementCount, ModelFormatError, TensorType, tensorTypeName, type Model, type Tensor } from '../tflite';

export interface WeightStats {
  subgraph: number;
  tensor: number;
  name: string;
  type: string;
  count: number;
  /** True when the values were mapped to reals with scale/zero point. */
  dequantized: boolean;
  /** Channels when quantized per channel, else 1. */
  channels: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  zeros: number;
  /** Equal-width bins over [min, max]: edges has bins + 1 entries. */
  histogram: { edges: number[]; counts: number[] };
}

export class WeightsUnavailableError extends Error {
  override readonly name = 'WeightsUnavailableError';
}

/** Raw element values of a dense tensor buffer, as numbers (int64 may lose precision past 2^53: fine for a histogram). */
export function decodeValues(type: TensorType, data: Uint8Array, count: number): Float64Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Float64Array(count);
  const need = (bytesPerElement: number) => {
    if (data.length < count * bytesPerElement) throw new WeightsUnavailableError(`the buffer holds ${data.length} bytes, ${count} elements need ${count * bytesPerElement}`);
  };
  switch (type) {
    case TensorType.FLOAT32: need(4); for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true); break;
    case TensorType.FLOAT64: need(8); for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true); break;
    case TensorType.FLOAT16: need(2); for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true)); break;
    case TensorType.INT8: need(1); for (let i = 0; i < count; i++) out[i] = view.getInt8(i); break;
    case TensorType.UINT8: case TensorType.BOOL: need(1); for (let i = 0; i < count; i++) out[i] = data[i]!; break;
    case TensorType.INT16: need(2); for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true); break;
    case TensorType.UINT16: need(2); for (let i = 0; i < count; i++) out[i] = view.getUint16(i * 2, true); break;
    case TensorType.INT32: need(4); for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true); break;
    case TensorType.UINT32: need(4); for (let i = 0; i < count; i++) out[i] = view.getUint32(i * 4, true); break;
    case TensorType.INT64: need(8); for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(i * 8, true)); break;
    case TensorType.UINT64: need(8); for (let i = 0; i < count; i++) out[i] = Number(view.getBigUint64(i * 8, true)); break;
    case TensorType.INT4: {
      // Two elements per byte, low nibble first, sign-extended (TFLite's packed int4).
      if (data.length < Math.ceil(count / 2)) throw new WeightsUnavailableError(`the buffer holds ${data.length} bytes, ${count} int4 elements need ${Math.ceil(count / 2)}`);
      for (let i = 0; i < count; i++) {
        const nibble = (data[i >> 1]! >> ((i & 1) * 4)) & 0xf;
        out[i] = nibble >= 8 ? nibble - 16 : nibble;
      }
      break;
    }
    default:
      throw new WeightsUnavailableError(`values of ${tensorTypeName(type)} tensors cannot be shown`);
  }
  return out;
}

/** Applies real = scale * (q - zp), per channel along `dim` when there are several scales. */
function dequantize(values: Float64Array, shape: readonly number[], scale: readonly number[], zeroPoint: readonly number[], dim: number): void {
  if (scale.length === 1) {
    const s = scale[0]!;
    const zp = zeroPoint[0] ?? 0;
    for (let i = 0; i < values.length; i++) values[i] = (values[i]! - zp) * s;
    return;
  }
  // Elements are row-major: the channel of element i is (i / inner) % channels, inner = product of dims after `dim`.
  let inner = 1;
  for (let d = dim + 1; d < shape.length; d++) inner *= shape[d]!;
  const channels = shape[dim] ?? scale.length;
  for (let i = 0; i < values.length; i++) {
    const c = Math.floor(i / inner) % channels;
    values[i] = (values[i]! - (zeroPoint[c] ?? 0)) * (scale[c] ?? 1);
  }
}

export function weightStats(model: Model, subgraph: number, tensorIndex: number, bins = 64): WeightStats {
  const g = model.subgraphs[subgraph];
  const t: Tensor | undefined = g?.tensors[tensorIndex];
  if (!g || !t) throw new WeightsUnavailableError(`subgraph ${subgraph} has no tensor ${tensorIndex}`);
  const data = model.buffers[t.buffer]?.data;
  if (!data || data.length === 0) throw new WeightsUnavailableError(`tensor ${tensorIndex} (${t.name}) is an activation: it has no values in the file`);
  const count = elementCount(t.shape);
  // Pruned weights stored sparse: their statistics are the dense tensor's, zeros included.
  let dense = data;
  if (t.sparsity) {
    try {
      dense = densify(t, data);
    } catch (e) {
      throw new WeightsUnavailableError(e instanceof ModelFormatError ? e.message : String(e));
    }
  }
  const values = decodeValues(t.type, dense, count);
  const q = t.quantization;
  const quantized = !!q && q.scale.length > 0 && t.type !== TensorType.FLOAT32 && t.type !== TensorType.FLOAT16;
  if (quantized) dequantize(values, t.shape, q.scale, q.zeroPoint, q.quantizedDimension);

  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let zeros = 0;
  let finite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    finite++;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    if (v === 0) zeros++;
  }
  const mean = finite ? sum / finite : 0;
  let sq = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) sq += (v - mean) * (v - mean);
  }
  if (!finite) { min = 0; max = 0; }
  const binCount = max > min ? bins : 1;
  const width = (max - min) / binCount;
  const counts = new Array<number>(binCount).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    const b = width > 0 ? Math.min(binCount - 1, Math.floor((v - min) / width)) : 0;
    counts[b]!++;
  }
  const edges = Array.from({ length: binCount + 1 }, (_, i) => (i === binCount ? max : min + i * width));
  return {
    subgraph, tensor: tensorIndex, name: t.name, type: tensorTypeName(t.type), count, dequantized: quantized,
    channels: quantized ? q.scale.length : 1, min, max, mean, std: finite ? Math.sqrt(sq / finite) : 0, zeros,
    histogram: { edges, counts },
  };
}
