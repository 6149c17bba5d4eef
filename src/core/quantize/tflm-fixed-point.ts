/**
 * The integer arithmetic of TFLite Micro's reference kernels, bit for bit: gemmlowp's fixed-point primitives
 * (fixedpoint/fixedpoint.h) and TFLite's multiplier helpers (kernels/internal/common.cc, quantization_util.cc), in the
 * default build (double rounding: TFLITE_SINGLE_ROUNDING off, TFLITE_EMULATE_FLOAT off), at TFLM commit 90b983c2.
 * Every value is an int32 held in a JS number; products of two int32 are formed without losing bits.
 */
import { roundHalfAway } from './quant-math';

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
const TWO_POW_16 = 65536;
const TWO_POW_15 = 32768;
const TWO_POW_31 = 2147483648;
const TWO_POW_MINUS_15 = 2 ** -15;
const TWO_POW_MINUS_31 = 2 ** -31;
const NUDGE_UP = 1 << 30;
const NUDGE_DOWN = 1 - (1 << 30);

/** C++ int32 wrap-around (what x86 and Arm do for the kernels' unchecked `x * (1 << shift)`). */
export const wrap32 = (x: number): number => x | 0;

/**
 * gemmlowp SaturatingRoundingDoublingHighMul: (a·b + nudge) / 2^31 truncated toward zero, nudge = 2^30 for a·b >= 0,
 * 1 - 2^30 below. a·b needs 62 bits: with b = bh·2^16 + bl, a·b = P·2^16 + a·bl (P = a·bh), and P = Ph·2^15 + Pl,
 * so a·b = Ph·2^31 + R with every part exact in a double. Only multiplications by powers of two and Math.floor
 * (no `%`, which is a slow fmod in V8): this runs once per output value of every requantizing kernel.
 */
export function srdhm(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const bl = b & 0xffff; // 0..65535
  const p = a * (b >> 16); // exact, |p| < 2^46
  const ph = Math.floor(p * TWO_POW_MINUS_15);
  const r = (p - ph * TWO_POW_15) * TWO_POW_16 + a * bl + ((a >= 0) === (b >= 0) || a === 0 || b === 0 ? NUDGE_UP : NUDGE_DOWN); // exact, |r| < 2^48
  const rh = Math.floor(r * TWO_POW_MINUS_31);
  const f = ph + rh; // floor((a·b + nudge) / 2^31)
  return f < 0 && r !== rh * TWO_POW_31 ? f + 1 : f;
}

/** gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero. */
export function roundingDivideByPot(x: number, exponent: number): number {
  if (exponent === 0) return x;
  const mask = exponent >= 31 ? INT32_MAX : (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** gemmlowp SaturatingRoundingMultiplyByPOT<exponent>: a saturating left shift, or a rounding right shift. */
export function saturatingRoundingMultiplyByPot(x: number, exponent: number): number {
  if (exponent === 0) return x;
  if (exponent < 0) return roundingDivideByPot(x, -exponent);
  const threshold = (1 << (31 - exponent)) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return wrap32(x * 2 ** exponent);
}

/** TFLite MultiplyByQuantizedMultiplier (double rounding): x · multiplier · 2^shift. */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return roundingDivideByPot(srdhm(left ? wrap32(x * 2 ** left) : x, multiplier), right);
}

/** TFLite QuantizeMultiplier: a real multiplier as a Q31 significand and a power-of-two exponent. */
export function quantizeMultiplier(real: number): { multiplier: number; shift: number } {
  if (real === 0) return { multiplier: 0, shift: 0 };
  let shift = Math.floor(Math.log2(Math.abs(real))) + 1;
  let q = real / 2 ** shift;
  // frexp: |q| in [0.5, 1); log2 can be off by one at exact powers of two.
  if (Math.abs(q) >= 1) { q /= 2; shift++; }
  if (Math.abs(q) < 0.5) { q *= 2; shift--; }
  let fixed = roundHalfAway(q * 2 ** 31);
  if (fixed === 2 ** 31) { fixed /= 2; shift++; }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  return { multiplier: fixed, shift };
}

/** gemmlowp RoundingHalfSum for int32. */
function roundingHalfSum(a: number, b: number): number {
  const sum = a + b;
  return Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/** CountLeadingZeros of the uint32 view of x. */
export const countLeadingZeros = (x: number): number => Math.clz32(x);

/** gemmlowp exp_on_interval_between_negative_one_quarter_and_0_excl, Q0.31 in and out. */
function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: number): number {
  const constantTerm = 1895147668; // exp(-1/8)
  const constant1Over3 = 715827883;
  const x = wrap32(a + (1 << 28)); // a + 1/8
  const x2 = srdhm(x, x);
  const x3 = srdhm(x2, x);
  const x4 = srdhm(x2, x2);
  const x4Over4 = saturatingRoundingMultiplyByPot(x4, -2);
  const poly = saturatingRoundingMultiplyByPot(wrap32(srdhm(wrap32(x4Over4 + x3), constant1Over3) + x2), -1);
  return wrap32(constantTerm + srdhm(constantTerm, wrap32(x + poly)));
}

const EXP_BARREL: [number, number][] = [[-2, 1672461947], [-1, 1302514674], [0, 790015084], [1, 290630308], [2, 39332535], [3, 720401], [4, 242]];

/** gemmlowp exp_on_negative_values for a FixedPoint<int32, integerBits> input; the result is Q0.31. */
export function expOnNegativeValues(a: number, integerBits: number): number {
  const fractionalBits = 31 - integerBits;
  const oneQuarter = 1 << (fractionalBits - 2);
  const mask = oneQuarter - 1;
  const aModQuarterMinusOneQuarter = wrap32((a & mask) - oneQuarter);
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(saturatingRoundingMultiplyByPot(aModQuarterMinusOneQuarter, integerBits));
  const remainder = wrap32(aModQuarterMinusOneQuarter - a);
  for (const [exponent, multiplier] of EXP_BARREL) {
    if (integerBits > exponent) {
      const bit = fractionalBits + exponent;
      if (remainder & (bit >= 31 ? INT32_MIN : 1 << bit)) result = srdhm(result, multiplier);
    }
  }
  if (integerBits > 5) {
    const clamp = -(1 << (36 - integerBits));
    if (a < clamp) result = 0;
  }
  return a === 0 ? INT32_MAX : result;
}

/** gemmlowp one_over_one_plus_x_for_x_in_0_1: Q0.31 in, Q0.31 out. */
function oneOverOnePlusXForXIn01(a: number): number {
  const halfDenominator = roundingHalfSum(a, INT32_MAX);
  const c48Over17 = 1515870810; // Q2.29
  const cNeg32Over17 = -1010580540;
  const oneQ2 = 1 << 29;
  let x = wrap32(c48Over17 + srdhm(halfDenominator, cNeg32Over17));
  for (let i = 0; i < 3; i++) {
    const halfDenominatorTimesX = srdhm(halfDenominator, x);
    const oneMinus = wrap32(oneQ2 - halfDenominatorTimesX);
    x = wrap32(x + saturatingRoundingMultiplyByPot(srdhm(x, oneMinus), 2));
  }
  return saturatingRoundingMultiplyByPot(x, 1); // Rescale<0>(ExactMulByPot<-1>(x)): Q2.29 read as Q1.30, then Q0.31
}

/** TFLite GetReciprocal (kernels/internal/common.h): 1/x for a FixedPoint<int32, xIntegerDigits>. */
export function getReciprocal(x: number, xIntegerDigits: number): { reciprocal: number; numBitsOverUnit: number } {
  const headroomPlusOne = countLeadingZeros(x);
  const numBitsOverUnit = xIntegerDigits - headroomPlusOne;
  const shiftedSumMinusOne = wrap32(((x >>> 0) * 2 ** headroomPlusOne) % 2 ** 32 - 2 ** 31);
  return { reciprocal: oneOverOnePlusXForXIn01(shiftedSumMinusOne), numBitsOverUnit };
}

/**
 * TFLite MultiplyByQuantizedMultiplier(int64_t x, ...) in the default (double-rounding) build, common.cc: the 16x8
 * kernels' requantization of an int64 accumulator. The multiplier is cut to 16 bits, rounded (ties up), then one
 * rounding shift: `(x · reduced + 2^(total−1)) >> total`, total = 15 − shift.
 */
export function multiplyByQuantizedMultiplier64(x: number, multiplier: number, shift: number): number {
  const reduced = multiplier < 0x7fff0000 ? (multiplier + (1 << 15)) >> 16 : 0x7fff;
  const total = 15 - shift;
  const p = x * reduced;
  if (Math.abs(p) < 2 ** 52) return wrap32(Math.floor((p + 2 ** (total - 1)) / 2 ** total));
  return Number(BigInt.asIntN(32, (BigInt(x) * BigInt(reduced) + (1n << BigInt(total - 1))) >> BigInt(total)));
}

/** quantization_util.cc CalculateInputRadius (default build, double). */
export function calculateInputRadius(inputIntegerBits: number, inputLeftShift: number, totalSignedBits = 31): number {
  const max = (((1 << inputIntegerBits) - 1) * 2 ** (totalSignedBits - inputIntegerBits)) / 2 ** inputLeftShift;
  return Math.floor(max);
}

/** std::frexp + TfLiteRound(q · 2^31), as the LOGISTIC and TANH Prepare functions compute their input multiplier. */
export function frexpMultiplier(real: number): { multiplier: number; shift: number } {
  if (real === 0) return { multiplier: 0, shift: 0 };
  let shift = Math.floor(Math.log2(Math.abs(real))) + 1;
  let q = real / 2 ** shift;
  if (Math.abs(q) >= 1) { q /= 2; shift++; }
  if (Math.abs(q) < 0.5) { q *= 2; shift--; }
  return { multiplier: wrap32(roundHalfAway(q * 2 ** 31)), shift };
}

/** gemmlowp logistic for a FixedPoint<int32, integerBits> input; the result is Q0.31. */
export function logisticFixed(a: number, integerBits: number): number {
  if (a === 0) return 1 << 30; // one half
  const positive = a > 0;
  const r = oneOverOnePlusXForXIn01(expOnNegativeValues(wrap32(-(positive ? a : wrap32(-a))), integerBits));
  return positive ? r : wrap32(INT32_MAX - r);
}

/** gemmlowp one_minus_x_over_one_plus_x_for_x_in_0_1: Q0.31 in and out. */
function oneMinusXOverOnePlusXForXIn01(a: number): number {
  const halfDenominator = roundingHalfSum(a, INT32_MAX);
  const oneQ2 = 1 << 29;
  let x = wrap32(1515870810 + srdhm(halfDenominator, -1010580540));
  for (let i = 0; i < 3; i++) {
    const oneMinus = wrap32(oneQ2 - srdhm(halfDenominator, x));
    x = wrap32(x + saturatingRoundingMultiplyByPot(srdhm(x, oneMinus), 2));
  }
  return saturatingRoundingMultiplyByPot(wrap32(x - oneQ2), 2); // Rescale<0> of a Q2.29
}

/** gemmlowp tanh for a FixedPoint<int32, integerBits> input; the result is Q0.31. */
export function tanhFixed(a: number, integerBits: number): number {
  if (a === 0) return 0;
  const negative = a < 0;
  const n = negative ? a : wrap32(-a);
  // neg_tanh_on_negative_values: exp(2n) with ExactMulByPot<1> (the same raw value read with one more integer bit)
  const t = oneMinusXOverOnePlusXForXIn01(expOnNegativeValues(n, integerBits + 1));
  return negative ? wrap32(-t) : t;
}

/** gemmlowp SaturatingRoundingDoublingHighMul for int16. */
export function srdhm16(a: number, b: number): number {
  if (a === -32768 && b === -32768) return 32767;
  const ab = a * b;
  return Math.trunc((ab + (ab >= 0 ? 1 << 14 : 1 - (1 << 14))) / 32768);
}
