/**
 * A folder of images → samples, decoded on several cores. Decoding is most of the time of a quantization on photos
 * (jpeg-js and pngjs are plain JavaScript: 40 ms for a 1-megapixel JPEG, 3 s for 12 megapixels), and every image is
 * independent: worker threads (image-worker.ts) decode some of them while this thread decodes the others. The
 * samples, their order and the error raised (the first failing file in order) are those of decoding one by one.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InputSpec } from './dataset';
import { DatasetError, datasetErrorFrom, type DatasetErrorFields } from './errors';
import { decodeImage } from './image-decode';
import { imageToSample } from './image-preprocess';
import type { ImageOptions } from './options';
import { readBytes } from './read-bytes';

/** One image file to read: its path, and how messages name it. */
export interface ImageFile { file: string; shown: string }

/** An image's size as decoded, before the resize to the input's H×W. */
export interface ImageSize { width: number; height: number }

/** The samples of a set of images, in order, and each image's size as decoded. */
export interface ImageSet { samples: Float32Array[]; sizes: ImageSize[] }

/** What a worker gets once: the input and how images map to it. */
export interface ImageWorkerData { input: InputSpec; image: ImageOptions }
/** A request to a worker: decode image `i`. */
export interface ImageRequest extends ImageFile { i: number }
/** A worker's answer for image `i`: its sample, or why it failed (a DatasetError's fields, or another error's message). */
export type ImageReply =
  | { i: number; sample: Float32Array; size: ImageSize }
  | { i: number; error: DatasetErrorFields | { message: string } };

/** The worker script: bundled next to the bundle that loads this module (dist/), transpiled next to this file (out/). */
export const IMAGE_WORKER_FILE = path.join(__dirname, 'image-worker.js');

/** Decoding threads besides this one at most. */
const MAX_WORKERS = 3;
/** Requests queued in each worker: the next image waits there while it decodes one. */
const IN_FLIGHT = 2;
/** Images per worker below which starting one (about 30 ms and its own copy of the decoders) does not pay. */
const IMAGES_PER_WORKER = 8;
/**
 * Memory a decoding thread holds per pixel of its image, measured with jpeg-js on 12-megapixel JPEGs: 565 MB peak for
 * this thread alone, 984 MB with one worker, 1.76 GB with three (RGBA, the decoder's planes, the thread's heap).
 */
const BYTES_PER_PIXEL = 40;
/**
 * What all decoding threads together may hold: workers start only while they fit. A 12-megapixel photo takes 480 MB,
 * so such photos decode in this thread alone: on 16 of them a second thread gained 11% of wall time for 400 MB more
 * (2 cores); 1–2-megapixel photos (91 opencv-doc ones) load 1.45 times as fast with it.
 */
const DECODE_MEMORY_BUDGET = 768 * 2 ** 20;

/** One image → one sample, in this thread: what every thread runs; also the image's size. */
export async function imageSample(f: ImageFile, input: InputSpec, image: ImageOptions): Promise<{ sample: Float32Array; size: ImageSize }> {
  const bytes = await readBytes(f.file, f.shown);
  if (bytes.length === 0) throw new DatasetError('empty', f.shown, `${f.shown}: the file is empty.`);
  const img = decodeImage(bytes, path.extname(f.file).toLowerCase(), f.shown);
  return { sample: imageToSample(img, input, image, f.shown), size: { width: img.width, height: img.height } };
}

/**
 * How many worker threads decode `count` images of about `pixels` pixels each on a machine with `cores` cores and
 * `freeBytes` of free memory: one per 8 images, at most 3 and one fewer than the cores, and only as many as the memory
 * budget (768 MiB, or half the free memory when less) holds besides this thread.
 */
export function imageWorkers(count: number, pixels: number, cores = os.availableParallelism(), freeBytes = os.freemem()): number {
  const budget = Math.min(DECODE_MEMORY_BUDGET, freeBytes / 2);
  const threads = Math.floor(budget / Math.max(1, pixels * BYTES_PER_PIXEL));
  return Math.max(0, Math.min(cores - 1, MAX_WORKERS, Math.floor(count / IMAGES_PER_WORKER), threads - 1));
}

