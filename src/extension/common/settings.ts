/**
 * The one reader of the `tinyml.*` settings (package.json `contributes.configuration`), for a document's or a
 * folder's scope. Each value is checked once, here, against the same values package.json allows; anything else
 * falls back to the package.json default, so the hover, the diagnostics, Export and Insert Boilerplate always agree.
 */
import * as vscode from 'vscode';
import { DEFAULT_ARENA_MARGIN_PERCENT, type ArenaOptions } from '../../core/arena/types';
import { CMSIS_ISAS, KERNEL_LIBRARIES } from '../../core/arena/kernels/types';
import { DEFAULT_ARENA_TARGET, TARGET_NAMES } from '../../core/arena/target-layout';
import type { FitKernels } from '../../core/fit/latency';
import { isTargetSqnrDb } from '../../core/quantize/types';

export type ArenaSettingsOptions = Required<ArenaOptions>;

export interface TinymlSettings {
  /** `tinyml.arena.target`, `.kernels`, `.isa`, `.marginPercent`. */
  arena: ArenaSettingsOptions;
  /** `tinyml.model`, trimmed; undefined when empty. */
  modelSetting?: string;
  /** `tinyml.arena.constantPatterns`; undefined when unset or invalid (the caller's default applies). */
  constantPatterns?: string[];
  /** `tinyml.quantize.targetSqnrDb`: the default accuracy target of Quantize Model; undefined when unset (null) or invalid. */
  quantizeTargetSqnrDb?: number;
  fit: FitSettings;
}

export interface FitSettings {
  /** `tinyml.fit.board`, trimmed; undefined when empty (the board is detected from the project). */
  board?: string;
  /** `tinyml.fit.boardsFile`, trimmed; undefined when empty. Absolute or relative to the workspace folder. */
  boardsFile?: string;
  /** `tinyml.fit.kernels`: 'auto' is the board's vendor library (what `tinyml fit` uses without --kernels). */
  kernels: FitKernels | 'auto';
}

const FIT_KERNEL_SETTINGS: readonly (FitKernels | 'auto')[] = ['auto', 'reference', 'cmsis-nn', 'esp-nn'];
/** package.json: default DEFAULT_ARENA_MARGIN_PERCENT (a unit test holds them equal), minimum 0, maximum 1000. */
const MAX_MARGIN_PERCENT = 1000;

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function marginPercent(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_MARGIN_PERCENT ? value : DEFAULT_ARENA_MARGIN_PERCENT;
}

export function readSettings(scope: vscode.Uri | undefined): TinymlSettings {
  const config = vscode.workspace.getConfiguration('tinyml', scope);
  const patterns = config.get<unknown>('arena.constantPatterns');
  const model = config.get<unknown>('model');
  const target = config.get<unknown>('quantize.targetSqnrDb');
  const text = (key: string): string | undefined => {
    const v = config.get<unknown>(key);
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const board = text('fit.board');
  const boardsFile = text('fit.boardsFile');
  return {
    arena: {
      target: oneOf(config.get('arena.target'), TARGET_NAMES, DEFAULT_ARENA_TARGET),
      kernels: oneOf(config.get('arena.kernels'), KERNEL_LIBRARIES, 'reference'),
      isa: oneOf(config.get('arena.isa'), CMSIS_ISAS, 'dsp'),
      marginPercent: marginPercent(config.get('arena.marginPercent')),
    },
    ...(typeof model === 'string' && model.trim() !== '' ? { modelSetting: model.trim() } : {}),
    ...(typeof target === 'number' && isTargetSqnrDb(target) ? { quantizeTargetSqnrDb: target } : {}),
    fit: {
      ...(board ? { board } : {}),
      ...(boardsFile ? { boardsFile } : {}),
      kernels: oneOf(config.get('fit.kernels'), FIT_KERNEL_SETTINGS, 'auto'),
    },
    ...(Array.isArray(patterns) && patterns.length > 0 && patterns.every((p) => typeof p === 'string') ? { constantPatterns: patterns as string[] } : {}),
  };
}
