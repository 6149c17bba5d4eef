/**
 * Weight rounding that minimizes each layer's output error instead of each weight's own error (GPTQ, Frantar et al.
 * 2022): the weights of an output channel are rounded one input dimension at a time, and the error each rounding
 * makes is pushed onto the weights not yet rounded, weighted by the inverse of the input's second moments
 * H = E[x xᵀ] (x: the layer's input patch, im2col order = the weight layout). Nearest rounding leaves the error
 * E[(Δw·x)²] = Δwᵀ H Δw to chance; this makes it small where the inputs are correlated, which is where MobileNet-style
 * networks whose BatchNorm was folded into large, nearly cancelling weights lose their accuracy (measured: MediaPipe's
 * pose and hand landmark models).
 *
 * The moments come from the one calibration pass (calibrate.ts feeds InputMoments the float activations it already
 * sees): CONV_2D and FULLY_CONNECTED share one H over the whole patch, DEPTHWISE_CONV_2D has one small H per input
 * channel (its K·K window). Positions are subsampled so that each layer costs at most MOMENT_BUDGET multiply-adds per
 * sample, and layers whose patch has more than MAX_DIM dimensions keep nearest rounding (the factorization grows as
 * d³). Scales are not changed: the result is an ordinary symmetric int8 tensor.
 */
import { BuiltinOperator, elementCount, isConstant, TensorType, type Model, type Operator } from '../tflite/index';
import { convGeometry } from './tflm-kernels/common';

/**
 * Patches with more dimensions than this keep nearest rounding: factorizing H costs d³/3 per layer. Measured: at 512
 * hand landmark's worst all-int8 output falls back from 9.1 to 3.0 dB on test photos (its 672-wide layers limit it),
 * while ad01 (one 640-wide layer) saves 0.4 s of CPU.
 */
export const MAX_DIM = 1024;

/** Multiply-adds per layer and sample spent on accumulating H (positions are subsampled to fit, at least MIN_POSITIONS). */
export const MOMENT_BUDGET = 1 << 18;
const MIN_POSITIONS = 4;

/** H is gathered over at most this many (leading) calibration samples. */
export const MOMENT_SAMPLES = 32;

/** Damping added to H's diagonal, relative to its mean (GPTQ's 1%): keeps the factorization stable with few positions. */
const DAMPING = 0.01;

/** A weighted layer whose input moments are gathered: where its patches come from. */
export interface RoundingLayer {
  /** Operator index in subgraph 0. */
  op: number;
  kind: 'conv' | 'depthwise' | 'fc';
  /** The float activation it reads. */
  input: number;
  /** Patch dimensions: Kh·Kw·Cin (conv), Kh·Kw (depthwise, per input channel), Cin (fc). */
  dim: number;
  /** Input channels (last axis of the input). */
  channels: number;
  kh: number; kw: number; sh: number; sw: number; dh: number; dw: number; padH: number; padW: number;
  h: number; w: number; oh: number; ow: number;
}

/** Second moments of one layer's input patches: one d×d matrix (conv, fc) or one per input channel (depthwise). */
export interface LayerMoments {
  layer: RoundingLayer;
  /** Sum of x xᵀ (row-major, d×d per block; `blocks` blocks). */
  sums: Float64Array;
  blocks: number;
  /** Patches summed (per block). */
  count: number;
  /** inverseFactor of each block (by its offset), computed once: every recipe candidate rounds against the same H. */
  factors?: Map<number, { order: Int32Array; u: Float64Array | undefined }>;
  /** Rounded weights by operator and scales: recipe candidates round the same weights with the same scales. */
  rounded?: Map<string, Int8Array | undefined>;
}

const CODES = new Map<BuiltinOperator, RoundingLayer['kind']>([
  [BuiltinOperator.CONV_2D, 'conv'], [BuiltinOperator.DEPTHWISE_CONV_2D, 'depthwise'], [BuiltinOperator.FULLY_CONNECTED, 'fc'],
]);

