/**
 * Kernels that move values without arithmetic: RESHAPE / SQUEEZE / EXPAND_DIMS (a byte copy), CONCATENATION
 * (concatenation.cc: int8 inputs must share the output's scale and zero point, no requantization), PAD / PADV2 (pad.cc,
 * reference/pad.h: the output zero point, or PADV2's constant), RESIZE_NEAREST_NEIGHBOR (reference/
 * resize_nearest_neighbor.h, float32 index arithmetic), RESIZE_BILINEAR (reference/resize_bilinear.h
 * ResizeBilinearInteger: 10-bit fixed-point weights, rounding half away from zero in the default build), TRANSPOSE
 * (transpose.cc, transpose_common.cc: a constant permutation, rank 1-5) and STRIDED_SLICE (strided_slice.cc,
 * strided_slice_common.cc: constant begin/end/strides, rank at most 4; the index rules of strided_slice_logic.h
 * StridedSliceStartForAxis / StridedSliceEndForAxis on the shape padded to 5 dimensions), DEPTH_TO_SPACE and
 * SPACE_TO_DEPTH (depth_to_space.cc, space_to_depth.cc, reference/depth_to_space.h, space_to_depth.h: rank 4,
 * float32 or int8, a block of `block_size` × `block_size` pixels to or from the channels, channel fastest).
 */
import { BuiltinOperator, TensorType, elementCount } from '../../tflite/index';
import { roundHalfAway } from '../quant-math';
import { bool, isInt16, isInt8, newValues, num, scaleOf, typeName, zeroPointOf, type OptionsTable, type TflmKernel, type TflmNode, type TflmNodeInfo, type TflmValues } from './common';

const integer = (n: TflmNodeInfo, int16: boolean): string | undefined =>
  (isInt8(n.inputs[0]) && isInt8(n.output)) || (int16 && isInt16(n.inputs[0]) && isInt16(n.output)) ? undefined : `${typeName(n.inputs[0])} → ${typeName(n.output)}`;

function concatenation(node: TflmNode): TflmValues {
  const out = node.output;
  const rank = out.shape.length;
  const axis = ((num(node.options, 'axis', 0) % rank) + rank) % rank;
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= out.shape[d]!;
  const y = newValues(out);
  const parts = node.inputs.map((t, i) => ({ x: node.value(i), inner: elementCount(t!.shape) / outer }));
  let o = 0;
  for (let k = 0; k < outer; k++) {
    for (const { x, inner } of parts) {
      y.set(x.subarray(k * inner, (k + 1) * inner), o);
      o += inner;
    }
  }
  return y;
}

function pad(node: TflmNode): TflmValues {
  const input = node.inputs[0]!, out = node.output;
  const paddings = node.value(1);
  const padValue = node.inputs[2] ? node.value(2)[0]! : zeroPointOf(out);
  const x = node.value(0);
  const rank = out.shape.length;
  const y = newValues(out).fill(padValue);
  // Copy each input row (the innermost dimension) to its place in the output.
  const inShape = input.shape, outShape = out.shape;
  const rowLen = inShape[rank - 1]!;
  const rows = rowLen ? x.length / rowLen : 0;
  const pos = new Array<number>(rank).fill(0);
  for (let r = 0; r < rows; r++) {
    let off = 0;
    for (let d = 0; d < rank; d++) off = off * outShape[d]! + pos[d]! + paddings[2 * d]!;
    y.set(x.subarray(r * rowLen, (r + 1) * rowLen), off);
    for (let d = rank - 2; d >= 0; d--) {
      if (++pos[d]! < inShape[d]!) break;
      pos[d] = 0;
    }
  }
  return y;
}

/** reference/resize_nearest_neighbor.h GetNearestNeighbor. */
function nearest(v: number, inSize: number, outSize: number, alignCorners: boolean, halfPixel: boolean): number {
  const scale = alignCorners && outSize > 1 ? Math.fround((inSize - 1) / Math.fround(outSize - 1)) : Math.fround(inSize / Math.fround(outSize));
  const p = Math.fround(Math.fround(v + (halfPixel ? 0.5 : 0)) * scale);
  let r = Math.min(alignCorners ? roundHalfAway(p) : Math.floor(p), inSize - 1);
  if (halfPixel) r = Math.max(0, r);
  return r;
}

