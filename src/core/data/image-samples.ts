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
import { DatasetError, type DatasetErrorKind } from './errors';
import { decodeImage } from './image-decode';
import { imageToSample } from './image-preprocess';
import type { ImageOptions } from './options';
import { readBytes } from './read-bytes';

/** One image file to read: its path, and how messages name it. */
export interface ImageFile { file: string; shown: string }

/** What a worker gets once: the input and how images map to it. */
export interface ImageWorkerData { input: InputSpec; image: ImageOptions }
/** A request to a worker: decode image `i`. */
export interface ImageRequest extends ImageFile { i: number }
/** A worker's answer for image `i`: its sample, or why it failed (a DatasetError's fields, or another error's message). */
export type ImageReply =
  | { i: number; sample: Float32Array }
  | { i: number; error: { kind?: DatasetErrorKind; file?: string; message: string } };

/** The worker script: bundled next to the bundle that loads this module (dist/), transpiled next to this file (out/). */
export const IMAGE_WORKER_FILE = path.join(__dirname, 'image-worker.js');

/** Decoding threads besides this one at most: each holds one decoded image (about 100 MB for 12 megapixels). */
const MAX_WORKERS = 3;
/** Images per worker below which starting one (about 30 ms and its own copy of the decoders) does not pay. */
const IMAGES_PER_WORKER = 8;

/** One image → one sample, in this thread: what every thread runs. */
export async function imageSample(f: ImageFile, input: InputSpec, image: ImageOptions): Promise<Float32Array> {
  const bytes = await readBytes(f.file, f.shown);
  if (bytes.length === 0) throw new DatasetError('empty', f.shown, `${f.shown}: the file is empty.`);
  return imageToSample(decodeImage(bytes, path.extname(f.file).toLowerCase(), f.shown), input, image, f.shown);
}

/** How many worker threads decode `count` images on a machine with `cores` cores. */
export function imageWorkers(count: number, cores = os.availableParallelism()): number {
  return Math.max(0, Math.min(cores - 1, MAX_WORKERS, Math.floor(count / IMAGES_PER_WORKER)));
}

/**
 * The samples of `files`, in order. Work is handed out one image at a time, lowest index first, to this thread and
 * to `workers` worker threads; a worker that cannot start or dies leaves its images to the others.
 */
export async function imageSamples(files: readonly ImageFile[], input: InputSpec, image: ImageOptions, workers = imageWorkers(files.length)): Promise<Float32Array[]> {
  const results: (Float32Array | undefined)[] = new Array(files.length);
  const errors = new Map<number, Error>();
  let next = 0;
  /** The lowest index that failed: images after it need not be decoded. */
  const firstError = () => (errors.size ? Math.min(...errors.keys()) : Infinity);
  const take = () => (next < files.length && next < firstError() ? next++ : -1);
  const threads: Promise<void>[] = [];
  const started = fs.existsSync(IMAGE_WORKER_FILE) ? workers : 0;
  for (let w = 0; w < started; w++) threads.push(workerThread(files, input, image, take, results, errors));
  // This thread decodes too, yielding between images so that the workers' requests are answered.
  threads.push((async () => {
    for (let i = take(); i >= 0; i = take()) {
      try {
        results[i] = await imageSample(files[i]!, input, image);
      } catch (e) {
        errors.set(i, e as Error);
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  })());
  await Promise.all(threads);
  const failed = firstError();
  if (failed !== Infinity) throw errors.get(failed)!;
  return results as Float32Array[];
}

/** Runs one worker until no image is left; resolves when it has answered every image it took (or died). */
function workerThread(files: readonly ImageFile[], input: InputSpec, image: ImageOptions, take: () => number,
  results: (Float32Array | undefined)[], errors: Map<number, Error>): Promise<void> {
  return new Promise<void>((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(IMAGE_WORKER_FILE, { workerData: { input, image } satisfies ImageWorkerData });
    } catch {
      resolve();
      return;
    }
    // Not unref'd: while it decodes, this thread may have nothing else to wait on. Every path ends it (finish).
    let current = -1;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      void worker.terminate();
      resolve();
    };
    const ask = () => {
      current = take();
      if (current < 0) finish();
      else worker.postMessage({ i: current, ...files[current]! } satisfies ImageRequest);
    };
    worker.on('message', (m: ImageReply) => {
      if ('sample' in m) results[m.i] = m.sample;
      else errors.set(m.i, m.error.kind ? new DatasetError(m.error.kind, m.error.file ?? '', m.error.message) : new Error(m.error.message));
      ask();
    });
    // A worker gone mid-image gives that image back to this thread: it is decoded here, not lost.
    const lost = () => {
      if (done) return;
      const i = current;
      done = true;
      resolve(i >= 0 && results[i] === undefined && !errors.has(i)
        ? imageSample(files[i]!, input, image).then((s) => { results[i] = s; }, (e: unknown) => { errors.set(i, e as Error); })
        : undefined);
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    ask();
  });
}
