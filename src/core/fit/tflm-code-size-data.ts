/**
 * TFLite Micro code size, measured (docs/fit-code-size.md says how): arm-none-eabi-gcc 12.2.rel1 (Debian), newlib-nano,
 * TFLM 90b983c2 (CMSIS-NN 4ab83cc3 for cmsis-nn), every file -Os -ffunction-sections -fdata-sections, linked with
 * --gc-sections. `interpreter`: a program that builds a MicroInterpreter with an empty MicroMutableOpResolver, calls
 * AllocateTensors() and Invoke(), minus an empty program; `opFlashBytes`: what registering that one op adds (its Add*()
 * call: kernel, parser, helpers it pulls in); `opSharedBytes`: see below. `statics`: sizeof(MicroInterpreter), sizeof(MicroMutableOpResolver<N>) =
 * base + N × perOp. Generated from the measurement; do not edit by hand.
 */
import type { CoreId } from './boards';

export interface CodeSizeVariant {
  core: CoreId;
  kernels: 'reference' | 'cmsis-nn';
  cpuFlags: string;
  interpreter: { flashBytes: number; ramBytes: number };
  /** A bare newlib-nano program (startup, libc data): every firmware has it. */
  cRuntime: { flashBytes: number; ramBytes: number };
  /** The runner `tinyml export --boilerplate` writes (setup checks, I/O helpers), measured on hello_world_int8. */
  runner: { flashBytes: number; ramBytes: number };
  statics: { interpreterBytes: number; resolverBaseBytes: number; resolverPerOpBytes: number };
  opFlashBytes: Readonly<Record<string, number>>;
  /**
   * Of an op's flash, the part it shares with FULLY_CONNECTED (FULLY_CONNECTED: with SOFTMAX), from a link of the
   * two together: the kernel support code (quantization helpers, tensor utilities) every kernel pulls in.
   */
  opSharedBytes: Readonly<Record<string, number>>;
}