function resizeNearest(node: TflmNode): TflmValues {
  const [B, H, W, C] = node.inputs[0]!.shape as [number, number, number, number];
  const [, OH, OW] = node.output.shape as [number, number, number, number];
  const align = bool(node.options, 'align_corners'), half = bool(node.options, 'half_pixel_centers');
  const x = node.value(0);
  const y = newValues(node.output);
  let o = 0;
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      const iy = nearest(oy, H, OH, align, half);
      for (let ox = 0; ox < OW; ox++) {
        const ix = nearest(ox, W, OW, align, half);
        const src = ((b * H + iy) * W + ix) * C;
        y.set(x.subarray(src, src + C), o);
        o += C;
      }
    }
  }
  return y;
}

/** ComputeInterpolationValuesInteger: the 10-bit fixed-point source coordinate and its two neighbours. */
function interpolation(v: number, scale10: number, halfPixel: boolean, inSize: number): [number, number, number] {
  const scaled = halfPixel ? v * scale10 + Math.trunc(scale10 / 2) - (1 << 9) : v * scale10;
  const lower = Math.max(Math.trunc(scaled / 1024), 0);
  const upper = Math.min(Math.trunc((scaled + 1023) / 1024), inSize - 1);
  return [scaled, lower, upper];
}

function resizeBilinear(node: TflmNode): TflmValues {
  const [B, H, W, C] = node.inputs[0]!.shape as [number, number, number, number];
  const [, OH, OW] = node.output.shape as [number, number, number, number];
  const align = bool(node.options, 'align_corners'), half = bool(node.options, 'half_pixel_centers');
  let hs = Math.trunc((1024 * H + Math.trunc(OH / 2)) / OH), ws = Math.trunc((1024 * W + Math.trunc(OW / 2)) / OW);
  if (align && OH > 1) hs = Math.trunc((1024 * (H - 1) + Math.trunc((OH - 1) / 2)) / (OH - 1));
  if (align && OW > 1) ws = Math.trunc((1024 * (W - 1) + Math.trunc((OW - 1) / 2)) / (OW - 1));
  const x = node.value(0);
  const y = newValues(node.output);
  const at = (b: number, yy: number, xx: number, c: number) => x[((b * H + yy) * W + xx) * C + c]!;
  let o = 0;
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      const [iy, y0, y1] = interpolation(oy, hs, half, H);
      const fy = iy - 1024 * y0;
      for (let ox = 0; ox < OW; ox++) {
        const [ix, x0, x1] = interpolation(ox, ws, half, W);
        const fx = ix - 1024 * x0;
        for (let c = 0; c < C; c++) {
          const v = at(b, y0, x0, c) * (1024 - fy) * (1024 - fx) + at(b, y1, x0, c) * fy * (1024 - fx)
            + at(b, y0, x1, c) * (1024 - fy) * fx + at(b, y1, x1, c) * fy * fx;
          y[o++] = Math.trunc((v + (v > 0 ? 1 << 19 : -(1 << 19))) / (1 << 20));
        }
      }
    }
  }
  return y;
}

/**
 * DEPTH_TO_SPACE (`toSpace`) and SPACE_TO_DEPTH: output pixel (h, w) channel d of DEPTH_TO_SPACE reads input pixel
 * (h / b, w / b) channel d + ((h % b) · b + w % b) · output depth; SPACE_TO_DEPTH is its inverse.
 */
function depthSpace(node: TflmNode, toSpace: boolean): TflmValues {
  const b = num(node.options, 'block_size', 1);
  const [space, depth] = toSpace ? [node.output, node.inputs[0]!] : [node.inputs[0]!, node.output];
  const [n, h, w, c] = space.shape as [number, number, number, number];
  const dc = depth.shape[3]!;
  const x = node.value(0);
  const y = newValues(node.output);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < h; r++) {
      for (let s = 0; s < w; s++) {
        for (let d = 0; d < c; d++) {
          const si = ((i * h + r) * w + s) * c + d;
          const di = ((i * (h / b) + Math.floor(r / b)) * (w / b) + Math.floor(s / b)) * dc + d + ((r % b) * b + (s % b)) * c;
          if (toSpace) y[si] = x[di]!;
          else y[di] = x[si]!;
        }
      }
    }
  }
  return y;
}

/** depth_to_space.cc / space_to_depth.cc Prepare: rank 4, a positive block that divides what it must. */
function depthSpaceCheck(n: TflmNodeInfo, toSpace: boolean): string | undefined {
  const b = num(n.options, 'block_size', 0);
  const x = n.inputs[0]!.shape;
  if (x.length !== 4) return `rank ${x.length} (TFLite Micro: 4)`;
  if (!(b > 0)) return `block size ${b}`;
  if (toSpace ? x[3]! % (b * b) !== 0 : x[1]! % b !== 0 || x[2]! % b !== 0) return `block size ${b} for input [${x.join(', ')}]`;
  return undefined;
}

