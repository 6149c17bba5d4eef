/**
 * `TinyML: Quantize Model`: model -> mode -> I/O type -> range method -> target -> calibration data -> held-out data
 * (20% of it, or data of its own) -> pixel values for images -> quantize behind a cancellable progress notification
 * -> `<name>_<mode>.tflite` next to the source -> inspector + report beside it.
 *
 * The model reading, data loading and quantization run in a worker thread (worker-client.ts over
 * ../common/worker-rpc.ts); the extension host only asks, shows progress, writes the result and opens it.
 *
 * Called with a Uri (explorer context menu) it starts from that model. Called with a QuantizeCommandArgs object (test
 * runs only: ../common/test-mode.ts) it shows no QuickPick or dialog: the answers come from the object, and an
 * existing output is replaced only with `ifExists: 'overwrite'`.
 */
import { blockMonitor } from '../common/event-loop-monitor';
import path from 'node:path';
import * as vscode from 'vscode';
import { headlineWarning } from '../../core/quantize/loud-warnings';
import { parseTargetSqnrDb, reportFileNames, savedReportJson, targetMet, type QuantizeMode } from '../../core/quantize/index';
import type { PrepareResult, QuantizeJob, QuantizeJobResult } from './quantize-job';
import {
  confirmationText, datasetFix, datasetItems, defaultChoices, defaultOutputFile, ioChoices, METHOD_CHOICES, MODE_CHOICES, needsCalibration, pixelChoices, resultSummary, retargetOffer, splitHeldOutItem, targetChoices, validateTarget,
  type Choice, type QuantizeChoices, type RecipeChoice,
} from './quantize-ui';
import { displayPath } from '../../core/data/display-path';
import { isWithin } from '../../core/io/path-within';
import { holdsImages } from '../../core/data/sample-files';
import type { ImageOptions } from '../../core/data/options';
import { quantizationReportMarkdown } from './report-markdown';
import { showReport } from './report-document';
import { FileError } from '../../core/io/file-error';
import { checkOutputs, writeFilesSafely, type OutputFile, type WriteOptions } from '../../core/io/safe-write';
import { withAbort } from '../common/cancellation';
import { log } from '../common/log';
import { pickModel } from '../common/pick-model';
import { readSettings } from '../common/settings';
import { WorkerCancelled, WorkerJobError } from '../common/worker-errors';
import { runQuantizeWorker } from './worker-client';

const INSPECTOR_VIEW_TYPE = 'tinyml.modelInspector';
/** workspaceState key of the last run's choices. */
const MEMORY_KEY = 'tinyml.quantize.lastChoices';

/** Every answer of the command (test runs only): no QuickPick or dialog is shown. */
export interface QuantizeCommandArgs {
  model: vscode.Uri | string;
  mode?: QuantizeMode;
  io?: 'int8' | 'float';
  /** Default `auto`: the recipe chosen by held-out accuracy. */
  calibration?: RecipeChoice;
  /** Calibration data, file or folder; required for int8 and int16x8. */
  data?: vscode.Uri | string;
  /** Held-out data of its own (the CLI's --eval); default: 20% of `data` is held out. */
  evalData?: vscode.Uri | string;
  /** How a folder of images becomes input values (default pixel / 255); ignored for other data. */
  image?: ImageOptions;
  /** Where to write; default `<name>_<mode>.tflite` next to the model. */
  output?: vscode.Uri | string;
  /** The answer to "the output exists": without it, an existing file is left alone and nothing is written. */
  ifExists?: 'overwrite' | 'cancel';
  /** Cancels the run exactly as the notification's Cancel button does. */
  cancellation?: vscode.CancellationToken;
  /** Called with each progress report the notification shows. */
  onProgress?(done: number, total: number, stage: string): void;
  keepUnsupportedInFloat?: boolean;
  /** The answer to the below-the-floor warning's offer: 'retarget' quantizes again with the target it offers. */
  belowFloor?: 'retarget';
  /** Called between the run's write and its answer to the offer (a test edits a file there, as a user might). */
  beforeRetarget?(): Promise<void>;
  /** int8 accuracy target in dB; null: none. Default: the setting tinyml.quantize.targetSqnrDb. */
  targetSqnrDb?: number | null;
  /**
   * Runs the one-step path (the recommended defaults, the last choices of this workspace, after one confirmation)
   * and answers its confirmation: 'accept' runs it, 'change' goes on with the answers above, 'dismiss' stops.
   */
  confirm?: 'accept' | 'change' | 'dismiss';
  /** The one-step path as on a workspace's first run: the remembered choices are forgotten first. */
  forgetChoices?: boolean;
}

