/** A folder of images decoded on several cores: the same samples, order and first error as one by one. */
import { rejectsWithDatasetError as rejects } from '../helpers/dataset-asserts';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import { DatasetError, loadDataset } from '../../src/core/data/index';
import { IMAGE_WORKER_FILE, imageSamples, imageWorkers, type ImageReply, type ImageRequest, type ImageWorkerData } from '../../src/core/data/image-samples';
import { PROJECT_ROOT } from '../helpers/paths';
import { bmpBytes, jpegBytes, pngBytes, tempDir, write } from './data-writers';

const input = { name: 'x', shape: [1, 6, 5, 3], type: 'FLOAT32' as const };

/** `n` images of random pixels and sizes, PNG, JPEG and BMP in turn; their files in sorted order. */
function folder(dir: string, n: number): { file: string; shown: string }[] {
  const r = rng(17);
  return Array.from({ length: n }, (_, i) => {
    const w = 5 + Math.floor(r() * 20), h = 4 + Math.floor(r() * 20);
    const px = Uint8Array.from({ length: w * h * 4 }, () => Math.floor(r() * 256));
    const name = `img${String(i).padStart(3, '0')}.${['png', 'jpg', 'bmp'][i % 3]}`;
    const bytes = i % 3 === 0 ? pngBytes(w, h, px) : i % 3 === 1 ? jpegBytes(w, h, px) : bmpBytes(w, h, px, 24);
    return { file: write(dir, `set/${name}`, bytes), shown: `set/${name}` };
  });
}

test('the worker decodes what it is sent: the sample this thread makes, or the DatasetError with its kind', async (t) => {
  const dir = tempDir(t);
  const files = folder(dir, 2);
  write(dir, 'set/bad.png', 'not a png');
  const { samples: here } = await imageSamples(files, input, { range: [-1, 1] }, { workers: 0 });
  const worker = new Worker(IMAGE_WORKER_FILE, { workerData: { input, image: { range: [-1, 1] } } satisfies ImageWorkerData });
  t.after(() => worker.terminate());
  const replies: ImageReply[] = [];
  await new Promise<void>((resolve) => {
    worker.on('message', (m: ImageReply) => { replies.push(m); if (replies.length === 3) resolve(); });
    [...files, { file: path.join(dir, 'set/bad.png'), shown: 'set/bad.png' }].forEach((f, i) => worker.postMessage({ i, ...f } satisfies ImageRequest));
  });
  replies.sort((a, b) => a.i - b.i);
  for (const k of [0, 1]) {
    const m = replies[k]!;
    assert.ok('sample' in m, JSON.stringify(m));
    assert.deepEqual(Buffer.from(m.sample.buffer), Buffer.from(here[k]!.buffer));
  }
  const bad = replies[2]!;
  assert.ok('error' in bad && 'kind' in bad.error, JSON.stringify(bad));
  assert.equal(bad.error.kind, 'format');
  assert.equal(bad.error.fix, 'Re-save it, or move it out of the calibration data.');
  assert.equal(bad.error.file, 'set/bad.png');
  assert.match(bad.error.message, /^set\/bad\.png: not a readable PNG image .*Re-save it/);
});

test('several threads give the samples of one thread, in file order; the folder loader uses them', async (t) => {
  const dir = tempDir(t);
  const files = folder(dir, 40);
  const { samples: one } = await imageSamples(files, input, {}, { workers: 0 });
  for (const opts of [{ workers: 1 }, { workers: 3 }, { workers: 2, decodeHere: false }]) {
    const { samples: many } = await imageSamples(files, input, {}, opts);
    const workers = JSON.stringify(opts);
    assert.equal(many.length, 40);
    for (let i = 0; i < 40; i++) assert.deepEqual(Buffer.from(many[i]!.buffer), Buffer.from(one[i]!.buffer), `${workers} workers, image ${i}`);
  }
  const { dataset } = await loadDataset(path.join(dir, 'set'), [input], { displayRoot: dir });
  dataset.samples.forEach((s, i) => assert.deepEqual(Buffer.from(s[0]!.buffer), Buffer.from(one[i]!.buffer), `loadDataset image ${i}`));
});

