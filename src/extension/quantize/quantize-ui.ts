/**
 * What the Quantize Model command shows: QuickPick choices, the output file name, dataset candidates as pick items,
 * the fix to suggest for bad data and the one-line result. Plain data and functions (no `vscode` import), so the unit
 * tests check the wording and the ranking without an editor.
 */
import path from 'node:path';
import { arenaFiguresLine } from '../../core/arena/figures';
import { formatBytes, formatDb } from '../../core/common/format';
import { heldOutShare, type DatasetCandidate, type DatasetErrorKind, type ImageOptions } from '../../core/data/index';
import { describeImageOptions } from '../../core/data/options';
import { MAX_TARGET_SQNR_DB, parseTargetSqnrDb, quantizedFileName, SQNR_FLOOR_DB, SUGGESTED_TARGET_SQNR_DB, targetMet, type QuantizationReport, type QuantizeMode, type RangeMethod } from '../../core/quantize/index';

export interface Choice<T> {
  value: T;
  label: string;
  description: string;
  detail: string;
}

/** Modes that need calibration data (and offer the I/O type and range method). */
export const needsCalibration = (mode: QuantizeMode): boolean => mode === 'int8' || mode === 'int16x8';

/** Modes whose result TFLite Micro cannot run at all: they keep float activations (or float16 weights). */
export const runsOnTflm = (mode: QuantizeMode): boolean => mode === 'int8' || mode === 'int16x8';

export const NOT_FOR_TFLM = 'TFLite Micro cannot run it';

export const MODE_CHOICES: readonly Choice<QuantizeMode>[] = [
  {
    value: 'int8',
    label: 'int8 (full integer)',
    description: 'default · for TFLite Micro',
    detail: 'int8 weights and activations, calibrated on workspace data: what microcontrollers run.',
  },
  {
    value: 'int16x8',
    label: 'int16x8',
    description: 'int16 activations, int8 weights · TFLite Micro (fewer kernels)',
    detail: 'Finer activations than int8 (audio, regression); twice the activation memory.',
  },
  {
    value: 'float16',
    label: 'float16 weights',
    description: `$(warning) not for microcontrollers: ${NOT_FOR_TFLM}`,
    detail: 'Halves the weights (float32 again at load): for GPUs and phones. No data needed.',
  },
  {
    value: 'dynamic',
    label: 'dynamic range',
    description: `$(warning) not for microcontrollers: ${NOT_FOR_TFLM}`,
    detail: 'int8 weights, float activations, hybrid kernels on CPUs. No data needed.',
  },
];

export function ioChoices(mode: QuantizeMode): Choice<'int8' | 'float'>[] {
  const integer = mode === 'int16x8' ? 'int16' : 'int8';
  return [
    {
      value: 'int8',
      label: `${integer} inputs and outputs`,
      description: 'default',
      detail: `The firmware feeds and reads ${integer} (scale and zero point are in the model).`,
    },
    {
      value: 'float',
      label: 'float32 inputs and outputs',
      description: 'QUANTIZE / DEQUANTIZE at the boundary',
      detail: 'Same interface as the float model; converting costs a little time and arena.',
    },
  ];
}

/** A range method, or `auto`: the recipe (ranges, per-channel FULLY_CONNECTED, bias correction) chosen per model. */
export type RecipeChoice = RangeMethod | 'auto';

export const METHOD_CHOICES: readonly Choice<RecipeChoice>[] = [
  { value: 'auto', label: 'Recommended (automatic)', description: 'default · the most accurate recipe on held-out data', detail: 'Tries min/max, percentile and MSE ranges, per-channel FULLY_CONNECTED and bias correction from one calibration pass; keeps the best. The report scores every alternative.' },
  { value: 'minmax', label: 'min/max', description: 'what the TF converter does', detail: 'Each activation range is the smallest and largest value seen in the calibration data.' },
  { value: 'percentile', label: 'percentile', description: 'clips outliers', detail: 'Ranges cut at the 0.01th and 99.99th percentiles: finer steps despite outliers.' },
  { value: 'mse', label: 'MSE-optimal', description: 'least quantization error', detail: 'Ranges that minimize the mean squared quantization error of each activation.' },
];

/**
 * How a folder of images becomes input values, as the model was trained (`--image-range` / `--mean --std` in the CLI).
 * The wrong one calibrates every range on inputs the model never sees.
 */
