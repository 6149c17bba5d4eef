/** Small tensor facts kernels check in Prepare. */
import { TensorType, type Tensor } from '../../tflite/model';

export function dim(t: Tensor | undefined, i: number): number {
  if (!t) return 0;
  const k = i < 0 ? t.shape.length + i : i;
  return t.shape[k] ?? 0;
}

export function elements(t: Tensor | undefined): number {
  if (!t) return 0;
  let n = 1;
  for (const d of t.shape) n *= d;
  return n;
}

export function scaleCount(t: Tensor | undefined): number {
  const q = t?.quantization;
  return q && q.scale.length > 0 && q.zeroPoint.length > 0 ? q.scale.length : 0;
}

export function isType(t: Tensor | undefined, ...types: TensorType[]): boolean {
  return !!t && types.includes(t.type);
}

export { TensorType };