/** transpose.cc: output index k reads input dimension perm[k]. */
function transpose(node: TflmNode): TflmValues {
  const inShape = node.inputs[0]!.shape, perm = Array.from(node.value(1));
  const x = node.value(0);
  const y = newValues(node.output, x.length);
  const rank = inShape.length;
  const inStrides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) inStrides[d] = inStrides[d + 1]! * inShape[d + 1]!;
  const outShape = perm.map((p) => inShape[p]!), step = perm.map((p) => inStrides[p]!);
  const pos = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < y.length; i++) {
    y[i] = x[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      src += step[d]!;
      if (++pos[d]! < outShape[d]!) break;
      src -= step[d]! * pos[d]!;
      pos[d] = 0;
    }
  }
  return y;
}

const clamp = (v: number, lo: number, hi: number): number => (hi < v ? hi : v < lo ? lo : v);

/**
 * strided_slice_common.cc BuildStridedSliceParams (ellipsis_mask and new_axis_mask set to 0, offset false), then
 * reference/strided_slice.h on the shape padded in front to 5 dimensions (StridedSlicePadIndices): for each axis the
 * start and stop of StridedSliceStartForAxis / StridedSliceEndForAxis and the input offsets the loops visit.
 */
export function stridedSliceAxes(inShape: readonly number[], begin: readonly number[], end: readonly number[], strides: readonly number[], o: OptionsTable): { start: number; stop: number; stride: number }[] {
  const pad = 5 - inShape.length;
  const shape = [...Array<number>(pad).fill(1), ...inShape];
  const lift = (mask: number, fill: boolean) => (mask << pad) | (fill ? (1 << pad) - 1 : 0);
  const beginMask = lift(num(o, 'begin_mask', 0), true), endMask = lift(num(o, 'end_mask', 0), true);
  const shrinkMask = lift(num(o, 'shrink_axis_mask', 0), false);
  const b = [...Array<number>(pad).fill(0), ...begin], e = [...Array<number>(pad).fill(1), ...end], st = [...Array<number>(pad).fill(1), ...strides];
  return shape.map((size, axis) => {
    const stride = st[axis]!;
    let start = b[axis]!;
    if (start < 0) start += size;
    start = stride > 0 ? clamp(start, 0, size) : clamp(start, -1, size - 1);
    if (beginMask & (1 << axis)) start = stride > 0 ? 0 : size - 1;
    let stop: number;
    if (shrinkMask & (1 << axis)) stop = start >= size ? start : start + 1;
    else {
      stop = e[axis]!;
      if (stop < 0) stop += size;
      stop = stride > 0 ? clamp(stop, 0, size) : clamp(stop, -1, size - 1);
      if (endMask & (1 << axis)) stop = stride > 0 ? size : -1;
    }
    return { start, stop, stride };
  });
}

function stridedSlice(node: TflmNode): TflmValues {
  const inShape = node.inputs[0]!.shape;
  const axes = node.prepared('axes', () => stridedSliceAxes(inShape, Array.from(node.value(1)), Array.from(node.value(2)), Array.from(node.value(3)), node.options));
  const shape = [...Array<number>(5 - inShape.length).fill(1), ...inShape];
  const x = node.value(0);
  const y = newValues(node.output);
  const more = (i: number, a: { stop: number; stride: number }) => (a.stride < 0 ? i > a.stop : i < a.stop);
  const [a0, a1, a2, a3, a4] = axes as [typeof axes[0], typeof axes[0], typeof axes[0], typeof axes[0], typeof axes[0]];
  let o = 0;
  for (let i0 = a0.start; more(i0, a0); i0 += a0.stride) {
    for (let i1 = a1.start; more(i1, a1); i1 += a1.stride) {
      for (let i2 = a2.start; more(i2, a2); i2 += a2.stride) {
        for (let i3 = a3.start; more(i3, a3); i3 += a3.stride) {
          const row = (((i0 * shape[1]! + i1) * shape[2]! + i2) * shape[3]! + i3) * shape[4]!;
          for (let i4 = a4.start; more(i4, a4); i4 += a4.stride) y[o++] = x[row + i4]!;
        }
      }
    }
  }
  return y;
}

/** transpose_common.cc TransposePrepare: rank 1–5, a constant int32 permutation of the input's dimensions. */
function transposeCheck(n: TflmNodeInfo): string | undefined {
  const rank = n.inputs[0]!.shape.length;
  if (rank > 5) return `rank ${rank} (TFLite Micro: 1 to 5)`;
  const perm = n.int32Constant(1);
  if (!perm) return 'a permutation that is not a constant int32 tensor';
  if (perm.length !== rank || new Set(perm).size !== rank || perm.some((p) => p < 0 || p >= rank)) return `permutation [${Array.from(perm)}] of a rank-${rank} input`;
  return undefined;
}