export const PIXEL_CHOICES: readonly Choice<ImageOptions>[] = [
  { value: {}, label: '[0, 1]', description: 'pixel / 255', detail: 'MediaPipe landmark models and most TFLite image models.' },
  { value: { range: [-1, 1] }, label: '[-1, 1]', description: 'pixel / 127.5 − 1', detail: 'MobileNet, EfficientNet-Lite, MediaPipe face detection.' },
  { value: { range: [0, 255] }, label: '[0, 255]', description: 'the pixel values as they are', detail: 'Models that scale inside, e.g. MLPerf Tiny image classification (ResNet-8).' },
  {
    value: { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] }, label: 'ImageNet mean and std', description: '(pixel − mean) / std per channel',
    detail: 'mean 123.675, 116.28, 103.53, std 58.395, 57.12, 57.375 (0..255, RGB), as torchvision trains.',
  },
];

const sameNumbers = (a: readonly number[] | undefined, b: readonly number[] | undefined) => (a ?? []).length === (b ?? []).length && (a ?? []).every((x, i) => x === b![i]);
const sameImageOptions = (a: ImageOptions, b: ImageOptions) => sameNumbers(a.range, b.range) && sameNumbers(a.mean, b.mean) && sameNumbers(a.std, b.std);

/** The pixel choices with `last` (a remembered answer) first, marked as the default. */
export function pixelChoices(last: ImageOptions | undefined): Choice<ImageOptions>[] {
  const first = PIXEL_CHOICES.find((c) => sameImageOptions(c.value, last ?? {})) ?? PIXEL_CHOICES[0]!;
  return [{ ...first, description: `default · ${first.description}` }, ...PIXEL_CHOICES.filter((c) => c !== first)];
}

/** An accuracy target (worst output SQNR, dB), none (the floor warning only), or "ask for a number". */
export type TargetChoice = number | 'none' | 'custom';

/** The common targets; the setting's value (when it is not one of them) first, marked as the default. */
export function targetChoices(setting: number | undefined): Choice<TargetChoice>[] {
  const fixed: Choice<TargetChoice>[] = [
    { value: 'none', label: 'None', description: '', detail: `Plain int8; a loud warning for any output below the ${SQNR_FLOOR_DB} dB floor.` },
    { value: SUGGESTED_TARGET_SQNR_DB, label: `${SUGGESTED_TARGET_SQNR_DB} dB`, description: 'noise a tenth of the signal', detail: `Keeps the fewest, most sensitive layers in int16x8 (float where TFLite Micro has no int16 kernel) until every output reaches ${SUGGESTED_TARGET_SQNR_DB} dB on held-out data.` },
    { value: 30, label: '30 dB', description: 'noise a thirtieth of the signal', detail: 'As 20 dB, stricter: more layers in higher precision, more flash and arena.' },
    { value: 'custom', label: 'Custom…', description: '', detail: 'Type the worst-output SQNR to reach, in dB.' },
  ];
  const def = setting ?? 'none';
  let choices = fixed;
  if (typeof def === 'number' && !fixed.some((c) => c.value === def)) {
    choices = [{ value: def, label: `${def} dB`, description: '', detail: `From the setting tinyml.quantize.targetSqnrDb.` }, ...fixed];
  }
  const first = choices.find((c) => c.value === def)!;
  return [{ ...first, description: ['default', first.description].filter(Boolean).join(' · ') }, ...choices.filter((c) => c !== first)];
}

/** The error of a typed target, or undefined when it is a usable number of dB. */
export function validateTarget(text: string): string | undefined {
  return parseTargetSqnrDb(text) !== undefined ? undefined : `A number of dB between 0 and ${MAX_TARGET_SQNR_DB}, e.g. 25`;
}

/** `<name>_int8.tflite` (`_int16x8`, `_float16`, `_dynamic`) next to the source model, named by core/quantize. */
export function defaultOutputFile(modelFile: string, mode: QuantizeMode): string {
  return path.join(path.dirname(modelFile), quantizedFileName(path.basename(modelFile), mode));
}

/** A dataset candidate from one of the workspace folders. */
export interface FolderCandidate extends DatasetCandidate {
  /** Name of the workspace folder it was found in. */
  folder: string;
}

