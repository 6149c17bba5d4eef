/**
 * Int8 × int16 dot products in WebAssembly SIMD, for the TFLite Micro reference evaluation (tflm-reference.ts): its
 * convolutions and fully-connected layers spend almost all their time in `acc += w[k] · (x[k] + input_offset)` over
 * int8 weights. Plain JS manages about 3–5 ns per multiply-accumulate; `i32x4.dot_i16x8_s` does eight at a time.
 *
 * The sums are exact int32 sums, wrapping on overflow as the C++ kernels' int32 accumulators do in practice, so the
 * results are the same integers as the JS loops (test/unit/simd-dot.test.ts). The module is a few hundred bytes,
 * assembled here rather than shipped as a binary; where WebAssembly SIMD is missing, `SimdDot.create()` returns
 * undefined and callers keep their JS loops.
 *
 * Use: `rows(weights, count, depth)` copies a weight matrix in once (each row padded with zeros to a multiple of 8);
 * `views(rows)` gives the int16 input vector and the int32 sums; per input vector, write it into the input (int8
 * value + input offset; the padding stays 0) and call `dot(rows)`, which sets sums[r] = Σ_k weights[r·depth + k] · input[k].
 * For int8 outputs, `requantizer(...)` copies a layer's bias and per-channel multipliers in once and
 * `dotRequantized(rows, q)` also turns the sums into the int8 outputs (`views(rows).output8`), as the kernels'
 * MultiplyByQuantizedMultiplier does (the JS loop called it once per output value, a large share of the evaluator).
 * An int8 CONV_2D runs whole in the module: `convLayer(rows, q, geometry)` once, then `runConv(layer, input, output)`
 * per batch item (the evaluator runs only ~10 samples, and JS loops spent most of them warming up in the JIT).
 * Exports: dots (the sums), dotq (sums and requantization in one call), conv (a layer).
 */
import { wasmApi, type WasmMemory, type WasmModule } from '../common/wasm-api';

/** A layer's bias, multipliers and shifts (int32 per row) and its output zero point and clamp, in the module's memory. */
export interface Requantizer {
  readonly offset: number;
  readonly count: number;
  readonly zeroPoint: number;
  readonly lo: number;
  readonly hi: number;
}

/** A CONV_2D's shape, strides, dilations, padding and input offset (groups 1, one batch item). */
export interface ConvGeometry {
  h: number; w: number; c: number; kh: number; kw: number; sh: number; sw: number; dh: number; dw: number;
  padH: number; padW: number; oh: number; ow: number; inOff: number;
}

/** A CONV_2D set up in the module's memory: its parameter block and its input and output bytes. */
export interface ConvLayer {
  readonly block: number;
  readonly input: number;
  readonly inputBytes: number;
  readonly output: number;
  readonly outputBytes: number;
}

/** A weight matrix held in the module's memory. */
export interface DotRows {
  readonly offset: number;
  readonly count: number;
  readonly depth: number;
  /** `depth` rounded up to a multiple of 8. */
  readonly stride: number;
}

const PAGE = 65536;


/** LEB128 of an unsigned 32-bit value. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/**
 * dots(w, p, stride, rows, out): for r < rows, out[r] (i32) = Σ_{k < stride} i8 w[r·stride + k] · i16 p[k].
 * Locals: 5 r, 6 weight pointer, 7 input pointer, 8 end of the row, 9 v128 accumulator.
 */
