/** The `tinyml.arena.*` and `tinyml.model` settings, read for a document's folder and checked. */
import * as vscode from 'vscode';
import type { ArenaOptions, CmsisIsa, KernelLibrary, TargetName } from '../../core/arena/types';

export interface ArenaSettings {
  options: Required<ArenaOptions>;
  modelSetting?: string;
  /** Default: DEFAULT_ARENA_CONSTANT_PATTERNS (core/firmware/arena-constants.ts), as in package.json. */
  constantPatterns: string[];
}

const TARGETS: readonly TargetName[] = ['cortex-m', 'arm32', 'x86_64'];
const KERNELS: readonly KernelLibrary[] = ['reference', 'cmsis-nn'];
const ISAS: readonly CmsisIsa[] = ['dsp', 'mve', 'none'];

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function readArenaSettings(scope: vscode.Uri | undefined, defaultPatterns: readonly string[]): ArenaSettings {
  const config = vscode.workspace.getConfiguration('tinyml', scope);
  const margin = config.get<number>('arena.marginPercent');
  const patterns = config.get<unknown>('arena.constantPatterns');
  const model = config.get<string>('model');
  return {
    options: {
      target: pick(config.get('arena.target'), TARGETS, 'cortex-m'),
      kernels: pick(config.get('arena.kernels'), KERNELS, 'reference'),
      isa: pick(config.get('arena.isa'), ISAS, 'dsp'),
      marginPercent: typeof margin === 'number' && Number.isFinite(margin) && margin >= 0 ? margin : 20,
    },
    modelSetting: model && model.trim() !== '' ? model.trim() : undefined,
    constantPatterns:
      Array.isArray(patterns) && patterns.every((p) => typeof p === 'string') && patterns.length > 0
        ? (patterns as string[])
        : [...defaultPatterns],
  };
}

/** A key that changes whenever a setting that affects the analysis changes. */
export function settingsKey(s: ArenaSettings): string {
  return JSON.stringify(s);
}