export interface ImageSamplesOptions {
  /** Worker threads (default: imageWorkers, from the first image's size). */
  workers?: number;
  /** The worker script (default IMAGE_WORKER_FILE). */
  workerFile?: string;
  /** Whether this thread decodes too (default true); false leaves every image after the first to the workers. */
  decodeHere?: boolean;
}

/**
 * The samples of `files`, in order. This thread decodes the first image (its size sets how many workers fit in
 * memory), then work is handed out one image at a time, lowest index first, to this thread and the workers. A worker
 * that cannot start or dies leaves its images to the others; whatever no thread decoded is decoded here at the end.
 */
export async function imageSamples(files: readonly ImageFile[], input: InputSpec, image: ImageOptions, opts: ImageSamplesOptions = {}): Promise<ImageSet> {
  const results: (Float32Array | undefined)[] = new Array(files.length);
  const sizes: ImageSize[] = new Array(files.length);
  const errors = new Map<number, Error>();
  let next = 0;
  /** The lowest index that failed: images after it need not be decoded. */
  const firstError = () => (errors.size ? Math.min(...errors.keys()) : Infinity);
  const take = () => (next < files.length && next < firstError() ? next++ : -1);
  const decode = async (i: number): Promise<number> => {
    try {
      const d = await imageSample(files[i]!, input, image);
      results[i] = d.sample;
      sizes[i] = d.size;
      return d.size.width * d.size.height;
    } catch (e) {
      errors.set(i, e as Error);
      return 0;
    }
  };
  const first = take();
  const pixels = first >= 0 ? await decode(first) : 0;
  const workerFile = opts.workerFile ?? IMAGE_WORKER_FILE;
  const workers = !fs.existsSync(workerFile) || errors.size ? 0 : opts.workers ?? imageWorkers(files.length, pixels);
  const threads: Promise<void>[] = [];
  for (let w = 0; w < workers; w++) threads.push(workerThread(workerFile, files, input, image, take, results, sizes, errors));
  if (opts.decodeHere !== false || !workers) {
    // This thread decodes too, yielding between images so that the workers' requests are answered.
    threads.push((async () => {
      for (let i = take(); i >= 0; i = take()) {
        await decode(i);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    })());
  }
  await Promise.all(threads);
  // Images no thread answered for (every worker gone): decoded here, in order, up to the first failure.
  for (let i = 0; i < files.length && i < firstError(); i++) if (results[i] === undefined && !errors.has(i)) await decode(i);
  const failed = firstError();
  if (failed !== Infinity) throw errors.get(failed)!;
  return { samples: results as Float32Array[], sizes };
}

/** Runs one worker until no image is left; resolves when it has answered every image it took (or died). */
function workerThread(workerFile: string, files: readonly ImageFile[], input: InputSpec, image: ImageOptions, take: () => number,
  results: (Float32Array | undefined)[], sizes: ImageSize[], errors: Map<number, Error>): Promise<void> {
  return new Promise<void>((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(workerFile, { workerData: { input, image } satisfies ImageWorkerData });
    } catch {
      resolve();
      return;
    }
    // Not unref'd: while it decodes, this thread may have nothing else to wait on. Every path ends it (finish).
    let inFlight = 0;
    let drained = false;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      void worker.terminate();
      resolve();
    };
    // Up to IN_FLIGHT requests wait in the worker's queue, so that it never idles while this thread is inside a long
    // decode of its own; the worker still decodes one image at a time.
    const ask = () => {
      if (drained) return;
      const i = take();
      if (i < 0) {
        drained = true;
        if (inFlight === 0) finish();
        return;
      }
      inFlight++;
      worker.postMessage({ i, ...files[i]! } satisfies ImageRequest);
    };
    worker.on('message', (m: ImageReply) => {
      inFlight--;
      if ('sample' in m) {
        results[m.i] = m.sample;
        sizes[m.i] = m.size;
      }
      else errors.set(m.i, 'kind' in m.error ? datasetErrorFrom(m.error) : new Error(m.error.message));
      if (drained && inFlight === 0) finish();
      else ask();
    });
    // A worker gone mid-image leaves that image undecoded: the sweep at the end decodes it here.
    const lost = () => {
      if (done) return;
      done = true;
      resolve();
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    for (let k = 0; k < IN_FLIGHT; k++) ask();
  });
}