function dotsBody(): number[] {
  const I32 = 0x7f, V128 = 0x7b;
  const get = (i: number) => [0x20, i], set = (i: number) => [0x21, i], tee = (i: number) => [0x22, i];
  const i32c = (v: number) => [0x41, ...uleb(v)]; // small non-negative constants only
  const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
  const lane = (i: number) => [...get(9), ...simd(0x1b, i)]; // i32x4.extract_lane
  const code = [
    0x02, 0x40, // block $done
    ...get(3), 0x45, 0x0d, 0, // rows == 0: done
    ...get(0), ...set(6),
    0x03, 0x40, // loop $rows
    ...simd(0x0c, ...new Array<number>(16).fill(0)), ...set(9), // acc = 0
    ...get(1), ...set(7),
    ...get(6), ...get(2), 0x6a, ...set(8),
    0x02, 0x40, // block $kdone
    ...get(2), 0x45, 0x0d, 0,
    0x03, 0x40, // loop $k
    ...get(9),
    ...get(6), ...simd(0x01, 0, 0), // i16x8.load8x8_s: 8 weights widened
    ...get(7), ...simd(0x00, 0, 0), // v128.load: 8 inputs
    ...simd(0xba), // i32x4.dot_i16x8_s
    ...simd(0xae), // i32x4.add
    ...set(9),
    ...get(7), ...i32c(16), 0x6a, ...set(7),
    ...get(6), ...i32c(8), 0x6a, ...tee(6),
    ...get(8), 0x49, 0x0d, 0, // wp < end: next 8
    0x0b, 0x0b, // end loop $k, end block $kdone
    ...get(4), ...lane(0), ...lane(1), 0x6a, ...lane(2), 0x6a, ...lane(3), 0x6a,
    0x36, 2, 0, // i32.store
    ...get(4), ...i32c(4), 0x6a, ...set(4),
    ...get(5), ...i32c(1), 0x6a, ...tee(5),
    ...get(3), 0x49, 0x0d, 0, // r < rows: next row
    0x0b, 0x0b, // end loop $rows, end block $done
    0x0b, // end function
  ];
  const locals = [2, 4, I32, 1, V128];
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

/** Signed LEB128 of a 32- or 64-bit constant (exact in a double here: |v| <= 2^31). */
function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = ((v % 128) + 128) % 128;
    v = (v - b) / 128;
    const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

/**
 * requant(sums, bias, mult, shift, rows, out, zp, lo, hi): for r < rows, out[r] (i8) = clamp(
 * MultiplyByQuantizedMultiplier(sums[r] + bias[r], mult[r], shift[r]) + zp, lo, hi), all int32 with C++ wrapping:
 * TFLite's double-rounding MultiplyByQuantizedMultiplier (tflm-fixed-point.ts) on i64 products, as the int8 kernels'
 * requantization after their int32 accumulation. Locals: 9 x, 10 m, 11 s, 12 right shift, 13 mask, 14 v, 15 ab (i64).
 */
function requantBody(): number[] {
  const I32 = 0x7f, I64 = 0x7e;
  const get = (i: number) => [0x20, i], set = (i: number) => [0x21, i], tee = (i: number) => [0x22, i];
  const i32c = (v: number) => [0x41, ...sleb(v)];
  const i64c = (v: number) => [0x42, ...sleb(v)];
  const load = (p: number) => [...get(p), 0x28, 2, 0]; // i32.load
  const advance = (p: number, by: number) => [...get(p), ...i32c(by), 0x6a, ...set(p)];
  const [SUMS, BIAS, MULT, SHIFT, ROWS, OUT, ZP, LO, HI] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [X, M, S, RIGHT, MASK, V, AB] = [9, 10, 11, 12, 13, 14, 15];
  const code = [
    0x02, 0x40, // block $done
    ...get(ROWS), 0x45, 0x0d, 0,
    0x03, 0x40, // loop $rows
    ...load(SUMS), ...load(BIAS), 0x6a, ...set(X), // x = sums + bias (wrapping)
    ...load(MULT), ...set(M),
    ...load(SHIFT), ...set(S),
    // left = max(shift, 0) applied to x (wrapping, as the C++ x * (1 << left)); right = max(-shift, 0)
    ...get(S), ...i32c(0), 0x4a, // i32.gt_s
    0x04, 0x40, // if
    ...get(X), ...get(S), 0x74, ...set(X), // i32.shl
    ...i32c(0), ...set(RIGHT),
    0x05, // else
    ...i32c(0), ...get(S), 0x6b, ...set(RIGHT), // i32.sub
    0x0b,
    // SaturatingRoundingDoublingHighMul(x, m): INT32_MAX for MIN·MIN, else (x·m + nudge) / 2^31 truncated
    ...get(X), ...i32c(-2147483648), 0x46, ...get(M), ...i32c(-2147483648), 0x46, 0x71, // both MIN: i32.and of i32.eq
    0x04, I32, // if (result i32)
    ...i32c(2147483647),
    0x05,
    ...get(X), 0xac, ...get(M), 0xac, 0x7e, ...tee(AB), // i64.extend_i32_s, i64.mul
    ...i64c(1 << 30), ...i64c(1 - (1 << 30)), ...get(AB), ...i64c(0), 0x59, 0x1b, // select(nudge+, nudge-, ab >= 0)
    0x7c, ...set(AB), // t = ab + nudge
    // t / 2^31 toward zero, as an arithmetic shift (toward -inf) of t, or of t + 2^31 - 1 when t < 0 (no i64.div_s)
    ...get(AB), ...i64c(2147483647), 0x7c, ...get(AB), ...get(AB), ...i64c(0), 0x53, 0x1b, // select(t + 2^31 - 1, t, t < 0)
    ...i64c(31), 0x87, // i64.shr_s
    0xa7, // i32.wrap_i64
    0x0b,
    ...set(V),
    // RoundingDivideByPOT(v, right): mask = 2^right - 1 (wrapping: INT32_MAX at 31)
    ...i32c(1), ...get(RIGHT), 0x74, ...i32c(1), 0x6b, ...set(MASK),
    ...get(V), ...get(RIGHT), 0x75, // i32.shr_s
    ...get(V), ...get(MASK), 0x71, // remainder
    ...get(MASK), ...i32c(1), 0x75, ...get(V), ...i32c(0), 0x48, 0x6a, // threshold = (mask >> 1) + (v < 0)
    0x4a, 0x6a, // + (remainder > threshold)
    ...set(V),
    // clamp(v + zp, lo, hi), compared before adding zp so a saturated v cannot wrap
    ...get(OUT),
    ...get(LO),
    ...get(HI),
    ...get(V), ...get(ZP), 0x6a,
    ...get(V), ...get(HI), ...get(ZP), 0x6b, 0x4a, 0x1b, // v > hi - zp ? hi : v + zp
    ...get(V), ...get(LO), ...get(ZP), 0x6b, 0x48, 0x1b, // v < lo - zp ? lo : that
    0x3a, 0, 0, // i32.store8
    ...advance(SUMS, 4), ...advance(BIAS, 4), ...advance(MULT, 4), ...advance(SHIFT, 4), ...advance(OUT, 1),
    ...get(ROWS), ...i32c(1), 0x6b, ...tee(ROWS),
    0x0d, 0, // rows != 0: next
    0x0b, 0x0b, // end loop, end block
    0x0b,
  ];
  const locals = [2, 6, I32, 1, I64];
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

/**
 * dotq(w, p, stride, rows, sums, bias, mult, shift, out, zp, lo, hi): dots, then requant of its sums, in one call
 * from JS (a call into WebAssembly costs about as much as a short row).
 */
function dotqBody(): number[] {
  const get = (i: number) => [0x20, i];
  const code = [
    ...[0, 1, 2, 3, 4].flatMap(get), 0x10, 0, // call dots
    ...[4, 5, 6, 7, 3, 8, 9, 10, 11].flatMap(get), 0x10, 1, // call requant(sums, bias, mult, shift, rows, out, zp, lo, hi)
    0x0b,
  ];
  return [...uleb(1 + code.length), 0, ...code];
}

/** The i32 fields of a convolution's parameter block in memory (convBody), in order. */
const CONV_FIELDS = ['x', 'h', 'w', 'c', 'kh', 'kw', 'sh', 'sw', 'dh', 'dw', 'padH', 'padW', 'oh', 'ow', 'inOff', 'row', 'weights', 'stride', 'oc', 'sums', 'bias', 'mult', 'shift', 'out', 'zp', 'lo', 'hi'] as const;

/**
 * conv(g): a whole int8 CONV_2D (one batch item, groups 1) from the parameter block at g (CONV_FIELDS): for each
 * output pixel the receptive field is gathered into the row (int8 input + input offset as int16, 0 over the edges,
 * filter layout [O, KH, KW, I]) and dotq writes the pixel's OC int8 outputs at out + pixel·OC. The loops the JS
 * kernel ran, without its JIT warm-up (the evaluator runs only a few samples). Locals 1-27 hold the fields; 28 oy,
 * 29 ox, 30 ky, 31 kx, 32 iy, 33 ix, 34 source, 35 destination, 36 ic, 37 row bytes, 38 output pointer.
 */
function convBody(): number[] {
  const I32 = 0x7f;
  const get = (i: number) => [0x20, i], set = (i: number) => [0x21, i], tee = (i: number) => [0x22, i];
  const i32c = (v: number) => [0x41, ...sleb(v)];
  const f = (name: (typeof CONV_FIELDS)[number]) => 1 + CONV_FIELDS.indexOf(name);
  const [OY, OX, KY, KX, IY, IX, SRC, DST, IC, ROWBYTES, OUT] = [28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38];
  const add = 0x6a, sub = 0x6b, mul = 0x6c, ltU = 0x49, geU = 0x4f, eqz = 0x45, brIf = (d: number) => [0x0d, d];
  const next = (counter: number, limit: number) => [...get(counter), ...i32c(1), add, ...tee(counter), ...get(limit), ltU, ...brIf(0)];
  const code = [
    ...CONV_FIELDS.flatMap((_, k) => [...get(0), 0x28, 2, ...uleb(4 * k), ...set(k + 1)]), // i32.load offset=4k
    ...get(f('kh')), ...get(f('kw')), mul, ...get(f('c')), mul, ...i32c(2), mul, ...set(ROWBYTES),
    ...get(f('out')), ...set(OUT),
    ...i32c(0), ...set(OY),
    0x02, 0x40, // block $done
    ...get(f('oh')), eqz, ...brIf(0), ...get(f('ow')), eqz, ...brIf(0),
    ...get(f('kh')), eqz, ...brIf(0), ...get(f('kw')), eqz, ...brIf(0), ...get(f('c')), eqz, ...brIf(0),
    0x03, 0x40, // loop $oy
    ...i32c(0), ...set(OX),
    0x03, 0x40, // loop $ox
    ...get(f('row')), ...i32c(0), ...get(ROWBYTES), 0xfc, 0x0b, 0x00, // memory.fill: taps over the edge stay 0
    ...i32c(0), ...set(KY),
    0x03, 0x40, // loop $ky
    ...get(OY), ...get(f('sh')), mul, ...get(f('padH')), sub, ...get(f('dh')), ...get(KY), mul, add, ...set(IY),
    0x02, 0x40, // block $skipy
    ...get(IY), ...get(f('h')), geU, ...brIf(0), // iy < 0 or iy >= H (unsigned)
    ...i32c(0), ...set(KX),
    0x03, 0x40, // loop $kx
    ...get(OX), ...get(f('sw')), mul, ...get(f('padW')), sub, ...get(f('dw')), ...get(KX), mul, add, ...set(IX),
    0x02, 0x40, // block $skipx
    ...get(IX), ...get(f('w')), geU, ...brIf(0),
    ...get(f('x')), ...get(IY), ...get(f('w')), mul, ...get(IX), add, ...get(f('c')), mul, add, ...set(SRC),
    ...get(f('row')), ...get(KY), ...get(f('kw')), mul, ...get(KX), add, ...get(f('c')), mul, ...i32c(1), 0x74, add, ...set(DST),
    ...i32c(0), ...set(IC),
    0x03, 0x40, // loop $ic
    ...get(DST), ...get(SRC), 0x2c, 0, 0, ...get(f('inOff')), add, 0x3b, 1, 0, // row[...] = i8 x[...] + input offset (i32.store16)
    ...get(SRC), ...i32c(1), add, ...set(SRC),
    ...get(DST), ...i32c(2), add, ...set(DST),
    ...next(IC, f('c')),
    0x0b, // end loop $ic
    0x0b, // end block $skipx
    ...next(KX, f('kw')),
    0x0b, // end loop $kx
    0x0b, // end block $skipy
    ...next(KY, f('kh')),
    0x0b, // end loop $ky
    ...(['weights', 'row', 'stride', 'oc', 'sums', 'bias', 'mult', 'shift'] as const).flatMap((n) => get(f(n))),
    ...get(OUT), ...get(f('zp')), ...get(f('lo')), ...get(f('hi')), 0x10, 2, // call dotq
    ...get(OUT), ...get(f('oc')), add, ...set(OUT),
    ...next(OX, f('ow')),
    0x0b, // end loop $ox
    ...next(OY, f('oh')),
    0x0b, // end loop $oy
    0x0b, // end block $done
    0x0b,
  ];
  const locals = [1, 38, I32];
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

function moduleBytes(): Uint8Array {
  const I32 = 0x7f;
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, 5, ...new Array<number>(5).fill(I32), 0], [0x60, 9, ...new Array<number>(9).fill(I32), 0], [0x60, 12, ...new Array<number>(12).fill(I32), 0], [0x60, 1, I32, 0]])),
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, 0x00, 1]])),
    ...section(3, vec([[0], [1], [2], [3]])),
    ...section(7, vec([[...name('dots'), 0x00, 0], [...name('dotq'), 0x00, 2], [...name('conv'), 0x00, 3]])),
    ...section(10, vec([dotsBody(), requantBody(), dotqBody(), convBody()])),
  ]);
}

