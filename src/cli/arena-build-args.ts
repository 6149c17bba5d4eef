/**
 * The firmware build an arena figure is for, as every command that prints one takes it: `--target`, `--kernels`,
 * `--isa`, `--margin` (the `tinyml.arena.*` settings in VS Code). One parser, so `tinyml arena`, `tinyml quantize`
 * and `tinyml export` accept the same words and say the same thing about a wrong one.
 */
import { CMSIS_ISAS, DEFAULT_ARENA_MARGIN_PERCENT, DEFAULT_ARENA_TARGET, KERNEL_LIBRARIES, TARGET_NAMES, type CmsisIsa, type TargetName } from '../core/arena';
import { nonNegativeNumber, oneOf } from './args';
import { UsageError } from './cli-io';

/** parseCommand options of the four flags. */
export const ARENA_BUILD_FLAGS = {
  target: { type: 'string' }, kernels: { type: 'string' }, isa: { type: 'string' }, margin: { type: 'string' },
} as const;

/** The usage text of the four flags, with the kernel names a command takes. */
export function arenaBuildUsage(kernels: readonly string[] = KERNEL_LIBRARIES): string {
  return `[--target ${TARGET_NAMES.join('|')}] [--kernels ${kernels.join('|')}] [--isa ${CMSIS_ISAS.join('|')}] [--margin PERCENT (default ${DEFAULT_ARENA_MARGIN_PERCENT})]`;
}

export interface ArenaBuildArgs<K extends string> {
  target: TargetName;
  kernels: K;
  isa: CmsisIsa;
  /** Undefined when --margin was not given (the command's default applies). */
  marginPercent?: number;
}

interface Values {
  target?: string;
  kernels?: string;
  isa?: string;
  margin?: string;
}

/** The four flags checked; `--isa` is CMSIS-NN's code path, so it needs `--kernels cmsis-nn`. */
export function arenaBuildArgs<K extends string = (typeof KERNEL_LIBRARIES)[number]>(
  values: Values, kernels: readonly K[] = KERNEL_LIBRARIES as unknown as readonly K[],
): ArenaBuildArgs<K> {
  const chosen = oneOf(values.kernels, kernels, '--kernels', 'reference' as K);
  if (values.isa !== undefined && chosen !== 'cmsis-nn') throw new UsageError('--isa is the CMSIS-NN code path: it goes with --kernels cmsis-nn', true);
  const marginPercent = nonNegativeNumber(values.margin, '--margin');
  return {
    target: oneOf(values.target, TARGET_NAMES, '--target', DEFAULT_ARENA_TARGET),
    kernels: chosen,
    isa: oneOf(values.isa, CMSIS_ISAS, '--isa', 'dsp'),
    ...(marginPercent !== undefined ? { marginPercent } : {}),
  };
}
