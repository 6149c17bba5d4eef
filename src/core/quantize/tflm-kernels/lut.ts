/**
 * TFLite Micro's int16 lookup tables (kernels/internal/common.h LUTPopulateInt16<float>, LUTLookup at 90b983c2): a
 * function sampled at 512 steps over the int16 input range, each entry lifted by half the error of the chord through
 * its neighbours at the midpoint, plus a 513th entry for the last slope; looked up by the top 9 bits of the input
 * and interpolated linearly by the low 7. The kernels build their tables in Prepare with single-precision
 * arithmetic, so every step here is rounded to float32 (`Math.fround`) in the order the C++ evaluates it.
 */
import { roundHalfAway } from '../quant-math';

const f = Math.fround;

/** `transform` takes and returns float32 values (e.g. `(v) => f(Math.exp(v))`, as std::exp on a float). */
export function lutPopulateInt16(inputScale: number, inputZeroPoint: number, outputScale: number, outputZeroPoint: number, transform: (v: number) => number): Int16Array {
  const inputMin = f(f(inputScale) * (-32768 - inputZeroPoint));
  const inputMax = f(f(inputScale) * (32767 - inputZeroPoint));
  const outputMin = f(f(outputScale) * (-32768 - outputZeroPoint));
  const outputMax = f(f(outputScale) * (32767 - outputZeroPoint));
  const steps = 512;
  const step = f(f(inputMax - inputMin) / steps);
  const halfStep = f(step / 2);
  const scalingInv = f(65536 / f(outputMax - outputMin));
  const clamp = (v: number) => Math.min(Math.max(v, -32768), 32767);
  const lut = new Int16Array(steps + 1);
  for (let i = 0; i < steps; i++) {
    const at = f(inputMin + f(i * step));
    const val = transform(at);
    const valMid = transform(f(at + halfStep));
    const valNext = transform(f(inputMin + f((i + 1) * step)));
    const sample = roundHalfAway(f(val * scalingInv));
    const midInterp = roundHalfAway(f(f(f(valNext * scalingInv) + sample) / 2));
    const mid = roundHalfAway(f(valMid * scalingInv));
    const bias = roundHalfAway(f((midInterp - mid) / 2));
    lut[i] = clamp(sample - bias);
  }
  lut[steps] = clamp(roundHalfAway(f(transform(inputMax) * scalingInv)));
  return lut;
}

/** LUTLookup: the entry of the top 9 bits, plus the slope to the next times the low 7 bits, rounded. */
export function lutLookup(value: number, lut: Int16Array): number {
  const index = 256 + (value >> 7);
  const offset = value & 0x7f;
  const base = lut[index]!;
  const slope = (lut[index + 1]! - base) << 16 >> 16;
  return ((base + ((slope * offset + 64) >> 7)) << 16) >> 16;
}