type DotsFn = (w: number, p: number, stride: number, rows: number, out: number) => void;
type DotqFn = (w: number, p: number, stride: number, rows: number, sums: number, bias: number, mult: number, shift: number, out: number, zp: number, lo: number, hi: number) => void;

/** The compiled module, once per process (null: not supported here). */
let compiled: WasmModule | null | undefined;

export class SimdDot {
  private top = 0;
  private inputOffset = 0;
  private inputLength = 0;
  private outOffset = 0;
  private outLength = 0;
  private out8Offset = 0;

  private constructor(
    private readonly memory: WasmMemory,
    private readonly dots: DotsFn,
    private readonly dotq: DotqFn,
    private readonly conv: (block: number) => void,
  ) {}

  /**
   * A fresh instance with its own memory (freed with it: a layer's weights live as long as the layer's prepared
   * state); undefined where WebAssembly or its SIMD instructions are not available.
   */
  static create(): SimdDot | undefined {
    try {
      if (compiled === undefined) {
        const bytes = moduleBytes();
        compiled = wasmApi && wasmApi.validate(bytes) ? new wasmApi.Module(bytes) : null;
      }
      if (!compiled || !wasmApi) return undefined;
      const memory = new wasmApi.Memory({ initial: 1 });
      const instance = new wasmApi.Instance(compiled, { env: { mem: memory } });
      return new SimdDot(memory, instance.exports['dots'] as DotsFn, instance.exports['dotq'] as DotqFn, instance.exports['conv'] as (block: number) => void);
    } catch {
      return undefined;
    }
  }