export interface QuantizeCommandResult {
  status: 'written' | 'cancelled' | 'exists' | 'error' | 'dismissed';
  /** The written (or refused) output file. */
  output?: string;
  /** The error shown to the user. */
  message?: string;
  reportUri?: string;
  /** The saved Markdown report (`<name>.report.md`); the inspector shows the same report on its Quantization tab. */
  reportShownAs?: 'inspector';
  summary?: string;
  /** Outputs whose held-out SQNR is below the floor (SQNR_FLOOR_DB): the user was warned, not told "done". */
  belowFloor?: string[];
  /** With a target: whether every output met it, and the layers kept in higher precision ("CONV_2D #3 int16x8"). */
  target?: { db: number; met: boolean; kept: string[] };
  /** The button the below-the-floor warning offered ("Quantize again with a 20 dB target"), when it offered one. */
  offered?: string;
  /** The run the offer started (args.belowFloor 'retarget'), writing the same files. */
  retargeted?: QuantizeCommandResult;
  /** What the one confirmation showed (its detail lines), when it was shown. */
  confirmation?: string;
  /** Longest stall of the extension host's event loop during the run (ms). */
  hostMaxBlockMs?: number;
  durationMs: number;
}

const toUri = (u: vscode.Uri | string): vscode.Uri => (typeof u === 'string' ? vscode.Uri.file(u) : u);

function isArgs(a: unknown): a is QuantizeCommandArgs {
  return typeof a === 'object' && a !== null && !(a instanceof vscode.Uri) && 'model' in a;
}

async function pick<T>(choices: readonly Choice<T>[], title: string, placeHolder: string): Promise<T | undefined> {
  const picked = await vscode.window.showQuickPick(choices.map((c) => ({ ...c })), { title, placeHolder, matchOnDescription: true, matchOnDetail: true });
  return picked?.value;
}

/** What a data pick is for: calibration, or the held-out data (which offers a part of the calibration data first). */
interface DataPick {
  title: string; what: string; openLabel: string;
  /** The held-out pick: the calibration data it is apart from, and whether a target makes its part 40%. */
  heldOutOf?: vscode.Uri; target?: boolean;
}

