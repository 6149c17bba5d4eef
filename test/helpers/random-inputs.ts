import type { RuntimeTensorInfo, RuntimeTypedArray } from '../../src/core/runtime';
import { mulberry32 } from './prng';

/** A seeded random input for each runtime input: floats in [-1, 1], integers across their type's range. */
export function randomInputs(inputs: readonly RuntimeTensorInfo[], seed: number): RuntimeTypedArray[] {
  const rnd = mulberry32(seed);
  return inputs.map((info) => {
    const n = info.shape.reduce((a, d) => a * d, 1);
    switch (info.dtype) {
      case 'float32': return Float32Array.from({ length: n }, () => rnd() * 2 - 1);
      case 'float64': return Float64Array.from({ length: n }, () => rnd() * 2 - 1);
      case 'int8': return Int8Array.from({ length: n }, () => Math.floor(rnd() * 256) - 128);
      case 'uint8': return Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
      case 'bool': return Uint8Array.from({ length: n }, () => (rnd() < 0.5 ? 0 : 1));
      case 'int16': return Int16Array.from({ length: n }, () => Math.floor(rnd() * 65536) - 32768);
      case 'int32': return Int32Array.from({ length: n }, () => Math.floor(rnd() * 200) - 100);
      case 'int64': return BigInt64Array.from({ length: n }, () => BigInt(Math.floor(rnd() * 200) - 100));
      default: throw new Error(`no random input for dtype ${info.dtype}`);
    }
  });
}

export function sameBytes(a: RuntimeTypedArray, b: RuntimeTypedArray): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}