  /** Bytes from `top` on, growing the memory (which detaches earlier views: take them after every rows() call). */
  private alloc(bytes: number): number {
    const at = (this.top + 15) & ~15;
    this.top = at + bytes;
    const need = Math.ceil(this.top / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (need > 0) this.memory.grow(need);
    return at;
  }

  /** Copies `count` rows of `depth` int8 weights in. */
  rows(weights: Int8Array, count: number, depth: number): DotRows {
    const stride = (depth + 7) & ~7;
    const offset = this.alloc(count * stride);
    const view = new Int8Array(this.memory.buffer, offset, count * stride);
    if (stride === depth) view.set(weights.subarray(0, count * depth));
    else for (let r = 0; r < count; r++) view.set(weights.subarray(r * depth, (r + 1) * depth), r * stride);
    return { offset, count, depth, stride };
  }

  /**
   * The input vector (int16, zeroed: the padding must stay 0) and the output sums for `rows`; both views are valid
   * until the next rows() or views() call.
   */
  views(rows: DotRows): { input: Int16Array; output: Int32Array; output8: Int8Array } {
    if (rows.stride > this.inputLength) {
      this.inputOffset = this.alloc(rows.stride * 2);
      this.inputLength = rows.stride;
    }
    if (rows.count > this.outLength) {
      this.outOffset = this.alloc(rows.count * 4);
      this.out8Offset = this.alloc(rows.count);
      this.outLength = rows.count;
    }
    const input = new Int16Array(this.memory.buffer, this.inputOffset, rows.stride);
    input.fill(0);
    return { input, output: new Int32Array(this.memory.buffer, this.outOffset, rows.count), output8: new Int8Array(this.memory.buffer, this.out8Offset, rows.count) };
  }

  /**
   * Copies a layer's per-row int32 bias, quantized multipliers and shifts (tflm-fixed-point.ts quantizeMultiplier)
   * in, with the output zero point and clamp range (within int8). Like rows(), it may grow the memory.
   */
  requantizer(bias: Int32Array, multiplier: Int32Array, shift: Int32Array, zeroPoint: number, lo: number, hi: number): Requantizer {
    const count = bias.length;
    if (multiplier.length !== count || shift.length !== count) throw new RangeError('bias, multipliers and shifts differ in length');
    const offset = this.alloc(count * 12);
    const view = new Int32Array(this.memory.buffer, offset, count * 3);
    view.set(bias);
    view.set(multiplier, count);
    view.set(shift, 2 * count);
    return { offset, count, zeroPoint, lo, hi };
  }

  /**
   * Sets up an int8 CONV_2D whose filter is `rows` (OC rows of KH·KW·C taps) and whose requantization is `q`; like
   * rows(), it may grow the memory. runConv then computes the whole layer in the module.
   */
  convLayer(rows: DotRows, q: Requantizer, g: ConvGeometry): ConvLayer {
    if (rows.depth !== g.kh * g.kw * g.c || q.count !== rows.count) throw new RangeError('the convolution does not match its filter rows');
    this.views(rows); // the row and the sums the module uses
    const inputBytes = g.h * g.w * g.c, outputBytes = g.oh * g.ow * rows.count;
    const input = this.alloc(inputBytes), output = this.alloc(outputBytes), block = this.alloc(CONV_FIELDS.length * 4);
    const n = q.count;
    const fields: Record<(typeof CONV_FIELDS)[number], number> = {
      ...g, x: input, row: this.inputOffset, weights: rows.offset, stride: rows.stride, oc: n, sums: this.outOffset,
      bias: q.offset, mult: q.offset + 4 * n, shift: q.offset + 8 * n, out: output, zp: q.zeroPoint, lo: q.lo, hi: q.hi,
    };
    new Int32Array(this.memory.buffer, block, CONV_FIELDS.length).set(CONV_FIELDS.map((k) => fields[k]));
    return { block, input, inputBytes, output, outputBytes };
  }

  /** One batch item of a convLayer: `input` (H·W·C int8) in, `output` (OH·OW·OC int8) out. */
  runConv(layer: ConvLayer, input: Int8Array, output: Int8Array): void {
    new Int8Array(this.memory.buffer, layer.input, layer.inputBytes).set(input.subarray(0, layer.inputBytes));
    this.conv(layer.block);
    output.set(new Int8Array(this.memory.buffer, layer.output, layer.outputBytes));
  }

  /** dot(rows), then views(rows).output8[r] = clamp(MultiplyByQuantizedMultiplier(sums[r] + bias[r], ...) + zero point). */
  dotRequantized(rows: DotRows, q: Requantizer): void {
    if (q.count !== rows.count) throw new RangeError(`requantizer of ${q.count} rows for ${rows.count} rows`);
    const n = q.count;
    this.dotq(rows.offset, this.inputOffset, rows.stride, n, this.outOffset, q.offset, q.offset + 4 * n, q.offset + 8 * n, this.out8Offset, q.zeroPoint, q.lo, q.hi);
  }

  /** views(rows).output[r] = Σ_k weights[r][k] · input[k], with the input written into views(rows).input. */
  dot(rows: DotRows): void {
    this.dots(rows.offset, this.inputOffset, rows.stride, rows.count, this.outOffset);
  }
}