/** Workspace data for the model's inputs, or Browse…; 'split' when the held-out pick's first item was taken. */
async function pickDataset(prepared: PrepareResult, p: DataPick): Promise<vscode.Uri | 'split' | undefined> {
  type Item = vscode.QuickPickItem & { path?: string; browse?: true; split?: true };
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  // Held-out data is never the calibration data, a folder around it or a file in it (checkHeldOutApart's rule, by path).
  const apart = (c: { path: string }) => !p.heldOutOf || (!isWithin(c.path, p.heldOutOf.fsPath) && !isWithin(p.heldOutOf.fsPath, c.path));
  const others = prepared.candidates.filter(apart);
  const items: Item[] = [...(p.heldOutOf ? [{ ...splitHeldOutItem(p.target ?? false), split: true as const }] : []), ...datasetItems(others, folders.length > 1)];
  const shapes = prepared.inputs.map((i) => `${i.name} [${i.shape.join(', ')}]`).join(', ');
  items.push({ label: '$(folder-opened) Browse…', detail: '.npy, .npz, .csv, .json, or a folder of images (.png/.jpg/.bmp), .wav or .npy files', browse: true });
  const misfits = new Set(others.filter((c) => c.fits === false).map((c) => c.path));
  for (;;) {
    const picked = await vscode.window.showQuickPick(items, {
      title: p.title,
      placeHolder: others.length || p.heldOutOf ? `${p.what} for ${shapes}` : `No data found in the workspace for ${shapes}: browse for it`,
      matchOnDetail: true,
    });
    if (!picked) return undefined;
    if (picked.split) return 'split';
    // Data checked not to fit the model cannot calibrate or score it: say why and ask again.
    if (picked.path && misfits.has(picked.path)) {
      await vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(picked.path)} does not fit the model input (${shapes}): ${picked.detail ?? ''}`, { modal: true });
      continue;
    }
    if (picked.path) return vscode.Uri.file(picked.path);
    const chosen = await vscode.window.showOpenDialog({
      canSelectFiles: true, canSelectFolders: true, canSelectMany: false, openLabel: p.openLabel, title: p.what,
      defaultUri: folders[0]?.uri,
    });
    if (chosen?.[0] && p.heldOutOf && chosen[0].fsPath === p.heldOutOf.fsPath) return 'split'; // the worker refuses other overlaps
    return chosen?.[0];
  }
}

/** The files a run writes: the model, then its report as JSON and Markdown, beside it (core/quantize/output-names). */
function outputsBeside(file: string): [string, string, string] {
  const names = reportFileNames(path.basename(file));
  return [file, path.join(path.dirname(file), names.json), path.join(path.dirname(file), names.markdown)];
}

/**
 * Where the run writes: `overwrite` when the user agreed to replace the model and its report files; `modelConfirmed`
 * when a save dialog agreed to replace the model file only (its report files are still asked about).
 */
interface OutputTarget { file: string; overwrite: boolean; modelConfirmed?: boolean }

/** Asks what to do about existing outputs: the file to write (and whether it and its report may be replaced), or undefined. */
async function resolveExisting(file: string, present: readonly string[], args: QuantizeCommandArgs | undefined): Promise<OutputTarget | undefined> {
  if (args) return args.ifExists === 'overwrite' ? { file, overwrite: true } : undefined;
  const names = present.map((p) => path.basename(p));
  const choice = await vscode.window.showWarningMessage(
    `${names.join(', ')} already exist${names.length === 1 ? 's' : ''}.`,
    { modal: true, detail: `Replace ${present.map((p) => vscode.workspace.asRelativePath(p)).join(', ')} with the new model and its report, or save it under another name?` },
    'Overwrite', 'Save as…',
  );
  if (choice === 'Overwrite') return { file, overwrite: true };
  if (choice !== 'Save as…') return undefined;
  const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(file), filters: { 'TFLite models': ['tflite'] }, title: 'Save the quantized model as' });
  if (!target) return undefined;
  // The caller checks it against the run's inputs like any output. The save dialog asked about the model file only.
  return { file: target.fsPath, overwrite: false, modelConfirmed: true };
}

function describeError(e: unknown, job: QuantizeJob): string {
  if (e instanceof WorkerJobError) {
    if (e.error.domain === 'dataset') {
      // The loaders name the file as shown (displayPath): the held-out data's, or a file in its folder, and not one
      // of the calibration data's (a folder of held-out data may hold a calibration file it does not read).
      const shownIn = (p: string | undefined) => p !== undefined && e.error.file !== undefined && isWithin(e.error.file, displayPath(p, job));
      const heldOut = job.evalData !== undefined && (e.error.file === displayPath(job.evalData, job) || (shownIn(job.evalData) && !shownIn(job.data)));
      return `${heldOut ? 'Held-out data' : 'Calibration data'}: ${e.message} ${e.error.fix ? '' : `${datasetFix(e.error.kind)} `}Nothing was written.`;
    }
    return `${e.message} Nothing was written.`;
  }
  return `Quantization failed: ${e instanceof Error ? e.message : String(e)}. Nothing was written.`;
}

/** Where each engine stage sits on the notification's bar (percent), so the bar only moves forward. */
const STAGE_SPANS: Record<string, [number, number]> = {
  'loading data': [0, 5],
  calibrating: [5, 80],
  'calibrating (histograms)': [5, 80],
  'bias correction': [80, 85],
  evaluating: [85, 100],
};

/** Runs the job behind a cancellable notification; Cancel (or args.cancellation) aborts the worker's engine signal. */
function quantizeWithProgress(job: QuantizeJob, title: string, args: QuantizeCommandArgs | undefined): Thenable<QuantizeJobResult> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    let shown = 0;
    const onProgress = (n: number, total: number, stage: string): void => {
      const span = STAGE_SPANS[stage];
      const percent = span ? span[0] + ((span[1] - span[0]) * Math.min(n, total)) / Math.max(1, total) : shown;
      progress.report({ message: total > 1 ? `${stage} ${n}/${total}` : stage, increment: Math.max(0, percent - shown) });
      shown = Math.max(shown, percent);
      args?.onProgress?.(n, total, stage);
    };
    return withAbort([token, args?.cancellation], (signal) => runQuantizeWorker(job, { signal, onProgress }));
  });
}

/** One quantization to run and write, as `run` resolved it (and again, with a target, from the floor warning's offer). */
interface Execution {
  job: QuantizeJob;
  target: OutputTarget;
  writeOptions: WriteOptions;
  chosen: QuantizeChoices;
  args: QuantizeCommandArgs | undefined;
  /** What the one-step confirmation showed. */
  confirmation?: string | undefined;
  /** A rerun's files as the first run left them (fileStamps): written only while they still are. */
  unchanged?: string[];
  /** tinyml.quantize.targetSqnrDb: the target offered when an output falls below the floor without one (retargetOffer). */
  targetSetting: number | undefined;
  done(r: Omit<QuantizeCommandResult, 'durationMs'>): QuantizeCommandResult;
  fail(message: string, extra?: Partial<QuantizeCommandResult>): QuantizeCommandResult;
}

export class QuantizeCommand {
  constructor(private readonly memory: vscode.Memento) {}

  async run(arg?: unknown): Promise<QuantizeCommandResult> {
    const started = performance.now();
    const args = isArgs(arg) ? arg : undefined;
    const { done, fail } = outcomes(args, started);

    const model = args ? toUri(args.model) : arg instanceof vscode.Uri ? arg : await pickModel({ title: 'Quantize a float .tflite model', openLabel: 'Quantize', preferActive: true });
    if (!model) return done({ status: 'dismissed' });
    if (model.scheme !== 'file') return fail(`${model.toString()}: only models on this machine's file system can be quantized.`);
    const name = path.basename(model.fsPath);
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);

    // One step (a user, or a test that answers the confirmation): every check first, then one question.
    const oneStep = !args || args.confirm !== undefined;
    // The model check and the dataset search run before any question: what cannot be quantized, or has no data
    // that fits, is said first.
    const { quantizeTargetSqnrDb: targetSetting, arena: arenaSettings } = readSettings(model);
    let prepared: PrepareResult;
    try {
      prepared = await runQuantizeWorker({ kind: 'prepare', model: model.fsPath, folders: args && !oneStep ? [] : folders, ...(arenaSettings.kernels ? { kernels: arenaSettings.kernels } : {}) });
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e));
    }
    if (prepared.notQuantizable) return fail(prepared.notQuantizable);
    // A mode the model cannot take (a custom operator, state, an operator with no integer form) is said once the mode
    // is known, before any question about data; where keeping those operators in float is the fix, it is offered.
    // The mode "Keep Them in Float" was answered for: another mode's operators (int16x8 has fewer kernels) are asked again.
    let keptFloatFor: QuantizeMode | undefined;
    const keepsFloat = (m: QuantizeMode) => !!args?.keepUnsupportedInFloat || keptFloatFor === m;
    const unblocked = async (m: QuantizeMode, another: boolean): Promise<QuantizeCommandResult | 'another' | undefined> => {
      const b = m === 'int8' || m === 'int16x8' ? prepared.blocked[m] : undefined;
      if (!b || (keepsFloat(m) && b.keepFloatHelps)) return undefined;
      const message = `${b.message} Nothing was written.`;
      if (args) return fail(message);
      const keep = 'Keep Them in Float', other = 'Choose Another Mode…';
      const answer = await vscode.window.showErrorMessage(message, ...(b.keepFloatHelps ? [keep] : []), ...(another ? [other] : []));
      if (answer === keep) {
        keptFloatFor = m;
        return undefined;
      }
      return answer === other ? 'another' : done({ status: 'error', message });
    };

    let mode: QuantizeMode | undefined;
    let io: 'int8' | 'float' = 'int8';
    let calibration: RecipeChoice = 'auto';
    let targetSqnrDb: number | undefined;
    let data: vscode.Uri | undefined;
    let evalData: vscode.Uri | undefined;
    let image: ImageOptions | undefined;
    let confirmation: { message: string; detail: string } | undefined;
    let confirmedTarget: OutputTarget | undefined;
    if (oneStep) {
      if (args?.forgetChoices) await this.memory.update(MEMORY_KEY, undefined);
      const defaults = defaultChoices(prepared.candidates, this.memory.get<QuantizeChoices>(MEMORY_KEY));
      // The recommended run of a mode the model cannot take is not offered: the reason is, with the way on (a test
      // that answers 'change' goes on to its own mode, checked below).
      const blocked = args?.confirm === 'change' ? undefined : await unblocked(defaults.mode, true);
      if (blocked && blocked !== 'another') return blocked;
      // The one-step run takes the target of the setting (a test may pass its own, or null for none).
      const oneStepTarget = defaults.mode !== 'int8' ? undefined : args && args.targetSqnrDb !== undefined ? args.targetSqnrDb ?? undefined : targetSetting;
      const file = args?.output ? toUri(args.output).fsPath : defaultOutputFile(model.fsPath, defaults.mode);
      const writable = await checkOutputs(outputsBeside(file).map((p) => ({ path: p, existing: 'replace' as const })), { inputs: [model.fsPath, ...(defaults.data ? [defaults.data] : []), ...(defaults.evalData ? [defaults.evalData] : [])] })
        .then(() => true, () => false);
      // Without data that fits, or an output that can be written, there is no recommended run: the full picks say why.
      if (!blocked && writable && (defaults.data || !needsCalibration(defaults.mode))) {
        const present: string[] = [];
        for (const p of outputsBeside(file)) if (await exists(p)) present.push(p);
        const candidate = prepared.candidates.find((c) => c.path === defaults.data);
        const evalCandidate = prepared.candidates.find((c) => c.path === defaults.evalData);
        const images = candidate?.kind === 'image-folder' || evalCandidate?.kind === 'image-folder';
        if (images && args?.image) defaults.image = args.image;
        confirmation = confirmationText({
          model: model.fsPath, output: file, choices: defaults, replaces: present, reportFiles: outputsBeside(file).slice(1),
          ...(oneStepTarget !== undefined ? { targetSqnrDb: oneStepTarget } : {}),
          ...(candidate ? { data: { shown: vscode.workspace.asRelativePath(candidate.path), detail: candidate.detail, images } } : {}),
          ...(evalCandidate ? { evalData: { shown: vscode.workspace.asRelativePath(evalCandidate.path), detail: evalCandidate.detail } } : {}),
        });
        if (keptFloatFor === defaults.mode) confirmation.detail += `\nKept in float: the operators with no ${defaults.mode} form (Keep Them in Float).`;
        const go = present.length ? 'Quantize and Replace' : 'Quantize';
        const answer = args?.confirm
          ?? ({ [go]: 'accept', 'Change…': 'change' } as Record<string, 'accept' | 'change'>)[(await vscode.window.showInformationMessage(confirmation.message, { modal: true, detail: confirmation.detail }, go, 'Change…')) ?? ''];
        if (answer === undefined || answer === 'dismiss') return done({ status: 'dismissed', confirmation: confirmation.detail });
        if (answer === 'accept') {
          ({ mode, io, calibration } = defaults);
          if (oneStepTarget !== undefined) targetSqnrDb = oneStepTarget;
          if (defaults.data) data = vscode.Uri.file(defaults.data);
          if (defaults.evalData) evalData = vscode.Uri.file(defaults.evalData);
          if (images) image = defaults.image ?? {};
          confirmedTarget = { file, overwrite: present.length > 0 };
        }
      }
    }

    if (!mode) mode = args ? args.mode ?? 'int8' : await pick(MODE_CHOICES, `Quantize ${name}: mode`, 'int8 runs on microcontrollers (TFLite Micro)');
    if (!mode) return done({ status: 'dismissed' });
    const blocked = await unblocked(mode, false);
    if (blocked) return blocked === 'another' ? done({ status: 'dismissed' }) : blocked;
    if (needsCalibration(mode) && !confirmedTarget) {
      const ioPicked = args ? args.io ?? 'int8' : await pick(ioChoices(mode), `Quantize ${name}: input and output type`, 'What the firmware feeds and reads');
      if (!ioPicked) return done({ status: 'dismissed' });
      io = ioPicked;
      const method = args ? args.calibration ?? 'auto' : await pick(METHOD_CHOICES, `Quantize ${name}: activation ranges`, 'How ranges are taken from the calibration data');
      if (!method) return done({ status: 'dismissed' });
      calibration = method;
      if (mode === 'int8') {
        const setting = targetSetting;
        if (args) {
          const t = args.targetSqnrDb === undefined ? setting : args.targetSqnrDb ?? undefined;
          if (t !== undefined) targetSqnrDb = t;
        } else {
          const picked = await pick(targetChoices(setting), `Quantize ${name}: accuracy target`, 'Worst output SQNR on held-out data; short of it, the most sensitive layers stay in int16x8 or float');
          if (picked === undefined) return done({ status: 'dismissed' });
          if (picked === 'custom') {
            const typed = await vscode.window.showInputBox({ title: `Quantize ${name}: accuracy target (dB)`, prompt: 'Worst output SQNR to reach on held-out data, in dB', value: String(setting ?? 25), validateInput: validateTarget });
            if (typed === undefined) return done({ status: 'dismissed' });
            targetSqnrDb = parseTargetSqnrDb(typed)!; // validateTarget passed it
          } else if (picked !== 'none') targetSqnrDb = picked;
        }
      }
      const calibrationPick = args ? (args.data ? toUri(args.data) : undefined)
        : await pickDataset(prepared, { title: `Quantize ${name}: calibration data`, what: 'Calibration data', openLabel: 'Calibrate with this' });
      data = calibrationPick === 'split' ? undefined : calibrationPick;
      if (!data) return args ? fail(`${mode} needs calibration data: pass "data".`) : done({ status: 'dismissed' });
      // What the report, the recipe choice and a target score on: a part of the calibration data, or data of its own
      // (inputs the model was not trained on predict new inputs; a part of its training data flatters it).
      const heldOutPick = args ? (args.evalData ? toUri(args.evalData) : 'split')
        : await pickDataset(prepared, { title: `Quantize ${name}: held-out data`, what: 'Held-out data', openLabel: 'Score on this', heldOutOf: data, target: targetSqnrDb !== undefined });
      if (!heldOutPick) return done({ status: 'dismissed' });
      if (heldOutPick !== 'split') evalData = heldOutPick;
      // Images become inputs as the model was trained: the range is asked, never assumed.
      if ((data.scheme === 'file' && await holdsImages(data.fsPath)) || (evalData?.scheme === 'file' && await holdsImages(evalData.fsPath))) {
        const last = this.memory.get<QuantizeChoices>(MEMORY_KEY)?.image;
        const picked = args ? args.image ?? {} : await pick(pixelChoices(last), `Quantize ${name}: pixel values`, 'The input range the model was trained on');
        if (!picked) return done({ status: 'dismissed' });
        image = picked;
      }
    }

    let target: OutputTarget = confirmedTarget ?? { file: args?.output ? toUri(args.output).fsPath : defaultOutputFile(model.fsPath, mode), overwrite: false };
    // The one write path (core/io/safe-write): the output is never the model or the data (through links too), and
    // a read-only folder is found before the run. One check before asking about an existing file: the model itself
    // is refused, never offered for overwriting. Interactively, "Save as…" picks another place.
    const writeOptions: WriteOptions = { inputs: [model.fsPath, ...(data ? [data.fsPath] : []), ...(evalData ? [evalData.fsPath] : [])] };
    for (;;) {
      try {
        await checkOutputs(outputsBeside(target.file).map((p) => ({ path: p, existing: 'replace' as const })), writeOptions);
      } catch (e) {
        if (e instanceof FileError && e.kind === 'output-is-input') return fail(`${target.file} is the model or data this run reads: choose another file.`);
        const message = writeFailureMessage(e);
        if (args) return fail(message, { output: target.file });
        const saveAs = await vscode.window.showErrorMessage(message, 'Save as…');
        const other = saveAs && await vscode.window.showSaveDialog({ filters: { 'TFLite models': ['tflite'] }, title: 'Save the quantized model as' });
        if (!other) return done({ status: 'error', message, output: target.file });
        target = { file: other.fsPath, overwrite: false, modelConfirmed: true }; // the save dialog asked about the model file
        continue;
      }
      const present = [];
      for (const p of outputsBeside(target.file)) if (!(target.modelConfirmed && p === target.file) && await exists(p)) present.push(p);
      if (target.overwrite || present.length === 0) break;
      const resolved = await resolveExisting(target.file, present, args);
      if (!resolved) return done({ status: 'exists', output: target.file, message: `${target.file} already exists; nothing was written.` });
      const moved = resolved.file !== target.file;
      target = resolved;
      if (!moved && resolved.overwrite) break; // a file chosen with "Save as…" is checked like the first
    }
    const displayRoot = data ? vscode.workspace.getWorkspaceFolder(data)?.uri.fsPath : undefined;
    const job: QuantizeJob = {
      kind: 'quantize', model: model.fsPath, mode, io, calibration,
      ...(data ? { data: data.fsPath } : {}), ...(evalData ? { evalData: evalData.fsPath } : {}), ...(displayRoot ? { displayRoot } : {}),
      ...(image && (image.range || image.mean) ? { image } : {}),
      ...(keepsFloat(mode) ? { keepUnsupportedInFloat: true } : {}),
      ...(targetSqnrDb !== undefined ? { targetSqnrDb } : {}),
      // The firmware's kernel set and arena margin, as the hover reads them: the report's arena is the hover's.
      build: arenaSettings,
    };
    const chosen: QuantizeChoices = { mode, io, calibration, ...(data ? { data: data.fsPath } : {}), ...(image ? { image } : {}), ...(evalData ? { evalData: evalData.fsPath } : {}) };
    return this.execute({ job, target, writeOptions, chosen, args, done, fail, ...(confirmation ? { confirmation: confirmation.detail } : {}), targetSetting });
  }

  /** Quantizes, writes the model and its report, opens the inspector and says how it went (with an offer below the floor). */
  private async execute(x: Execution): Promise<QuantizeCommandResult> {
    const { job, target, writeOptions, args, done, fail } = x;
    const model = job.model;
    const name = path.basename(model);
    const changedSinceWritten = (): Omit<QuantizeCommandResult, 'durationMs'> => {
      const message = `${path.basename(target.file)} or its report changed since it was written; nothing was replaced. Quantize it again from the model.`;
      if (!args) void vscode.window.showWarningMessage(message);
      return { status: 'exists', output: target.file, message };
    };
    // The model and its report (JSON for the inspector's Quantization tab, Markdown to read) land together or not at all.
    const output = (r: QuantizeJobResult): OutputFile[] => {
      const existing = target.overwrite ? 'replace' as const : 'refuse' as const;
      const [, json, md] = outputsBeside(target.file);
      return [
        { path: target.file, existing: target.modelConfirmed ? 'replace' : existing, contents: r.bytes },
        { path: json!, existing, contents: savedReportJson({ model: path.basename(model), output: path.basename(target.file), report: r.report, warnings: r.warnings }) },
        { path: md!, existing, contents: quantizationReportMarkdown(r.report, r.warnings, { source: model, output: target.file }) },
      ];
    };
    const monitor = blockMonitor();
    let result: QuantizeJobResult;
    for (;;) {
      try {
        result = await quantizeWithProgress(job, `Quantizing ${name} (${job.mode}${job.targetSqnrDb !== undefined ? `, target ${job.targetSqnrDb} dB` : ''})`, args);
        break;
      } catch (e) {
        if (e instanceof WorkerCancelled) return done({ status: 'cancelled', output: target.file, hostMaxBlockMs: monitor.stop() });
        const message = describeError(e, job);
        const unsupportedOp = e instanceof WorkerJobError && e.is('quantize', 'unsupported-op');
        if (args || !unsupportedOp || job.keepUnsupportedInFloat) return fail(message, { hostMaxBlockMs: monitor.stop() });
        const keep = 'Quantize again, keeping them in float';
        if ((await vscode.window.showErrorMessage(message, keep)) !== keep) return done({ status: 'error', message, hostMaxBlockMs: monitor.stop() });
        job.keepUnsupportedInFloat = true;
      }
    }
    const hostMaxBlockMs = monitor.stop();

    // A rerun from the floor warning's offer replaces the first run's files only while they are what it wrote: a
    // hand edit or another run during the 30-200 s it took leaves them alone.
    const unchanged = x.unchanged;
    if (unchanged && (await fileStamps(outputsBeside(target.file))).some((s, i) => s !== unchanged[i])) return done(changedSinceWritten());
    try {
      await writeFilesSafely(output(result), writeOptions);
    } catch (e) {
      if (e instanceof FileError && e.kind === 'exists') {
        return fail(`${target.file} appeared while the model was being quantized; it was left as it is and nothing was written.`, { status: 'exists', output: target.file, hostMaxBlockMs });
      }
      return fail(writeFailureMessage(e), { output: target.file, hostMaxBlockMs });
    }
    // Below the floor with no target, the way out is the target: offered in the warning, one click, the same files.
    const belowFloor = result.report.accuracy?.belowFloor ?? [];
    const retarget = retargetOffer(job.mode, job.targetSqnrDb, belowFloor, x.targetSetting);
    const wrote = retarget !== undefined ? await fileStamps(outputsBeside(target.file)) : [];

    await this.memory.update(MEMORY_KEY, x.chosen);
    const outUri = vscode.Uri.file(target.file);
    const reportUri = vscode.Uri.file(outputsBeside(target.file)[2]!);
    // The inspector opens on its Quantization tab (the report is beside the model now); the Markdown report is a
    // click away ("Show Report").
    await vscode.commands.executeCommand('vscode.openWith', outUri, INSPECTOR_VIEW_TYPE, { preview: false });
    const reportShownAs = 'inspector' as const;
    const summary = resultSummary(target.file, result.report);
    const mp = result.report.mixedPrecision;
    const offer = retarget !== undefined ? `Quantize again with a ${retarget} dB target` : undefined;
    const again = async (): Promise<QuantizeCommandResult> => {
      const timed = outcomes(args, performance.now());
      // Checked at the click (the notification can be clicked much later) and again before the rerun writes.
      if ((await fileStamps(outputsBeside(target.file))).some((s, i) => s !== wrote[i])) return timed.done(changedSinceWritten());
      return this.execute({
        ...x, ...timed, job: { ...job, targetSqnrDb: retarget! }, target: { file: target.file, overwrite: true }, confirmation: undefined, unchanged: wrote,
      });
    };
    if (!args) {
      const warningsNote = result.warnings.length ? ` (${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'} in the report)` : '';
      // A missed target, an output below the floor, index outputs that disagree: a warning that says so, never a quiet "done".
      const floorWarning = headlineWarning(result.warnings);
      const shown = floorWarning
        ? vscode.window.showWarningMessage(`${path.basename(target.file)}: ${floorWarning}`, 'Show Report', ...(offer ? [offer] : []))
        : vscode.window.showInformationMessage(`${summary}${warningsNote}`, 'Show Report');
      void shown.then((c): unknown => (c === 'Show Report' ? showReport(reportUri) : c && c === offer ? again() : undefined))
        .then(undefined, (e: unknown) => log().error(`quantize: ${e instanceof Error ? e.message : String(e)}`));
    }
    const written = {
      status: 'written' as const, output: target.file, reportUri: reportUri.toString(), reportShownAs, summary, hostMaxBlockMs,
      ...(x.confirmation ? { confirmation: x.confirmation } : {}),
      ...(belowFloor.length ? { belowFloor } : {}),
      ...(offer ? { offered: offer } : {}),
      ...(mp ? { target: { db: mp.targetDb, met: targetMet(mp), kept: mp.kept.map((l) => `${l.op} ${l.precision}`) } } : {}),
    };
    const result1 = done(written);
    // A test answers the offer as a click would, after the first run's result is complete.
    if (args?.belowFloor === 'retarget' && offer) {
      await args.beforeRetarget?.();
      return { ...result1, retargeted: await again() };
    }
    return result1;
  }
}

