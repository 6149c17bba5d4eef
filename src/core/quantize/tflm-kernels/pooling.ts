/** AVERAGE_POOL_2D and MAX_POOL_2D, int8 and int16: pooling.cc + integer_ops/pooling.h AveragePool / MaxPool. */
import { BuiltinOperator } from '../../tflite/index';
import {
  SUPPORTED_ACTIVATIONS, activation, activationRange, isInt16, isInt8, isSame, newValues, num, padding, typeName,
  type TflmKernel, type TflmNode, type TflmNodeInfo, type TflmValues,
} from './common';

function pool(node: TflmNode, max: boolean): TflmValues {
  const o = node.options, input = node.inputs[0]!, out = node.output;
  const x = node.value(0);
  const [B, H, W, C] = input.shape as [number, number, number, number];
  const [, OH, OW] = out.shape as [number, number, number, number];
  const fw = num(o, 'filter_width', 1), fh = num(o, 'filter_height', 1);
  const sw = num(o, 'stride_w', 1), sh = num(o, 'stride_h', 1);
  const padH = padding(isSame(o), sh, 1, H, fh), padW = padding(isSame(o), sw, 1, W, fw);
  const [lo, hi] = activationRange(activation(o), out);
  const y = newValues(out, B * OH * OW * C);
  const init = isInt16(input) ? -32768 : -128;
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        const iy0 = oy * sh - padH, ix0 = ox * sw - padW;
        const ky0 = Math.max(0, -iy0), ky1 = Math.min(fh, H - iy0);
        const kx0 = Math.max(0, -ix0), kx1 = Math.min(fw, W - ix0);
        const count = (ky1 - ky0) * (kx1 - kx0);
        for (let c = 0; c < C; c++) {
          let acc = max ? init : 0;
          for (let ky = ky0; ky < ky1; ky++) {
            for (let kx = kx0; kx < kx1; kx++) {
              const v = x[((b * H + iy0 + ky) * W + ix0 + kx) * C + c]!;
              if (max) { if (v > acc) acc = v; } else acc += v;
            }
          }
          if (!max) acc = acc > 0 ? Math.trunc((acc + Math.trunc(count / 2)) / count) : Math.trunc((acc - Math.trunc(count / 2)) / count);
          y[((b * OH + oy) * OW + ox) * C + c] = acc < lo ? lo : acc > hi ? hi : acc;
        }
      }
    }
  }
  return y;
}

const check = (n: TflmNodeInfo): string | undefined => {
  if (!SUPPORTED_ACTIVATIONS.has(activation(n.options))) return activation(n.options);
  return (isInt8(n.inputs[0]) && isInt8(n.output)) || (isInt16(n.inputs[0]) && isInt16(n.output)) ? undefined : `${typeName(n.inputs[0])} → ${typeName(n.output)}`;
};

export const POOLING_KERNELS: Partial<Record<number, TflmKernel>> = {
  [BuiltinOperator.AVERAGE_POOL_2D]: { check, run: (n) => pool(n, false) },
  [BuiltinOperator.MAX_POOL_2D]: { check, run: (n) => pool(n, true) },
};