/** The weighted layers of the float model whose rounding can use input moments (float input, float constant weights). */
export function roundingLayers(model: Model): RoundingLayer[] {
  const sg = model.subgraphs[0]!;
  const out: RoundingLayer[] = [];
  sg.operators.forEach((op: Operator, i) => {
    const kind = CODES.get(model.operatorCodes[op.opcodeIndex]!.builtinCode);
    const x = sg.tensors[op.inputs[0] ?? -1];
    const wt = sg.tensors[op.inputs[1] ?? -1];
    const y = sg.tensors[op.outputs[0] ?? -1];
    if (!kind || !x || !wt || !y || x.type !== TensorType.FLOAT32 || wt.type !== TensorType.FLOAT32 || !isConstant(model, wt) || isConstant(model, x)) return;
    const o = op.builtinOptions?.table ?? {};
    if (kind === 'fc') {
      const cin = wt.shape.at(-1) ?? 0;
      if (wt.shape.length !== 2 || cin < 1 || elementCount(x.shape) % cin !== 0) return;
      out.push({ op: i, kind, input: op.inputs[0]!, dim: cin, channels: cin, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, padH: 0, padW: 0, h: elementCount(x.shape) / cin, w: 1, oh: elementCount(x.shape) / cin, ow: 1 });
      return;
    }
    if (x.shape.length !== 4 || wt.shape.length !== 4 || y.shape.length !== 4 || x.shape[0] !== 1) return;
    const { H, W, C, OH, OW, KH, KW, FI, sh, sw, dh, dw, padH, padW } = convGeometry(x, wt, y, o);
    // Grouped convolutions (FI < C) read a slice of the channels per group: left to nearest rounding.
    if (kind === 'conv' && FI !== C) return;
    out.push({
      op: i, kind, input: op.inputs[0]!, dim: kind === 'conv' ? KH * KW * C : KH * KW, channels: C,
      kh: KH, kw: KW, sh, sw, dh, dw, padH, padW, h: H, w: W, oh: OH, ow: OW,
    });
  });
  return out.filter((l) => l.dim <= MAX_DIM);
}

/**
 * Accumulates the input moments of `layers` from the float activations of one pass (calibrate.ts calls `observe`
 * with every value it sees of a tensor; whole samples, a batch's rows concatenated).
 */
export class InputMoments {
  readonly moments: LayerMoments[];
  private readonly byInput = new Map<number, LayerMoments[]>();
  private readonly ofOperator = new Map<number, LayerMoments>();
  private readonly seen = new Map<number, number>();
  private patch = new Float64Array(0);

  constructor(layers: readonly RoundingLayer[], private readonly maxSamples = MOMENT_SAMPLES) {
    // Layers that read the same input through the same window (MediaPipe's heads: four FULLY_CONNECTED on one vector)
    // share one accumulation and one factorization.
    const shared = new Map<string, LayerMoments>();
    for (const layer of layers) {
      const l = layer;
      const key = [l.input, l.kind, l.dim, l.kh, l.kw, l.sh, l.sw, l.dh, l.dw, l.padH, l.padW].join(',');
      let m = shared.get(key);
      if (!m) {
        const blocks = l.kind === 'depthwise' ? l.channels : 1;
        shared.set(key, (m = { layer: l, sums: new Float64Array(blocks * l.dim * l.dim), blocks, count: 0 }));
        this.byInput.set(l.input, [...(this.byInput.get(l.input) ?? []), m]);
      }
      this.ofOperator.set(l.op, m);
    }
    this.moments = [...shared.values()];
  }

  /** The tensors whose values `observe` needs. */
  get tensors(): number[] {
    return [...this.byInput.keys()];
  }

  observe(tensor: number, values: Float32Array, perSample: number): void {
    const list = this.byInput.get(tensor);
    if (!list || perSample <= 0) return;
    const done = this.seen.get(tensor) ?? 0;
    const rows = Math.min(values.length / perSample, this.maxSamples - done);
    if (rows <= 0) return;
    this.seen.set(tensor, done + rows);
    for (let r = 0; r < rows; r++) {
      const x = values.subarray(r * perSample, (r + 1) * perSample);
      for (const m of list) this.addSample(m, x, done + r);
    }
  }

