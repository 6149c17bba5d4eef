/**
 * Loading a folder of images (core/data/image-samples.ts): the folder loader as it runs (worker threads where they fit
 * in memory) against its anchor, the same files decoded in this thread alone, alternating, 3 runs each; wall and CPU
 * (every thread's) medians, and the samples compared byte for byte. Sets: 32 generated 2-megapixel JPEGs (always),
 * and the photos of TINYML_BENCH_IMAGES when set (e.g. Debian's opencv-doc examples, see quantize-target.bench.ts).
 * The input is ResNet-8's, 32×32 RGB: the decode is the work, the resize is nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as jpeg from 'jpeg-js';
import { mulberry32 as rng } from '../src/core/common/seeded-random';
import { loadDataset } from '../src/core/data/index';
import { imageSamples, imageWorkers } from '../src/core/data/image-samples';
import { IMAGE_EXTENSIONS, listSampleFiles } from '../src/core/data/sample-files';
import { report } from './harness';

const INPUT = { name: 'input_1', shape: [1, 32, 32, 3], type: 'FLOAT32' as const };
const RUNS = 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(fn: () => Promise<T>): Promise<{ wall: number; cpu: number; value: T }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000, value };
}

/** `count` JPEGs of w×h smooth noise (what a camera's photo compresses like, more or less). */
function writePhotos(dir: string, count: number, w: number, h: number): void {
  const r = rng(3);
  for (let k = 0; k < count; k++) {
    const px = Buffer.alloc(w * h * 4);
    const a = r() * 6, b = r() * 6;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = (y * w + x) * 4;
        px[i] = 128 + 100 * Math.sin(x / 40 + a);
        px[i + 1] = 128 + 100 * Math.sin(y / 30 + b);
        px[i + 2] = (x * y + k * 31) & 255;
        px[i + 3] = 255;
      }
    }
    fs.writeFileSync(path.join(dir, `photo${String(k).padStart(2, '0')}.jpg`), jpeg.encode({ data: px, width: w, height: h }, 90).data);
  }
}

async function measure(name: string, dir: string): Promise<void> {
  const files = (await listSampleFiles(dir, dir)).filter((f) => IMAGE_EXTENSIONS.includes(path.extname(f).toLowerCase()));
  const list = files.map((rel) => ({ file: path.join(dir, rel), shown: rel }));
  const loader: { wall: number; cpu: number }[] = [];
  const one: { wall: number; cpu: number }[] = [];
  let same = true;
  for (let r = 0; r < RUNS; r++) {
    const a = await timed(() => loadDataset(dir, [INPUT]));
    const b = await timed(async () => (await imageSamples(list, INPUT, {}, { workers: 0 })).samples);
    loader.push(a);
    one.push(b);
    same &&= a.value.dataset.samples.length === b.value.length
      && a.value.dataset.samples.every((s, i) => Buffer.from(s[0]!.buffer).equals(Buffer.from(b.value[i]!.buffer)));
  }
  const lw = median(loader.map((x) => x.wall)), ow = median(one.map((x) => x.wall));
  const lc = median(loader.map((x) => x.cpu)), oc = median(one.map((x) => x.cpu));
  report(`image folder load: ${name}`, `${(lw / 1000).toFixed(2)} s`,
    `one thread ${(ow / 1000).toFixed(2)} s wall (${(ow / lw).toFixed(2)}× as long); CPU ${(lc / 1000).toFixed(2)} vs ${(oc / 1000).toFixed(2)} s; `
    + `samples ${same ? 'identical' : 'DIFFER'}; ${files.length} files, ${os.availableParallelism()} cores, medians of ${RUNS} alternating runs`);
}

export async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyml-image-bench-'));
  try {
    writePhotos(dir, 32, 1600, 1200);
    console.log(`image load: workers for 32 images of 1.9 megapixels: ${imageWorkers(32, 1600 * 1200)}; of 12 megapixels: ${imageWorkers(32, 12e6)}`);
    await measure('32 generated JPEGs, 1600×1200', dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const photos = process.env['TINYML_BENCH_IMAGES'];
  if (photos && fs.existsSync(photos)) await measure(`photos of TINYML_BENCH_IMAGES`, photos);
  else report('image folder load: photos', 'skipped', 'TINYML_BENCH_IMAGES is not set to a folder of photos');
}
