import path from 'node:path';
import { heldOutShare, holdOutForReport, loadDataset, type Dataset, type DatasetOptions, type InputSpec } from '../../core/data/index';
import { checkHeldOutApart } from '../../core/data/held-out-data';
import { checkOutputs, writeFilesSafely, type OutputFile } from '../../core/io/safe-write';
import { checkQuantizable, formatQuantizationReport, MAX_TARGET_SQNR_DB, parseTargetSqnrDb, quantizedFileName, quantizeModel, savedReportJson, targetMet, type QuantizeMode, type WeightRounding, type QuantizeOptions, type RangeMethod } from '../../core/quantize/index';
import { tensorTypeName, type Model } from '../../core/tflite/index';
import { DEFAULT_ARENA_MARGIN_PERCENT } from '../../core/arena/types';
import { oneOf, parseCommand } from '../args';
import { ARENA_BUILD_FLAGS, arenaBuildArgs, arenaBuildUsage } from '../arena-build-args';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError, type CliIo } from '../cli-io';
import { readModelFile } from '../read-model-file';

export const QUANTIZE_USAGE = 'tinyml quantize MODEL --data PATH [--mode int8|int16x8|float16|dynamic] [--io int8|float] '
  + '[--calibration auto|minmax|percentile|mse] [--target-sqnr DB] [-o OUT] [--report report.json] [--force] [--eval PATH] [--keep-float] '
  + '[--[no-]bias-correction] [--[no-]per-channel-fc] [--[no-]equalize-channels] [--weight-rounding auto|nearest|gptq] [--uint8-input] [--image-range LO,HI | --mean M[,M,M] --std S[,S,S]] [--bgr] [--json] '
  + `${arenaBuildUsage()} (the firmware build the int16 kernels and the arena figures are for)`;

const MODES: readonly QuantizeMode[] = ['int8', 'int16x8', 'float16', 'dynamic'];
const METHODS: readonly (RangeMethod | 'auto')[] = ['auto', 'minmax', 'percentile', 'mse'];
const ROUNDINGS: readonly (WeightRounding | 'auto')[] = ['auto', 'nearest', 'gptq'];

function inputSpecs(model: Model): InputSpec[] {
  const sg = model.subgraphs[0]!;
  return sg.inputs.map((t) => ({ name: sg.tensors[t]!.name, shape: [...sg.tensors[t]!.shape], type: tensorTypeName(sg.tensors[t]!.type) }));
}

function numbers(value: string, flag: string): number[] {
  const parts = value.split(',').map((p) => Number(p.trim()));
  if (!parts.length || parts.some((n) => !Number.isFinite(n))) throw new UsageError(`${flag} takes comma-separated numbers, e.g. ${flag} 127.5,127.5,127.5; got "${value}"`);
  return parts;
}

/** How image folders become input values: --image-range LO,HI (default 0,1), or --mean/--std on the 0..255 scale. */
function datasetOptions(values: { 'image-range'?: string; mean?: string; std?: string; bgr?: boolean }): DatasetOptions {
  const image: NonNullable<DatasetOptions['image']> = {};
  if (values['image-range'] && (values.mean !== undefined || values.std !== undefined)) {
    throw new UsageError('--image-range and --mean/--std are two ways to say how pixels become inputs; give one', true);
  }
  if (values['image-range']) {
    const r = numbers(values['image-range'], '--image-range');
    if (r.length !== 2 || !(r[0]! < r[1]!)) throw new UsageError(`--image-range takes LO,HI with LO < HI, e.g. --image-range 0,255; got "${values['image-range']}"`);
    image.range = [r[0]!, r[1]!];
  }
  if (values.mean !== undefined || values.std !== undefined) {
    if (values.mean === undefined || values.std === undefined) throw new UsageError('--mean and --std go together, e.g. --mean 127.5 --std 127.5');
    image.mean = numbers(values.mean, '--mean');
    image.std = numbers(values.std, '--std');
  }
  if (values.bgr) image.channelOrder = 'bgr';
  return Object.keys(image).length ? { image } : {};
}

/** `<name>_<mode>.tflite` next to the model (core/quantize/output-names: `hello_world_float` -> `hello_world_int8`). */
export function defaultOutputPath(modelPath: string, mode: QuantizeMode): string {
  return path.join(path.dirname(modelPath), quantizedFileName(path.basename(modelPath), mode));
}

/**
 * `tinyml quantize MODEL --data PATH ...`: post-training quantization of a float model with calibration data from the
 * workspace. 20% of the data (seeded) is held out for the accuracy report unless --eval gives separate data.
 */
