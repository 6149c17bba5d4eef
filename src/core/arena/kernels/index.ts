/** Looks up what a kernel allocates: CMSIS-NN overrides first when selected, then reference and custom kernels. */
import { BuiltinOperator } from '../../tflite/model';
import { cmsisNnRule } from './cmsis-nn';
import { customRule } from './custom';
import { referenceRule } from './reference';
import type { KernelAllocations, KernelQuery } from './types';

export type { KernelAllocations, KernelQuery, KernelLibrary, CmsisIsa } from './types';
export { KNOWN_CUSTOM_OPS } from './custom';

export function kernelAllocations(q: KernelQuery): KernelAllocations {
  const code = q.code.builtinCode;
  const rule = code === BuiltinOperator.CUSTOM
    ? customRule(q.code.customCode)
    : (q.kernels === 'cmsis-nn' ? cmsisNnRule(code) : undefined) ?? referenceRule(code);
  if (!rule) return { init: [], prepare: [], scratch: [], known: false };
  return { ...rule(q), known: true };
}
