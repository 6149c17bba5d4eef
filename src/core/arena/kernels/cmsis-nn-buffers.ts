/**
 * CMSIS-NN's scratch-buffer size functions (`arm_*_get_buffer_size`, CMSIS-NN 4ab83cc3), per code path:
 * `dsp` = ARM_MATH_DSP (Cortex-M4/M7/M33, GCC), `mve` = ARM_MATH_MVEI (Helium), `none` = plain C (M0/M3).
 */
import type { CmsisIsa } from './types';

export interface Dims { n: number; h: number; w: number; c: number }
export interface ConvGeometry { strideW: number; strideH: number; dilationW: number; dilationH: number; padW: number; padH: number }

const CH_IN_BLOCK_MVE = 124;
const REVERSE_TCOL_EFFICIENT_THRESHOLD = 16;
/** GCC value; Arm Compiler ≥ 6.10 uses 8. */
const DW_ONE_INPUT_CHANNEL_THRESHOLD = 1;

function convolveS8(input: Dims, filter: Dims, isa: CmsisIsa): number {
  if (isa === 'mve') return 4 * Math.ceil((input.c * filter.w * filter.h) / 16) * 16;
  const cols = filter.w * filter.h * input.c;
  return 2 * (Math.ceil(cols / 4) * 4) * 2;
}

function is1x1(g: ConvGeometry, input: Dims, filter: Dims): boolean {
  return g.padW === 0 && g.padH === 0 && filter.w === 1 && filter.h === 1 && g.dilationW === 1 && g.dilationH === 1 && input.c === filter.c;
}

function is1xN(g: ConvGeometry, input: Dims, filter: Dims): boolean {
  return input.h === 1 && g.dilationW === 1 && filter.h === 1 && (g.strideW * input.c) % 4 === 0 && input.c === filter.c;
}

function convolve1xNS8Mve(g: ConvGeometry, input: Dims, filter: Dims, output: Dims): number {
  const totalPad = (output.w - 1) * g.strideW + filter.w - input.w;
  const asymPad = totalPad % 2;
  const rightPadNum = g.padW + asymPad !== 0 ? Math.max(1, Math.trunc((g.padW + asymPad + g.strideW - 1) / g.strideW)) : 0;
  const leftPadNum = g.padW !== 0 ? Math.max(1, Math.trunc((g.padW + g.strideW - 1) / g.strideW)) : 0;
  const noPadNum = Math.max(output.w - (rightPadNum + leftPadNum), 0);
  if (rightPadNum + noPadNum + leftPadNum !== output.w) return convolveS8(input, filter, 'mve');
  const padLeft = g.padW * input.c;
  const padRight = asymPad ? rightPadNum * input.c : padLeft;
  const left = filter.w * input.c;
  const right = left - input.c;
  return Math.max(left + padLeft, right + padRight);
}

/** arm_convolve_wrapper_s8_get_buffer_size */
export function convolveWrapperS8(g: ConvGeometry, input: Dims, filter: Dims, output: Dims, isa: CmsisIsa): number {
  // The 1x1 fast path needs a buffer only with Arm Compiler; GCC (measured) gives 0.
  if (is1x1(g, input, filter)) return 0;
  if (is1xN(g, input, filter)) return isa === 'mve' ? convolve1xNS8Mve(g, input, filter, output) : convolveS8(input, filter, isa);
  return convolveS8(input, filter, isa);
}

/** arm_convolve_wrapper_s16_get_buffer_size */
export function convolveWrapperS16(input: Dims, filter: Dims, isa: CmsisIsa): number {
  if (isa === 'mve') return 4 * Math.ceil((input.c * filter.w * filter.h) / 8) * 8 * 2;
  return 2 * input.c * filter.w * filter.h * 2;
}

/** arm_depthwise_conv_wrapper_s8_get_buffer_size (filter dims: n=1, h, w, c = output depth). */
export function depthwiseWrapperS8(g: ConvGeometry, input: Dims, filter: Dims, output: Dims, isa: CmsisIsa): number {
  if (isa === 'mve' && input.c === 1 && output.c > DW_ONE_INPUT_CHANNEL_THRESHOLD) {
    const convFilter: Dims = { n: filter.c, h: filter.h, w: filter.w, c: filter.n };
    return convolveWrapperS8(g, input, convFilter, output, 'mve') + filter.c * filter.h * filter.w * filter.n;
  }
  if (input.c === output.c && input.n === 1 && g.dilationW === 1 && g.dilationH === 1) {
    if (isa !== 'mve' && filter.w === 3 && filter.h === 3 && g.padH <= 1 && g.padW <= 1) return 0;
    if (isa === 'mve') return 4 * CH_IN_BLOCK_MVE * filter.w * filter.h;
    if (isa === 'dsp') return input.c * filter.w * filter.h * 2;
    return 0;
  }
  return 0;
}

/** arm_fully_connected_s8_get_buffer_size (filter.c = output depth) */
export function fullyConnectedS8(outputDepth: number, isa: CmsisIsa): number {
  return isa === 'mve' ? outputDepth * 4 : 0;
}

/** arm_avgpool_s8/s16_get_buffer_size */
export function avgpool(channels: number, isa: CmsisIsa): number {
  return isa === 'dsp' ? channels * 4 : 0;
}

/** arm_svdf_s8_get_buffer_size */
export function svdfS8(numFilters: number, isa: CmsisIsa): number {
  return isa === 'mve' ? numFilters * 4 : 0;
}

/** arm_transpose_conv_s8_get_buffer_size and ..._get_reverse_conv_buffer_size */
export function transposeConvS8(strideW: number, strideH: number, input: Dims, filter: Dims, output: Dims, isa: CmsisIsa): [number, number] {
  const reversePossible = strideW <= 2 && strideH <= 2;
  const reverseEfficient = input.c > REVERSE_TCOL_EFFICIENT_THRESHOLD;
  if (reversePossible && reverseEfficient) {
    const reverseInput: Dims = { n: input.n, h: input.h * strideH, w: input.w * strideW, c: input.c };
    return [convolveS8(reverseInput, filter, isa), input.c * filter.w * filter.h * filter.n];
  }
  const bufX = ((input.w - 1) * strideW + Math.max(filter.w, strideH)) * output.c;
  const bufY = Math.max(filter.h, strideH);
  return [bufX * bufY * 4, 0];
}