export interface DatasetItem {
  label: string;
  description: string;
  detail: string;
  path: string;
}

/**
 * Candidates of all workspace folders, best first: the ones checked to fit, then the unchecked ones; those checked
 * not to fit are listed last (their detail says why) so the user sees why a file is not offered first.
 */
export function datasetItems(candidates: readonly FolderCandidate[], multiRoot: boolean): DatasetItem[] {
  const rank = (c: FolderCandidate) => (c.fits === true ? 0 : c.fits === undefined ? 1 : 2);
  return [...candidates]
    .sort((a, b) => rank(a) - rank(b) || b.score - a.score || a.relativePath.localeCompare(b.relativePath))
    .map((c) => ({
      label: `${c.fits === false ? '$(warning)' : c.kind.endsWith('folder') || c.kind === 'input-folders' ? '$(folder)' : '$(file)'} ${multiRoot ? `${c.folder}/` : ''}${c.relativePath}`,
      description: c.fits === true ? 'fits the model input' : c.fits === undefined ? 'not checked yet' : 'does not fit',
      detail: c.detail,
      path: c.path,
    }));
}

/** What to do about data the loaders rejected, by the kind of problem. */
export function datasetFix(kind: DatasetErrorKind): string {
  switch (kind) {
    case 'unreadable': return 'Check that the file exists and can be read, or pick other data.';
    case 'empty': return 'Give a file with at least one sample (100 or more calibrate well).';
    case 'format': return 'The file is damaged or not what its extension says: save it again (e.g. numpy.save) or pick other data.';
    case 'dtype': return 'Save the array as float32 (or an integer type), e.g. x.astype("float32").';
    case 'shape': return 'Give one sample per row (or per file) shaped like the model input, with an optional leading sample axis.';
    case 'non-finite': return 'Remove or replace the NaN/Inf values before calibrating.';
    case 'mismatch': return 'Give every model input the same number of samples, named after the inputs.';
    case 'unsupported': return 'Convert the data to .npy, .npz, .csv or .json, or to a folder of .png/.jpg/.bmp or mono .wav files.';
  }
}


/**
 * The target the below-the-floor warning offers ("Quantize again with a 20 dB target"), or undefined when it offers
 * none: only an int8 run without a target, with an output under the floor. The setting's target when it would lift
 * the output over the floor at all, else SUGGESTED_TARGET_SQNR_DB.
 */
export function retargetOffer(mode: QuantizeMode, targetSqnrDb: number | undefined, belowFloor: readonly string[], setting: number | undefined): number | undefined {
  if (mode !== 'int8' || targetSqnrDb !== undefined || belowFloor.length === 0) return undefined;
  return setting !== undefined && setting >= SQNR_FLOOR_DB ? setting : SUGGESTED_TARGET_SQNR_DB;
}

/** The notification after a run: file, sizes, the worst output SQNR, and whether TFLite Micro can run it. */
export function resultSummary(outputFile: string, report: QuantizationReport): string {
  const parts = [`Wrote ${path.basename(outputFile)}: ${formatBytes(report.sizeBefore)} → ${formatBytes(report.sizeAfter)}`];
  const outputs = report.accuracy?.outputs ?? [];
  if (outputs.length) parts.push(`output SQNR ${formatDb(Math.min(...outputs.map((o) => o.sqnrDb)))} on ${report.accuracy!.samples} held-out samples`);
  const m = report.mixedPrecision;
  if (m) parts.push(`target ${m.targetDb} dB ${targetMet(m) ? 'met' : 'MISSED'}${m.kept.length ? `, ${m.kept.length} layer(s) kept in higher precision` : ''}`);
  if (!runsOnTflm(report.mode)) parts.push(`${report.mode === 'dynamic' ? 'dynamic-range' : 'float16'} model: ${NOT_FOR_TFLM}`);
  else if (report.tflm && !report.tflm.runs) parts.push('TFLite Micro cannot run it as is (see the report)');
  else if (report.tflm?.arena) parts.push(`arena: ${arenaFiguresLine(report.tflm.arena)}`);
  return parts.join(' · ');
}

/** The choices of one run, remembered per workspace (workspaceState) as the next run's defaults. */
export interface QuantizeChoices {
  mode: QuantizeMode;
  io: 'int8' | 'float';
  calibration: RecipeChoice;
  /** Calibration data (absolute path); none for modes without calibration. */
  data?: string;
  /** How images became inputs, when the data was a folder of images. */
  image?: ImageOptions;
  /** Held-out data of its own (absolute path); none: 20% of `data` is held out. */
  evalData?: string;
}