/** strided_slice_common.cc StridedSlicePrepare: rank at most 4, constant int32 begin / end / strides, no zero stride. */
function stridedSliceCheck(n: TflmNodeInfo): string | undefined {
  const rank = n.inputs[0]!.shape.length;
  if (rank > 4) return `rank ${rank} (TFLite Micro: at most 4)`;
  const [begin, end, strides] = [1, 2, 3].map((i) => n.int32Constant(i));
  if (!begin || !end || !strides) return 'begin, end or strides not a constant int32 tensor';
  if (strides.some((s) => s === 0)) return 'a zero stride';
  if (num(n.options, 'ellipsis_mask', 0) || num(n.options, 'new_axis_mask', 0)) return 'ellipsis_mask or new_axis_mask (TFLite Micro ignores them)';
  if (bool(n.options, 'offset')) return 'offset (TFLite Micro ignores it)';
  return undefined;
}

const anyOf = (types: readonly TensorType[]) => (n: TflmNodeInfo): string | undefined =>
  (n.inputs[0] && types.includes(n.inputs[0].type) && n.output.type === n.inputs[0].type ? undefined : `${typeName(n.inputs[0])} → ${typeName(n.output)}`);

const sameQuantization = (n: TflmNodeInfo): string | undefined => {
  for (const t of n.inputs) {
    if (t && (scaleOf(t) !== scaleOf(n.output) || zeroPointOf(t) !== zeroPointOf(n.output))) return 'inputs quantized unlike the output';
  }
  return undefined;
};

const copy: TflmKernel = { check: () => undefined, run: (n) => n.value(0) };
const resize = (run: (n: TflmNode) => TflmValues, int16: boolean, float: boolean): TflmKernel => ({
  check: (n) => (float && n.inputs[0]?.type === TensorType.FLOAT32 && n.output.type === TensorType.FLOAT32 ? undefined : integer(n, int16))
    ?? (bool(n.options, 'half_pixel_centers') && bool(n.options, 'align_corners') ? 'half_pixel_centers with align_corners' : undefined),
  run,
});

export const LAYOUT_KERNELS: Partial<Record<number, TflmKernel>> = {
  [BuiltinOperator.RESHAPE]: copy,
  [BuiltinOperator.SQUEEZE]: copy,
  [BuiltinOperator.EXPAND_DIMS]: copy,
  [BuiltinOperator.CONCATENATION]: {
    check: (n) => (n.inputs.every((t) => isInt8(t)) && isInt8(n.output) ? sameQuantization(n)
      : n.inputs.every((t) => isInt16(t)) && isInt16(n.output) ? undefined
        : n.inputs.every((t) => t?.type === TensorType.FLOAT32) && n.output.type === TensorType.FLOAT32 ? undefined : `${typeName(n.inputs[0])} → ${typeName(n.output)}`),
    run: concatenation,
  },
  [BuiltinOperator.PAD]: { check: (n) => (n.output.type === TensorType.FLOAT32 && n.inputs[0]?.type === TensorType.FLOAT32 && !n.inputs[2] ? undefined : integer(n, true)), run: pad },
  [BuiltinOperator.PADV2]: { check: (n) => integer(n, true), run: pad },
  [BuiltinOperator.RESIZE_NEAREST_NEIGHBOR]: resize(resizeNearest, true, true), // a copy by index, any type
  [BuiltinOperator.RESIZE_BILINEAR]: resize(resizeBilinear, false, false), // float: float.ts
  [BuiltinOperator.DEPTH_TO_SPACE]: { check: (n) => anyOf([TensorType.INT8, TensorType.FLOAT32])(n) ?? depthSpaceCheck(n, true), run: (n) => depthSpace(n, true) },
  [BuiltinOperator.SPACE_TO_DEPTH]: { check: (n) => anyOf([TensorType.INT8, TensorType.FLOAT32])(n) ?? depthSpaceCheck(n, false), run: (n) => depthSpace(n, false) },
  [BuiltinOperator.TRANSPOSE]: {
    check: (n) => anyOf([TensorType.INT8, TensorType.INT16, TensorType.FLOAT32])(n) ?? transposeCheck(n),
    run: transpose,
  },
  [BuiltinOperator.STRIDED_SLICE]: {
    check: (n) => anyOf([TensorType.INT8, TensorType.INT16, TensorType.INT32, TensorType.FLOAT32])(n) ?? stridedSliceCheck(n),
    run: stridedSlice,
  },
};