  private addSample(m: LayerMoments, x: Float32Array, sample: number): void {
    const l = m.layer;
    const d = l.dim;
    const positions = l.oh * l.ow;
    const perPosition = l.kind === 'depthwise' ? l.channels * d * (d + 1) / 2 : d * (d + 1) / 2;
    const take = Math.min(positions, Math.max(MIN_POSITIONS, Math.floor(MOMENT_BUDGET / perPosition)));
    // Evenly spaced positions, offset per sample so that the samples together cover the map.
    const step = positions / take;
    const offset = (sample * 0.618034) % 1;
    const blocks = l.kind === 'depthwise' ? l.channels : 1;
    // The patches, one row per patch dimension (and block): xt[(block·d + k)·take + position].
    const xt = this.buffer(blocks * d * take);
    for (let k = 0; k < take; k++) {
      const pos = Math.min(positions - 1, Math.floor((k + offset) * step));
      const oy = Math.floor(pos / l.ow), ox = pos % l.ow;
      if (l.kind === 'fc') {
        for (let i = 0; i < d; i++) xt[i * take + k] = x[pos * d + i]!;
        continue;
      }
      let n = 0;
      for (let ky = 0; ky < l.kh; ky++) {
        const iy = oy * l.sh - l.padH + l.dh * ky;
        for (let kx = 0; kx < l.kw; kx++, n++) {
          const ix = ox * l.sw - l.padW + l.dw * kx;
          const inside = iy >= 0 && iy < l.h && ix >= 0 && ix < l.w;
          const base = (iy * l.w + ix) * l.channels;
          // conv: patch dimension (ky, kx, c) = n·C + c; depthwise: block c, dimension n.
          if (l.kind === 'conv') for (let c = 0; c < l.channels; c++) xt[(n * l.channels + c) * take + k] = inside ? x[base + c]! : 0;
          else for (let c = 0; c < l.channels; c++) xt[(c * d + n) * take + k] = inside ? x[base + c]! : 0;
        }
      }
    }
    for (let b = 0; b < blocks; b++) addGram(m.sums, b * d * d, xt, b * d * take, d, take);
    m.count += take;
  }

  private buffer(n: number): Float64Array {
    if (this.patch.length < n) this.patch = new Float64Array(n);
    return this.patch;
  }

  /** Moments keyed by operator index, those with any patches summed. */
  byOperator(): Map<number, LayerMoments> {
    return new Map([...this.ofOperator].filter(([, m]) => m.count > 0));
  }
}

/** Upper triangle of s[off..] += X Xᵀ, X the d×n block of `xt` at `xo` (row k: dimension k over the n patches). */
function addGram(s: Float64Array, off: number, xt: Float64Array, xo: number, d: number, n: number): void {
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) s[off + i * d + j]! += dot(xt, xo + i * n, xt, xo + j * n, n);
}

/** Σ a[ai + k]·b[bi + k] over k < n, in four partial sums: the adds do not wait on each other. */
function dot(a: Float64Array, ai: number, b: Float64Array, bi: number, n: number): number {
  let t0 = 0, t1 = 0, t2 = 0, t3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    t0 += a[ai + k]! * b[bi + k]!;
    t1 += a[ai + k + 1]! * b[bi + k + 1]!;
    t2 += a[ai + k + 2]! * b[bi + k + 2]!;
    t3 += a[ai + k + 3]! * b[bi + k + 3]!;
  }
  for (; k < n; k++) t0 += a[ai + k]! * b[bi + k]!;
  return t0 + t1 + t2 + t3;
}

/**
 * U, upper triangular with H⁻¹ = Uᵀ U, of the damped, normalized moment block (GPTQ's `Hinv`), after permuting its
 * dimensions by `order`. With J the reversal, J H J = L Lᵀ (Cholesky) gives H = R Rᵀ with R = J L J upper, so
 * U = R⁻¹ = J L⁻¹ J: one factorization and one triangular inverse, both reading rows. Undefined when H cannot be
 * factorized even with more damping.
 */
function inverseFactor(sums: Float64Array, off: number, d: number, count: number, order: Int32Array): Float64Array | undefined {
  let mean = 0;
  for (let i = 0; i < d; i++) mean += sums[off + i * d + i]! / count;
  mean /= d;
  const floor = mean > 0 ? mean : 1;
  // Reversed and permuted: hr[i][j] = H[order[d-1-i]][order[d-1-j]] (the moment sums hold the upper triangle).
  const at = (i: number, j: number) => {
    const a = order[d - 1 - i]!, b = order[d - 1 - j]!;
    return sums[off + Math.min(a, b) * d + Math.max(a, b)]! / count;
  };
  for (let damp = DAMPING; damp <= 1; damp *= 10) {
    // Row-oriented Cholesky, lower factor in l (row i holds l[i][0..i]).
    const l = new Float64Array(d * d);
    let ok = true;
    for (let i = 0; i < d && ok; i++) {
      const ri = i * d;
      for (let j = 0; j <= i; j++) {
        const rj = j * d;
        const t = at(i, j) + (i === j ? damp * floor : 0) - dot(l, ri, l, rj, j);
        if (i === j) {
          if (!(t > 0)) { ok = false; break; }
          l[ri + i] = Math.sqrt(t);
        } else {
          l[ri + j] = t / l[rj + j]!;
        }
      }
    }
    if (!ok) continue;
    // m = (L⁻¹)ᵀ, upper: m[j][i] = L⁻¹[i][j], built row by row of L so that both reads run along rows.
    const m = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      const ri = i * d;
      const inv = 1 / l[ri + i]!;
      m[ri + i] = inv;
      for (let j = 0; j < i; j++) {
        const rj = j * d;
        m[rj + i] = -dot(l, ri + j, m, rj + j, i - j) * inv;
      }
    }
    // U[a][b] = L⁻¹[d-1-a][d-1-b] = m[d-1-b][d-1-a].
    const u = new Float64Array(d * d);
    for (let a = 0; a < d; a++) for (let b = a; b < d; b++) u[a * d + b] = m[(d - 1 - b) * d + (d - 1 - a)]!;
    return u;
  }
  return undefined;
}