export const CODE_SIZE: { tflmCommit: string; cmsisNnCommit: string; compiler: string; variants: readonly CodeSizeVariant[] } = {
  tflmCommit: '90b983c2b3f1480642e040bbd2ddb37b998f3424',
  cmsisNnCommit: '4ab83cc3cc98fb85ed6dafb55e8ca02f1628dcae',
  compiler: 'arm-none-eabi-gcc 12.2.rel1 (Debian 15:12.2.rel1-1), newlib-nano, -Os -ffunction-sections -fdata-sections, -Wl,--gc-sections',
  variants: [
  {core: 'cortex-m4',kernels: 'reference',cpuFlags: '-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard',interpreter: {flashBytes: 28612,ramBytes: 40},cRuntime: {flashBytes: 1176,ramBytes: 280},runner: {flashBytes: 724,ramBytes: 0},statics: {interpreterBytes: 208,resolverBaseBytes: 12,resolverPerOpBytes: 36},opFlashBytes: {ADD: 10804,ADD_N: 6372,AVERAGE_POOL_2D: 6312,CONV_2D: 12532,DEPTHWISE_CONV_2D: 11880,DEQUANTIZE: 4052,FULLY_CONNECTED: 10100,MAX_POOL_2D: 6464,MUL: 10884,QUANTIZE: 6676,RESHAPE: 2444,SOFTMAX: 10556},opSharedBytes: {ADD: 4452,AVERAGE_POOL_2D: 2624,CONV_2D: 5568,DEPTHWISE_CONV_2D: 5548,FULLY_CONNECTED: 4180,QUANTIZE: 4092,RESHAPE: 924,SOFTMAX: 4180}},
  {core: 'cortex-m4',kernels: 'cmsis-nn',cpuFlags: '-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard',interpreter: {flashBytes: 28612,ramBytes: 40},cRuntime: {flashBytes: 1176,ramBytes: 280},runner: {flashBytes: 692,ramBytes: 0},statics: {interpreterBytes: 208,resolverBaseBytes: 12,resolverPerOpBytes: 36},opFlashBytes: {ADD: 13308,ADD_N: 6372,AVERAGE_POOL_2D: 7080,CONV_2D: 31968,DEPTHWISE_CONV_2D: 22820,DEQUANTIZE: 4052,FULLY_CONNECTED: 17664,MAX_POOL_2D: 7272,MUL: 12292,QUANTIZE: 6676,RESHAPE: 2444,SOFTMAX: 12384},opSharedBytes: {ADD: 4364,AVERAGE_POOL_2D: 2740,CONV_2D: 6948,DEPTHWISE_CONV_2D: 4900,FULLY_CONNECTED: 4012,QUANTIZE: 3776,RESHAPE: 892,SOFTMAX: 4012}},
  {core: 'cortex-m7',kernels: 'reference',cpuFlags: '-mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard',interpreter: {flashBytes: 28580,ramBytes: 40},cRuntime: {flashBytes: 1176,ramBytes: 280},runner: {flashBytes: 724,ramBytes: 0},statics: {interpreterBytes: 208,resolverBaseBytes: 12,resolverPerOpBytes: 36},opFlashBytes: {ADD: 8180,ADD_N: 3780,AVERAGE_POOL_2D: 5064,CONV_2D: 9876,DEPTHWISE_CONV_2D: 9256,DEQUANTIZE: 1972,FULLY_CONNECTED: 7476,MAX_POOL_2D: 5216,MUL: 8324,QUANTIZE: 3956,RESHAPE: 2476,SOFTMAX: 8328},opSharedBytes: {ADD: 1956,AVERAGE_POOL_2D: 1440,CONV_2D: 3008,DEPTHWISE_CONV_2D: 3020,FULLY_CONNECTED: 1684,QUANTIZE: 1596,RESHAPE: 988,SOFTMAX: 1684}},
  {core: 'cortex-m7',kernels: 'cmsis-nn',cpuFlags: '-mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard',interpreter: {flashBytes: 28580,ramBytes: 40},cRuntime: {flashBytes: 1176,ramBytes: 280},runner: {flashBytes: 692,ramBytes: 0},statics: {interpreterBytes: 208,resolverBaseBytes: 12,resolverPerOpBytes: 36},opFlashBytes: {ADD: 10684,ADD_N: 3812,AVERAGE_POOL_2D: 5832,CONV_2D: 29376,DEPTHWISE_CONV_2D: 20228,DEQUANTIZE: 1972,FULLY_CONNECTED: 15008,MAX_POOL_2D: 6024,MUL: 9732,QUANTIZE: 3956,RESHAPE: 2476,SOFTMAX: 10128},opSharedBytes: {ADD: 1868,AVERAGE_POOL_2D: 1556,CONV_2D: 4388,DEPTHWISE_CONV_2D: 2372,FULLY_CONNECTED: 1488,QUANTIZE: 1312,RESHAPE: 956,SOFTMAX: 1488}},
  {core: 'cortex-m0plus',kernels: 'reference',cpuFlags: '-mcpu=cortex-m0plus -mfloat-abi=soft',interpreter: {flashBytes: 29036,ramBytes: 40},cRuntime: {flashBytes: 1276,ramBytes: 280},runner: {flashBytes: 724,ramBytes: 0},statics: {interpreterBytes: 208,resolverBaseBytes: 12,resolverPerOpBytes: 36},opFlashBytes: {ADD: 18216,ADD_N: 13980,AVERAGE_POOL_2D: 8876,CONV_2D: 20688,DEPTHWISE_CONV_2D: 20004,DEQUANTIZE: 3968,FULLY_CONNECTED: 18488,MAX_POOL_2D: 9104,MUL: 18900,QUANTIZE: 14092,RESHAPE: 2580,SOFTMAX: 20052},opSharedBytes: {ADD: 12048,AVERAGE_POOL_2D: 4496,CONV_2D: 13812,DEPTHWISE_CONV_2D: 13816,FULLY_CONNECTED: 12476,QUANTIZE: 11228,RESHAPE: 1024,SOFTMAX: 12476}},
  {core: 'cortex-m33',kernels: 'reference',cpuFlags: '-mcpu=cortex-m33 -mfpu=fpv5-sp-d16 -mfloat-abi=hard',interpreter: {flashBytes: 28192,ramBytes: 40},cRuntime: {flashBytes: 1184,ramBytes: 280},runner: {flashBytes: 724,ramBytes: 0},statics: {interpreterBytes: 208,resolverBaseBytes: 12,resolverPerOpBytes: 36},opFlashBytes: {ADD: 10720,ADD_N: 6292,AVERAGE_POOL_2D: 6272,CONV_2D: 12476,DEPTHWISE_CONV_2D: 11856,DEQUANTIZE: 4052,FULLY_CONNECTED: 10016,MAX_POOL_2D: 6436,MUL: 10792,QUANTIZE: 6616,RESHAPE: 2460,SOFTMAX: 10448},opSharedBytes: {ADD: 4384,AVERAGE_POOL_2D: 2564,CONV_2D: 5504,DEPTHWISE_CONV_2D: 5508,FULLY_CONNECTED: 4124,QUANTIZE: 4044,RESHAPE: 960,SOFTMAX: 4124}},
  {core: 'cortex-m33',kernels: 'cmsis-nn',cpuFlags: '-mcpu=cortex-m33 -mfpu=fpv5-sp-d16 -mfloat-abi=hard',interpreter: {flashBytes: 28192,ramBytes: 40},cRuntime: {flashBytes: 1184,ramBytes: 280},runner: {flashBytes: 692,ramBytes: 0},statics: {interpreterBytes: 208,resolverBaseBytes: 12,resolverPerOpBytes: 36},opFlashBytes: {ADD: 13200,ADD_N: 6296,AVERAGE_POOL_2D: 7040,CONV_2D: 31988,DEPTHWISE_CONV_2D: 22860,DEQUANTIZE: 4052,FULLY_CONNECTED: 17584,MAX_POOL_2D: 7248,MUL: 12212,QUANTIZE: 6616,RESHAPE: 2460,SOFTMAX: 12260},opSharedBytes: {ADD: 4272,AVERAGE_POOL_2D: 2672,CONV_2D: 6900,DEPTHWISE_CONV_2D: 4836,FULLY_CONNECTED: 3920,QUANTIZE: 3736,RESHAPE: 928,SOFTMAX: 3920}},
  {core: 'cortex-m55',kernels: 'reference',cpuFlags: '-mcpu=cortex-m55 -mfloat-abi=hard',interpreter: {flashBytes: 28292,ramBytes: 40},cRuntime: {flashBytes: 1184,ramBytes: 280},runner: {flashBytes: 724,ramBytes: 0},statics: {interpreterBytes: 208,resolverBaseBytes: 12,resolverPerOpBytes: 36},opFlashBytes: {ADD: 8116,ADD_N: 3828,AVERAGE_POOL_2D: 5104,CONV_2D: 9956,DEPTHWISE_CONV_2D: 9336,DEQUANTIZE: 2000,FULLY_CONNECTED: 7492,MAX_POOL_2D: 5268,MUL: 8228,QUANTIZE: 4060,RESHAPE: 2492,SOFTMAX: 8332},opSharedBytes: {ADD: 1948,AVERAGE_POOL_2D: 1392,CONV_2D: 2992,DEPTHWISE_CONV_2D: 2996,FULLY_CONNECTED: 1684,QUANTIZE: 1620,RESHAPE: 956,SOFTMAX: 1684}},
  {core: 'cortex-m55',kernels: 'cmsis-nn',cpuFlags: '-mcpu=cortex-m55 -mfloat-abi=hard',interpreter: {flashBytes: 28292,ramBytes: 40},cRuntime: {flashBytes: 1184,ramBytes: 280},runner: {flashBytes: 692,ramBytes: 0},statics: {interpreterBytes: 208,resolverBaseBytes: 12,resolverPerOpBytes: 36},opFlashBytes: {ADD: 9172,ADD_N: 3836,AVERAGE_POOL_2D: 6548,CONV_2D: 23016,DEPTHWISE_CONV_2D: 22388,DEQUANTIZE: 2000,FULLY_CONNECTED: 14920,MAX_POOL_2D: 5976,MUL: 9124,QUANTIZE: 4060,RESHAPE: 2492,SOFTMAX: 10388},opSharedBytes: {ADD: 1836,AVERAGE_POOL_2D: 1520,CONV_2D: 3180,DEPTHWISE_CONV_2D: 3228,FULLY_CONNECTED: 1488,QUANTIZE: 1296,RESHAPE: 924,SOFTMAX: 1488}},
  ],
};
