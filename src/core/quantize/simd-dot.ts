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
 */

/** A weight matrix held in the module's memory. */
export interface DotRows {
  readonly offset: number;
  readonly count: number;
  readonly depth: number;
  /** `depth` rounded up to a multiple of 8. */
  readonly stride: number;
}

const PAGE = 65536;

/** The part of the WebAssembly JS API used here (the project's lib typings have none). */
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

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

function moduleBytes(): Uint8Array {
  const I32 = 0x7f;
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, 5, I32, I32, I32, I32, I32, 0]])),
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, 0x00, 1]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name('dots'), 0x00, 0]])),
    ...section(10, vec([dotsBody()])),
  ]);
}

/** The compiled module, once per process (null: not supported here). */
let compiled: object | null | undefined;

export class SimdDot {
  private top = 0;
  private inputOffset = 0;
  private inputLength = 0;
  private outOffset = 0;
  private outLength = 0;

  private constructor(private readonly memory: WasmMemory, private readonly dots: (w: number, p: number, stride: number, rows: number, out: number) => void) {}

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
      return new SimdDot(memory, instance.exports['dots'] as (w: number, p: number, stride: number, rows: number, out: number) => void);
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
  views(rows: DotRows): { input: Int16Array; output: Int32Array } {
    if (rows.stride > this.inputLength) {
      this.inputOffset = this.alloc(rows.stride * 2);
      this.inputLength = rows.stride;
    }
    if (rows.count > this.outLength) {
      this.outOffset = this.alloc(rows.count * 4);
      this.outLength = rows.count;
    }
    const input = new Int16Array(this.memory.buffer, this.inputOffset, rows.stride);
    input.fill(0);
    return { input, output: new Int32Array(this.memory.buffer, this.outOffset, rows.count) };
  }

  /** views(rows).output[r] = Σ_k weights[r][k] · input[k], with the input written into views(rows).input. */
  dot(rows: DotRows): void {
    this.dots(rows.offset, this.inputOffset, rows.stride, rows.count, this.outOffset);
  }
}