const roundClamp = (x: number): number => {
  const q = x < 0 ? -Math.round(-x) : Math.round(x);
  return q > 127 ? 127 : q < -127 ? -127 : q;
};

/**
 * GPTQ rounding of one block: `rows` weight vectors of `d` elements, element k of row r at `index(r, k)`, each row
 * with its scale; writes `out` at the same indices. Dimensions are rounded in order of decreasing H diagonal (the
 * most used inputs first, GPTQ's "act order"). Returns false (nothing written) when H cannot be factorized.
 */
function roundBlock(
  values: Float32Array, out: Int8Array, rows: number, d: number, index: (r: number, k: number) => number, scaleOf: (r: number) => number,
  m: LayerMoments, off: number,
): boolean {
  const factors = (m.factors ??= new Map());
  let f = factors.get(off);
  if (!f) {
    const sums = m.sums;
    const order = Int32Array.from({ length: d }, (_, k) => k).sort((a, b) => sums[off + b * d + b]! - sums[off + a * d + a]!);
    factors.set(off, (f = { order, u: inverseFactor(sums, off, d, m.count, order) }));
  }
  const { order, u } = f;
  if (!u) return false;
  const w = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    const s = scaleOf(r);
    for (let k = 0; k < d; k++) w[k] = values[index(r, order[k]!)]!;
    for (let k = 0; k < d; k++) {
      const q = roundClamp(w[k]! / s);
      out[index(r, order[k]!)] = q;
      const e = (w[k]! - q * s) / u[k * d + k]!;
      if (e === 0) continue;
      for (let j = k + 1; j < d; j++) w[j]! -= e * u[k * d + j]!;
    }
  }
  return true;
}

/**
 * The int8 weights of one layer (operator `op`, whose moments `m` may be shared with others reading the same input)
 * rounded against its input moments. `shape` is the weight tensor's, `scales` one per output channel (or one for the
 * tensor); the result is cached by operator and scales. Returns undefined when the moments do not describe these weights, or when
 * a block cannot be factorized (the caller then rounds to nearest).
 */
export function roundWithMoments(values: Float32Array, shape: readonly number[], scales: readonly number[], m: LayerMoments, op = m.layer.op): Int8Array | undefined {
  const cache = (m.rounded ??= new Map());
  const key = `${op}|${scales.join(',')}`;
  if (!cache.has(key)) cache.set(key, roundLayer(values, shape, scales, m));
  const q = cache.get(key);
  return q && Int8Array.from(q);
}

function roundLayer(values: Float32Array, shape: readonly number[], scales: readonly number[], m: LayerMoments): Int8Array | undefined {
  const l = m.layer;
  const d = l.dim;
  const out = new Int8Array(values.length);
  const scale = (c: number) => scales[scales.length > 1 ? c : 0]!;
  if (l.kind === 'depthwise') {
    // [1, Kh, Kw, C·M]: output channel c reads input channel ⌊c/M⌋ over the Kh·Kw window.
    const oc = shape.at(-1) ?? 0;
    const mult = oc / l.channels;
    if (shape.length !== 4 || elementCount(shape) !== d * oc || !Number.isInteger(mult)) return undefined;
    for (let c = 0; c < oc; c++) {
      const ok = roundBlock(values, out, 1, d, (_r, k) => k * oc + c, () => scale(c), m, Math.floor(c / mult) * d * d);
      if (!ok) return undefined;
    }
    return out;
  }
  // [O, Kh, Kw, Cin] and [O, Cin]: row-major, each output channel one contiguous patch-shaped row.
  const rows = shape[0] ?? 0;
  if (elementCount(shape) !== rows * d) return undefined;
  return roundBlock(values, out, rows, d, (r, k) => r * d + k, scale, m, 0) ? out : undefined;
}
