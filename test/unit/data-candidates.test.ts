import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { findDatasetCandidates, writeNpy, type InputSpec } from '../../src/core/data/index';
import { npyBytes, pattern, pngBytes, tempDir, wavBytes, write, zipBytes } from './data-writers';

const X = (shape: number[], name = 'x'): InputSpec => ({ name, shape, type: 'FLOAT32' });

test('candidates: fitting files first (calibration names ahead), non-fitting ones last, config JSON and build folders skipped', async (t) => {
  const dir = tempDir(t);
  write(dir, 'data/calibration.npy', writeNpy([200, 640], new Float32Array(200 * 640)));
  write(dir, 'data/other.npy', writeNpy([10, 32], new Float32Array(320)));
  write(dir, 'train.csv', `${Array.from({ length: 640 }, (_, i) => i).join(',')}\n`);
  write(dir, 'x.npz', zipBytes([{ name: 'x.npy', data: writeNpy([3, 640], new Float32Array(1920)) }], true));
  write(dir, 'package.json', '{"name": "firmware", "version": "1.0.0"}');
  write(dir, 'node_modules/pkg/data.npy', writeNpy([5, 640], new Float32Array(3200)));
  write(dir, 'build/calib.npy', writeNpy([5, 640], new Float32Array(3200)));
  write(dir, '.git/calib.npy', writeNpy([5, 640], new Float32Array(3200)));
  write(dir, 'broken.npy', 'nope');
  const found = await findDatasetCandidates(dir, [X([1, 640])]);
  const rel = found.map((c) => c.relativePath);
  assert.deepEqual(rel.slice(0, 3), ['data/calibration.npy', 'train.csv', 'x.npz']);
  assert.deepEqual(new Set(rel.slice(3)), new Set(['data/other.npy', 'broken.npy']));
  const first = found[0]!;
  assert.equal(first.kind, 'npy');
  assert.equal(first.fits, true);
  assert.equal(first.detail, 'npy [200, 640] float32: 200 samples');
  assert.equal(first.path, path.join(dir, 'data/calibration.npy'));
  assert.equal(found.find((c) => c.relativePath === 'data/other.npy')!.detail, 'npy [10, 32] float32: does not fit [1, 640]');
  assert.equal(found.find((c) => c.relativePath === 'broken.npy')!.fits, false);
});

test('candidates: image folders (flat or one sub-folder per class) for image inputs, wav folders, npy folders', async (t) => {
  const dir = tempDir(t);
  for (const cls of ['cat', 'dog']) for (let i = 0; i < 2; i++) write(dir, `images/${cls}/${i}.png`, pngBytes(2, 2, pattern(2, 2)));
  write(dir, 'flat/a.png', pngBytes(2, 2, pattern(2, 2)));
  write(dir, 'audio/a.wav', wavBytes([0, 0.1], 16000, 'pcm16'));
  write(dir, 'vecs/a.npy', npyBytes('<f4', [96, 96, 3], new Float32Array(96 * 96 * 3)));
  const img = await findDatasetCandidates(dir, [X([1, 96, 96, 3])]);
  const byPath = new Map(img.map((c) => [c.relativePath, c]));
  assert.equal(byPath.get('images')!.kind, 'image-folder');
  assert.equal(byPath.get('images')!.fits, true);
  assert.equal(byPath.get('images')!.detail, '4 files in 2 sub-folders of images, resized to 96×96×3');
  assert.equal(byPath.get('flat')!.fits, true);
  assert.equal(byPath.get('vecs')!.kind, 'npy-folder');
  assert.equal(byPath.get('vecs')!.fits, true);
  assert.equal(byPath.get('audio')!.fits, false);
  assert.equal(byPath.has('images/cat'), true);
  assert.ok(img.findIndex((c) => c.relativePath === 'audio') > img.findIndex((c) => c.relativePath === 'images'));
  const audio = await findDatasetCandidates(dir, [X([1, 16000])]);
  assert.equal(audio.find((c) => c.relativePath === 'audio')!.kind, 'audio-folder');
  assert.equal(audio.find((c) => c.relativePath === 'images')!.fits, false);
  // a waveform wrapped in unit axes (a 1-D convolution written as CONV_2D) is one signal too, as the loader reads it
  const wrapped = await findDatasetCandidates(dir, [X([1, 16000, 1, 1])]);
  assert.notEqual(wrapped.find((c) => c.relativePath === 'audio')!.fits, false);
});

test('candidates: several inputs find the folder with one sub-folder per input; the scan is bounded', async (t) => {
  const dir = tempDir(t);
  write(dir, 'multi/spectrum/a.npy', writeNpy([2], new Float32Array(2)));
  write(dir, 'multi/temperature/a.npy', writeNpy([1], new Float32Array(1)));
  const found = await findDatasetCandidates(dir, [X([1, 2], 'spectrum'), X([1, 1], 'temperature')]);
  assert.equal(found[0]!.relativePath, 'multi');
  assert.equal(found[0]!.kind, 'input-folders');
  write(dir, 'a/b/c/d/e/f/deep.npy', writeNpy([3, 2], new Float32Array(6)));
  const shallow = await findDatasetCandidates(dir, [X([1, 2], 'spectrum')], { maxDepth: 3 });
  assert.ok(!shallow.some((c) => c.relativePath.endsWith('deep.npy')));
  const deep = await findDatasetCandidates(dir, [X([1, 2], 'spectrum')], { maxDepth: 8 });
  assert.ok(deep.some((c) => c.relativePath === 'a/b/c/d/e/f/deep.npy'));
  const capped = await findDatasetCandidates(dir, [X([1, 2], 'spectrum')], { maxDepth: 8, maxEntries: 2 });
  assert.ok(capped.length < deep.length);
});
