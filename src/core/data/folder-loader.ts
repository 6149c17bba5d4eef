/**
 * Folder datasets. One model input: every image, .wav or .npy file below the folder (sub-folders such as one per class
 * included), in sorted path order, one kind per folder. Several inputs: one sub-folder per input name, paired by order.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { InputSamples } from './assemble';
import { evenlySpread } from './assemble';
import type { InputSpec } from './dataset';
import { displayPath } from './display-path';
import { DatasetError } from './errors';
import { byPath, IMAGE_EXTENSIONS, KIND_NAMES, listSampleFiles, MAX_DEPTH, sampleFileKind, type SampleFileKind } from './sample-files';
import { imageSamples } from './image-samples';
import { imageGeometry, resizeWarning } from './image-preprocess';
import { matchInputs } from './match-inputs';
import { readNpy } from './npy';
import { DEFAULT_MAX_SAMPLES, type DatasetOptions } from './options';
import { readBytes } from './read-bytes';
import { elementCount } from '../tflite/tensor-types';
import { describeInput, longAxes, singleSample } from './shape-fit';
import { decodeWav } from './wav';

async function loadSingleInputFolder(dir: string, shown: string, input: InputSpec, options: DatasetOptions, warnings: string[]): Promise<InputSamples> {
  let files = await listSampleFiles(dir, shown);
  if (files.length === 0) {
    throw new DatasetError('empty', shown, `${shown}: no sample files in the folder (looked for ${IMAGE_EXTENSIONS.join(', ')}, .wav and .npy, ${MAX_DEPTH} levels deep).`);
  }
  const kinds = new Map<SampleFileKind, number>();
  for (const f of files) kinds.set(sampleFileKind(f)!, (kinds.get(sampleFileKind(f)!) ?? 0) + 1);
  if (kinds.size > 1) {
    const found = [...kinds].map(([k, n]) => `${n} ${KIND_NAMES[k]} file${n === 1 ? '' : 's'}`).join(', ');
    throw new DatasetError('mismatch', shown, `${shown}: mixes ${found}; keep one kind of sample file per folder.`);
  }
  const kind = [...kinds.keys()][0]!;
  const maxSamples = options.maxSamples ?? DEFAULT_MAX_SAMPLES;
  if (kind !== 'audio' && files.length > maxSamples) {
    warnings.push(`${shown}: ${files.length} files; using ${maxSamples} spread evenly over them (raise maxSamples to use more).`);
    files = evenlySpread(files.length, maxSamples).map((i) => files[i]!);
  }
  if (kind === 'image') {
    const shownFiles = files.map((rel) => path.join(shown, rel));
    const { samples, sizes } = await imageSamples(files.map((rel, k) => ({ file: path.join(dir, rel), shown: shownFiles[k]! })), input, options.image ?? {});
    const geo = imageGeometry(input.shape, options.image?.layout);
    const resized = geo && resizeWarning(shown, sizes, shownFiles, geo);
    if (resized) warnings.push(resized);
    return { samples, origin: (i) => shownFiles[i]!, file: shown, images: true };
  }
  const samples: Float32Array[] = [];
  const origins: string[] = [];
  const need = elementCount(input.shape);
  // Audio fills a waveform input row-major (e.g. [1, 16000], or frames [1, 49, 320]; also a rank-4 one with a single
  // axis longer than 1, [1, 16000, 1, 1], as 1-D convolutions written as CONV_2D take it); into a single value or an
  // image-like input (rank 4, two axes longer than 1) it would calibrate on nonsense. Other lengths are cut or padded,
  // and said so below.
  const imageLike = input.shape.length >= 4 && longAxes(input.shape) > 1;
  if (kind === 'audio' && (need < 2 || imageLike)) {
    throw new DatasetError('shape', shown, `${shown}: .wav files feed a waveform input (audio samples, e.g. [1, 16000] or frames [1, 49, 320]); ${describeInput(input)} is not one.`,
      'Compute the features the model takes (e.g. a spectrogram or MFCCs) and give them as .npy files or one .npy array.');
  }
  const cut: string[] = [];
  const padded: string[] = [];
  let rate: { value: number; file: string } | undefined;
  for (const rel of files) {
    const fileShown = path.join(shown, rel);
    const bytes = await readBytes(path.join(dir, rel), fileShown);
    if (bytes.length === 0) throw new DatasetError('empty', fileShown, `${fileShown}: the file is empty.`);
    if (kind === 'npy') {
      const arr = readNpy(bytes, fileShown);
      samples.push(singleSample(arr.data, arr.shape, input, fileShown));
      origins.push(fileShown);
    } else {
      const audio = decodeWav(bytes, fileShown);
      const wanted = options.audio?.sampleRate;
      if (wanted !== undefined && audio.sampleRate !== wanted) {
        throw new DatasetError('mismatch', fileShown, `${fileShown}: sample rate ${audio.sampleRate} Hz, the model expects ${wanted} Hz; resample the file (we do not resample).`);
      }
      if (rate && rate.value !== audio.sampleRate) {
        throw new DatasetError('mismatch', fileShown, `${fileShown}: sample rate ${audio.sampleRate} Hz differs from ${rate.file} (${rate.value} Hz); use one rate for all files.`);
      }
      rate ??= { value: audio.sampleRate, file: fileShown };
      const scale = options.audio?.scale === 'int16' ? 32768 : 1;
      const pcm = scale === 1 ? audio.samples : audio.samples.map((s) => s * scale);
      if (options.audio?.framing === 'frames') {
        const frames = Math.floor(pcm.length / need);
        if (frames === 0) {
          throw new DatasetError('shape', fileShown, `${fileShown}: ${pcm.length} audio samples, shorter than one frame of ${describeInput(input)} (${need}); use framing 'pad-crop' to zero-pad.`);
        }
        for (let f = 0; f < frames; f++) {
          samples.push(pcm.slice(f * need, (f + 1) * need));
          origins.push(`${fileShown}, frame ${f}`);
        }
      } else {
        const s = new Float32Array(need);
        s.set(pcm.subarray(0, need));
        if (pcm.length > need) cut.push(fileShown);
        else if (pcm.length < need) padded.push(fileShown);
        samples.push(s);
        origins.push(fileShown);
      }
    }
  }
  if (cut.length || padded.length) {
    const n = samples.length;
    warnings.push(`${shown}: ${[
      ...(cut.length ? [`${cut.length} of ${n} clips are longer than the input's ${need} samples (e.g. ${cut[0]}) and were cut to their first ${need}`] : []),
      ...(padded.length ? [`${padded.length} of ${n} are shorter (e.g. ${padded[0]}) and were zero-padded`] : []),
    ].join('; ')}. If the model takes windows of longer recordings, cut them into windows of ${need} samples first, as the firmware will.`);
  }
  return { samples, origin: (i) => origins[i]!, file: shown };
}

export async function loadFolder(dir: string, inputs: readonly InputSpec[], options: DatasetOptions, warnings: string[]): Promise<InputSamples[]> {
  const shown = displayPath(dir, options);
  if (inputs.length === 1) return [await loadSingleInputFolder(dir, shown, inputs[0]!, options, warnings)];
  let subdirs: string[];
  try {
    subdirs = (await fsp.readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort(byPath);
  } catch (e) {
    throw new DatasetError('unreadable', shown, `${shown}: cannot list the folder (${(e as Error).message}).`);
  }
  const chosen = matchInputs(subdirs, inputs, shown, 'sub-folder');
  const out: InputSamples[] = [];
  for (const [k, input] of inputs.entries()) {
    out.push(await loadSingleInputFolder(path.join(dir, chosen[k]!), path.join(shown, chosen[k]!), input, options, warnings));
  }
  return out;
}