test('the first failing file in order is the error, however the threads share the files', async (t) => {
  const dir = tempDir(t);
  const files = folder(dir, 30);
  write(dir, 'set/img006.png', 'truncated');
  write(dir, 'set/img019.jpg', '');
  for (const opts of [{ workers: 0 }, { workers: 1 }, { workers: 3 }, { workers: 2, decodeHere: false }]) {
    await rejects(imageSamples(files, input, {}, opts), 'format', /^set\/img006\.png: not a readable PNG image/);
  }
  await rejects(loadDataset(path.join(dir, 'set'), [input], { displayRoot: dir }), 'format', /^set\/img006\.png: not a readable PNG image/);
  write(dir, 'set/img006.png', pngBytes(2, 2, new Uint8Array(16)));
  await rejects(imageSamples(files, input, {}, { workers: 3 }), 'empty', /^set\/img019\.jpg: the file is empty\.$/);
  // Only the workers decode (after the first image): the error comes back from a worker with its kind, and the lowest
  // failing index wins over a later one a worker may have answered first.
  write(dir, 'set/img012.png', 'broken too');
  write(dir, 'set/img013.jpg', 'and this one');
  await rejects(imageSamples(files, input, {}, { workers: 2, decodeHere: false }), 'format', /^set\/img012\.png: not a readable PNG image/);
  // …with the loader's fix, once: VS Code adds none of its own when the error carries one.
  const fromWorker = await imageSamples(files, input, {}, { workers: 2, decodeHere: false }).then(() => undefined, (e: unknown) => e as DatasetError);
  assert.equal(fromWorker?.fix, 'Re-save it, or move it out of the calibration data.');
  assert.equal(fromWorker?.message.split('Re-save it').length, 2, fromWorker?.message);
});

test('a worker that dies or cannot start loses no image: the caller decodes what it held', async (t) => {
  const dir = tempDir(t);
  const files = folder(dir, 20);
  const { samples: one } = await imageSamples(files, input, {}, { workers: 0 });
  for (const name of ['image-worker-exits.js', 'image-worker-broken.js']) {
    const workerFile = path.join(PROJECT_ROOT, 'test', 'fixtures', 'workers', name);
    for (const decodeHere of [true, false]) {
      const { samples: got, sizes } = await imageSamples(files, input, {}, { workers: 2, workerFile, decodeHere });
      assert.equal(got.length, 20);
      assert.ok(sizes.every((z) => z.width > 0 && z.height > 0), 'every image\'s size, also of those the worker lost');
      for (let i = 0; i < 20; i++) {
        assert.ok(got[i] instanceof Float32Array, `${name}, decodeHere ${decodeHere}: image ${i} missing`);
        assert.deepEqual(Buffer.from(got[i]!.buffer), Buffer.from(one[i]!.buffer), `${name}, decodeHere ${decodeHere}, image ${i}`);
      }
    }
  }
});

test('worker threads: none for a few images or one core, at most three, one per 8 images, as many as 768 MiB holds', () => {
  const mp = 1e6;
  assert.equal(imageWorkers(7, mp, 8, 16e9), 0);
  assert.equal(imageWorkers(200, mp, 1, 16e9), 0);
  assert.equal(imageWorkers(16, mp, 8, 16e9), 2);
  assert.equal(imageWorkers(200, mp, 2, 16e9), 1);
  assert.equal(imageWorkers(200, mp, 16, 16e9), 3);
  // 8-megapixel photos: 320 MB a thread, two threads in the budget; 12 megapixels (480 MB) or 1 GB free: this thread alone.
  assert.equal(imageWorkers(200, 8 * mp, 16, 16e9), 1);
  assert.equal(imageWorkers(200, 12 * mp, 16, 16e9), 0);
  assert.equal(imageWorkers(200, 8 * mp, 16, 1e9), 0);
});