export async function runQuantize(args: string[], io: CliIo): Promise<number | undefined> {
  const parsed = parseCommand(args, {
    data: { type: 'string' },
    eval: { type: 'string' },
    mode: { type: 'string' },
    io: { type: 'string' },
    calibration: { type: 'string' },
    'target-sqnr': { type: 'string' },
    ...ARENA_BUILD_FLAGS,
    output: { type: 'string', short: 'o' },
    report: { type: 'string' },
    force: { type: 'boolean' },
    'keep-float': { type: 'boolean' },
    'bias-correction': { type: 'boolean' },
    'no-bias-correction': { type: 'boolean' },
    'per-channel-fc': { type: 'boolean' },
    'weight-rounding': { type: 'string' },
    'no-per-channel-fc': { type: 'boolean' },
    'equalize-channels': { type: 'boolean' },
    'no-equalize-channels': { type: 'boolean' },
    'uint8-input': { type: 'boolean' },
    json: { type: 'boolean' },
    'image-range': { type: 'string' },
    mean: { type: 'string' },
    std: { type: 'string' },
    bgr: { type: 'boolean' },
  });
  if (!parsed) return undefined;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'quantize takes one MODEL' : 'no model given: pass the path of a float .tflite file', true);
  const { marginPercent = DEFAULT_ARENA_MARGIN_PERCENT, ...build } = arenaBuildArgs(values);
  const { kernels } = build;
  const modelPath = positionals[0]!;
  const mode = oneOf(values.mode, MODES, '--mode', 'int8');
  const ioType = oneOf(values.io, ['int8', 'float'] as const, '--io', 'int8');
  // Unset parts of the recipe (auto) are chosen per model by held-out accuracy; a flag fixes its part.
  const method = oneOf(values.calibration, METHODS, '--calibration', 'auto');
  const onOff = (flag: 'bias-correction' | 'per-channel-fc' | 'equalize-channels'): boolean | undefined => {
    if (values[flag] && values[`no-${flag}`]) throw new UsageError(`--${flag} and --no-${flag} contradict each other; give one`, true);
    return values[flag] ? true : values[`no-${flag}`] ? false : undefined;
  };
  const biasCorrection = onOff('bias-correction');
  const perChannelFc = onOff('per-channel-fc');
  // Unset: on with --target-sqnr (its layers then stay int8 more often), off otherwise.
  const equalizeChannels = onOff('equalize-channels');
  if (equalizeChannels !== undefined && mode !== 'int8') throw new UsageError(`--${equalizeChannels ? '' : 'no-'}equalize-channels works with --mode int8 (it rescales channels before int8 calibration); got --mode ${mode}`);
  const weightRounding = oneOf(values['weight-rounding'], ROUNDINGS, '--weight-rounding', 'auto');
  const target = values['target-sqnr'];
  const targetDb = target === undefined ? undefined : parseTargetSqnrDb(target);
  // 0 dB or less is met by any model (as the setting tinyml.quantize.targetSqnrDb, which has the same bounds).
  if (target !== undefined && targetDb === undefined) throw new UsageError(`--target-sqnr takes a number of dB above 0 and at most ${MAX_TARGET_SQNR_DB}, e.g. --target-sqnr 20; got "${target}"`);
  if (targetDb !== undefined && mode !== 'int8') throw new UsageError(`--target-sqnr works with --mode int8 (it keeps the most sensitive layers in int16x8 or float); got --mode ${mode}`);
  const needsData = mode === 'int8' || mode === 'int16x8';
  if (!needsData) {
    // float16 and dynamic range only touch weights: the calibration's options would be dropped without a word.
    const unused = [
      ...(values.calibration !== undefined && values.calibration !== 'auto' ? ['--calibration'] : []),
      ...(biasCorrection !== undefined ? [`--${biasCorrection ? '' : 'no-'}bias-correction`] : []),
      ...(perChannelFc !== undefined && mode === 'float16' ? [`--${perChannelFc ? '' : 'no-'}per-channel-fc`] : []),
      ...(weightRounding !== 'auto' ? ['--weight-rounding'] : []),
      ...(values['uint8-input'] ? ['--uint8-input'] : []),
      ...(values['keep-float'] ? ['--keep-float'] : []),
      ...(values.io === 'int8' ? ['--io int8'] : []),
    ];
    if (unused.length) throw new UsageError(`${unused.join(', ')} ${unused.length === 1 ? 'applies' : 'apply'} to --mode int8 and int16x8 (calibrated activations); --mode ${mode} changes only the weights and keeps float inputs and outputs`);
  }
  if (values['uint8-input'] && ioType === 'float') throw new UsageError('--uint8-input and --io float contradict each other: the first makes the model input uint8, the second keeps it float32; give one', true);
  if (needsData && !values.data) throw new UsageError(`--data PATH is required for ${mode}: calibration needs sample inputs (.npy, .npz, .csv, .json or a folder of images/.wav)`);

  const out = values.output ?? defaultOutputPath(modelPath, mode);
  // Every output checked against every input and each other before minutes of calibration; written together at the end.
  const existing = values.force ? 'replace' as const : 'refuse' as const;
  const outputs: OutputFile[] = [{ path: out, existing }, ...(values.report ? [{ path: values.report, existing }] : [])];
  const writeOptions = {
    inputs: [modelPath, ...(values.data ? [values.data] : []), ...(values.eval ? [values.eval] : [])],
    existsHint: '; pass --force to replace it, or choose another path',
    shown: (p: string) => (path.isAbsolute(p) ? path.relative(process.cwd(), p) || p : p),
    ...(io.writeFs ? { fs: io.writeFs } : {}),
  };
  await checkOutputs(outputs, writeOptions);

  const { model } = readModelFile(modelPath);
  // Whatever makes quantization impossible is reported before any data is loaded.
  const checked = checkQuantizable(model, { mode, keepUnsupportedInFloat: !!values['keep-float'], name: path.basename(modelPath), kernels });
  const inputs = inputSpecs(model);
  const dataOptions = datasetOptions(values);
  if (values.eval) await checkHeldOutApart(values.eval, values.data, { heldOutPart: heldOutShare(targetDb !== undefined) });
  const loadWarnings: string[] = [];
  let calibration: Dataset = { source: 'none', samples: [], inputShapes: inputs.map((i) => i.shape) };
  let heldOut: Dataset | undefined;
  if (values.data) {
    const loaded = await loadDataset(values.data, inputs, dataOptions);
    loadWarnings.push(...loaded.warnings);
    calibration = loaded.dataset;
    if (!values.eval) {
      const split = holdOutForReport(calibration, { target: targetDb !== undefined });
      ({ calibration, heldOut } = split);
      if (split.warning) loadWarnings.push(`${split.warning} Give --eval PATH for that.`);
    }
  }
  if (values.eval) {
    // Also without --data (float16, dynamic range): the accuracy is then measured on it.
    const ev = await loadDataset(values.eval, inputs, dataOptions);
    loadWarnings.push(...ev.warnings);
    heldOut = ev.dataset;
  }
  // Image options on data that holds no images would be dropped without a word.
  if (dataOptions.image && !values.data && !values.eval) throw new UsageError('--image-range, --mean/--std and --bgr say how image files given with --data or --eval become inputs; neither is given: leave them out');
  if (dataOptions.image && !calibration.image && !heldOut?.image) {
    throw new UsageError(`--image-range, --mean/--std and --bgr say how image files become inputs; ${[values.data, values.eval].filter(Boolean).join(' and ')} hold${values.data && values.eval ? '' : 's'} no images: leave them out`);
  }

  const options: QuantizeOptions = {
    mode, io: ioType, modelName: path.basename(modelPath), checked,
    ...(method !== 'auto' ? { calibration: method } : {}),
    ...(biasCorrection !== undefined ? { biasCorrection } : {}),
    ...(perChannelFc !== undefined ? { perChannelFullyConnected: perChannelFc } : {}),
    ...(equalizeChannels !== undefined ? { equalizeChannels } : {}),
    ...(weightRounding !== 'auto' ? { weightRounding } : {}),
    keepUnsupportedInFloat: !!values['keep-float'], uint8Input: !!values['uint8-input'],
    build: { ...build, marginPercent },
    ...(heldOut ? { heldOut } : {}),
    ...(targetDb !== undefined ? { targetSqnrDb: targetDb } : {}),
  };
  let lastShown = Date.now();
  const result = await quantizeModel(model, calibration, options, {
    onProgress: (done, total, stage) => {
      const now = Date.now();
      if (!values.json && now - lastShown > 1000) {
        lastShown = now;
        io.stderr(`${stage} ${done}/${total}\n`);
      }
    },
  });
  const warnings = [...loadWarnings, ...result.warnings];
  // The time of the whole command, from process start (performance.now() counts from performance.timeOrigin): module
  // loading, runtime start, data loading, calibration, recipe search, evaluation and the report. The --report file
  // holds it up to just before the files are written; what is printed, up to after.
  const commandMs = () => performance.now();
  result.report.totalMs = commandMs();
  const reportJson = () => savedReportJson({ model: modelPath, output: out, report: result.report, warnings });
  outputs[0]!.contents = result.bytes;
  if (values.report) outputs[1]!.contents = reportJson();
  await writeFilesSafely(outputs, writeOptions);
  result.report.totalMs = commandMs();
  if (values.json) {
    io.stdout(reportJson());
  } else {
    io.stdout(`Wrote ${out}${values.report ? ` and ${values.report}` : ''}\n${formatQuantizationReport(result.report, warnings)}`);
  }
  // The closest model found is written either way; a missed target is a failed check, as a script needs to know.
  return result.report.mixedPrecision && !targetMet(result.report.mixedPrecision) ? EXIT_CHECK_FAILED : EXIT_OK;
}

