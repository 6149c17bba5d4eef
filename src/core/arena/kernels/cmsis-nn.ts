/** CMSIS-NN kernels (tensorflow/lite/micro/kernels/cmsis_nn/*.cc): filled in below. */
import type { BuiltinOperator } from '../../tflite/model';
import type { KernelRule } from './types';

export function cmsisNnRule(_code: BuiltinOperator): KernelRule | undefined {
  return undefined;
}