/** The one-line message of a failed check or write, with the way out VS Code offers ("Save as…"). */
function writeFailureMessage(e: unknown): string {
  if (!(e instanceof FileError)) return `Cannot write the quantized model: ${(e as Error).message}`;
  const readOnly = e.kind === 'read-only' || e.kind === 'permission';
  return `Cannot write ${e.message}.${readOnly ? ' "Save as…" picks another place.' : ''}`;
}

/** A run's two endings, timed from `started`: its result, and a failure (logged, and shown unless a test asked). */
function outcomes(args: QuantizeCommandArgs | undefined, started: number): Pick<Execution, 'done' | 'fail'> {
  const done = (r: Omit<QuantizeCommandResult, 'durationMs'>): QuantizeCommandResult => ({ ...r, durationMs: Math.round(performance.now() - started) });
  const fail = (message: string, extra: Partial<QuantizeCommandResult> = {}): QuantizeCommandResult => {
    log().error(`quantize: ${message}`);
    if (!args) void vscode.window.showErrorMessage(message);
    return done({ status: 'error', message, ...extra });
  };
  return { done, fail };
}

/** Size and modification time of each file ('' when it is gone): whether files are still what a run wrote. */
async function fileStamps(files: readonly string[]): Promise<string[]> {
  return Promise.all(files.map((f) => vscode.workspace.fs.stat(vscode.Uri.file(f)).then((s) => `${s.size}:${s.mtime}`, () => '')));
}

async function exists(file: string): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(vscode.Uri.file(file));
    return true;
  } catch {
    return false;
  }
}