/** The recommended run: int8, integer I/O, the automatic recipe; the last choices where they still apply. */
export function defaultChoices(candidates: readonly FolderCandidate[], last: QuantizeChoices | undefined): QuantizeChoices {
  const mode = last?.mode ?? 'int8';
  const base: QuantizeChoices = { mode, io: last?.io ?? 'int8', calibration: last?.calibration ?? 'auto', ...(last?.image ? { image: last.image } : {}) };
  if (!needsCalibration(mode)) return { mode, io: 'float', calibration: 'auto' };
  // Data that was checked to fit this model: the last data if it is one of them, else the best ranked.
  const fitting = candidates.filter((c) => c.fits === true);
  const data = fitting.find((c) => c.path === last?.data) ?? [...fitting].sort((a, b) => b.score - a.score || a.relativePath.localeCompare(b.relativePath))[0];
  if (!data) return base;
  // The last held-out data, while it still fits and the calibration data is the one it went with.
  const evalData = data.path === last?.data ? fitting.find((c) => c.path === last?.evalData && c.path !== data.path) : undefined;
  return { ...base, data: data.path, ...(evalData ? { evalData: evalData.path } : {}) };
}

/** The first item of the held-out pick: no data of its own, a part of the calibration data instead (40% with a target). */
export function splitHeldOutItem(target: boolean): Choice<'split'> {
  return {
    value: 'split',
    label: `${heldOutShare(target)} of the calibration data`,
    description: 'default',
    detail: 'Held out (seeded) and never used for calibration. If that data is what the model was trained on, new inputs may score lower: pick data it was not trained on.',
  };
}

/** What the one confirmation says: every default, the files it writes and those it replaces. */
export function confirmationText(o: {
  model: string; output: string; choices: QuantizeChoices; data?: { shown: string; detail: string; images?: boolean }; replaces: readonly string[]; reportFiles: readonly string[];
  /** Held-out data of its own (choices.evalData), as shown. */
  evalData?: { shown: string; detail: string };
  /** The accuracy target from tinyml.quantize.targetSqnrDb (int8 only); undefined: none. */
  targetSqnrDb?: number;
}): { message: string; detail: string } {
  const c = o.choices;
  const modeLabel = MODE_CHOICES.find((m) => m.value === c.mode)?.label ?? c.mode;
  const lines = [
    `Mode: ${modeLabel}${needsCalibration(c.mode) ? `, ${ioChoices(c.mode).find((i) => i.value === c.io)?.label ?? c.io}` : ''}`,
    ...(needsCalibration(c.mode) ? [
      `Recipe: ${METHOD_CHOICES.find((m) => m.value === c.calibration)?.label ?? c.calibration}`,
      `Calibration data: ${o.data ? `${o.data.shown} (${o.data.detail}); ${o.evalData ? 'all of it' : `${heldOutShare(c.mode === 'int8' && o.targetSqnrDb !== undefined)} held out for the accuracy report`}` : 'none'}`,
      ...(o.data && o.evalData ? [`Held-out data: ${o.evalData.shown} (${o.evalData.detail}), for the accuracy report and the recipe choice`] : []),
      ...(o.data?.images ? [`Images as ${describeImageOptions(c.image ?? {})}`] : []),
    ] : []),
    ...(c.mode === 'int8' ? [o.targetSqnrDb !== undefined
      ? `Accuracy target: every output ≥ ${o.targetSqnrDb} dB SQNR (tinyml.quantize.targetSqnrDb); short of it, the most sensitive layers stay in int16x8 or float`
      : `Accuracy target: none (an output below the ${SQNR_FLOOR_DB} dB floor is a loud warning)`] : []),
    `Writes: ${path.basename(o.output)} and its report ${o.reportFiles.map((f) => path.basename(f)).join(' + ')}, beside the model`,
    ...(o.replaces.length ? [`Replaces: ${o.replaces.map((f) => path.basename(f)).join(', ')}`] : []),
  ];
  return { message: `Quantize ${path.basename(o.model)} → ${path.basename(o.output)}?`, detail: lines.join('\n') };
}
