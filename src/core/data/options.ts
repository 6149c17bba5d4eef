import type { Dataset } from './dataset';

/** How image files become input tensors. */
export interface ImageOptions {
  /** Order of the 3 colour channels in the input tensor (default 'rgb'). Inputs with 1 channel get luma. */
  channelOrder?: 'rgb' | 'bgr';
  /** Pixel values 0..255 map linearly onto this range (default [0, 1]). Ignored when mean/std are given. */
  range?: readonly [number, number];
  /**
   * Per-channel (or one shared) mean and std on the 0..255 pixel scale, as TFLite model metadata writes them:
   * value = (pixel - mean) / std, e.g. mean [127.5], std [127.5] for [-1, 1].
   */
  mean?: readonly number[];
  std?: readonly number[];
  /** Tensor layout of a rank-4 image input; default: NCHW when dim 1 is 1 or 3 and the last dim is not, else NHWC. */
  layout?: 'nhwc' | 'nchw';
}

/** How the images became inputs, in words: "pixels 0..255 → [-1, 1]", "(pixel − mean) / std, mean …, std …". */
export function describeImageOptions(o: ImageOptions): string {
  const how = o.mean ? `(pixel − mean) / std, mean ${o.mean.join(', ')}, std ${(o.std ?? [1]).join(', ')}` : `pixels 0..255 → [${(o.range ?? [0, 1]).join(', ')}]`;
  return o.channelOrder === 'bgr' ? `${how}, BGR order` : how;
}

const finiteList = (x: unknown, n?: number): x is number[] =>
  Array.isArray(x) && x.length > 0 && (n === undefined || x.length === n) && x.every((v) => typeof v === 'number' && Number.isFinite(v));

/** Image options read back from JSON (a saved report): undefined when any field is not one we write. */
export function parseImageOptions(x: unknown): ImageOptions | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return undefined;
  const o = x as Record<string, unknown>;
  const known = new Set(['channelOrder', 'range', 'mean', 'std', 'layout']);
  if (Object.keys(o).some((k) => !known.has(k))) return undefined;
  if (o['channelOrder'] !== undefined && o['channelOrder'] !== 'rgb' && o['channelOrder'] !== 'bgr') return undefined;
  if (o['layout'] !== undefined && o['layout'] !== 'nhwc' && o['layout'] !== 'nchw') return undefined;
  if (o['range'] !== undefined && !finiteList(o['range'], 2)) return undefined;
  if (o['mean'] !== undefined && !finiteList(o['mean'])) return undefined;
  if (o['std'] !== undefined && !(finiteList(o['std']) && o['std'].every((v) => v !== 0))) return undefined;
  return o as ImageOptions;
}

/** How .wav files become input tensors. */
export interface AudioOptions {
  /** When set, every file must have this sample rate (we never resample). */
  sampleRate?: number;
  /**
   * 'pad-crop' (default): one sample per file, its first N audio samples (zero-padded when shorter);
   * 'frames': every consecutive non-overlapping window of N audio samples is one sample (a shorter tail is dropped).
   */
  framing?: 'pad-crop' | 'frames';
  /** 'unit' (default): PCM scaled to [-1, 1); 'int16': raw PCM16 values (-32768..32767). */
  scale?: 'unit' | 'int16';
}

export interface DatasetOptions {
  /** More samples than this are thinned to this many, evenly spread in file order (default 2000). */
  maxSamples?: number;
  /** Paths in messages and Dataset.source are shown relative to this folder (e.g. the workspace root). */
  displayRoot?: string;
  image?: ImageOptions;
  audio?: AudioOptions;
}

/** A loaded dataset plus what the user should know about it (too few samples, thinned, ...). */
export interface LoadedDataset {
  dataset: Dataset;
  warnings: string[];
}

export const DEFAULT_MAX_SAMPLES = 2000;
