import { rejectsWithDatasetError as rejects } from '../helpers/dataset-asserts';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { holdsImages, loadDataset, writeNpy, type InputSpec } from '../../src/core/data/index';
import { imageToSample, resizeBilinear } from '../../src/core/data/image-preprocess';
import { decodeWav } from '../../src/core/data/wav';
import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import { bmpBytes, jpegBytes, pattern, pngBytes, tempDir, wavBytes, write } from './data-writers';

const ROOT = path.resolve(__dirname, '../../..');
const TESTDATA = path.resolve(ROOT, '../shared/data/tflm-testdata');
const NO_TESTDATA = fs.existsSync(TESTDATA) ? false : 'needs ../shared/data/tflm-testdata';
const X = (shape: number[], name = 'x'): InputSpec => ({ name, shape, type: 'FLOAT32' });

test('images: PNG, BMP (8-bit palette, 24-bit, 32-bit top-down bit fields) decode to the same pixels, RGB in [0, 1]', async (t) => {
  const dir = tempDir(t);
  const px = pattern(4, 3);
  write(dir, 'a/0.png', pngBytes(4, 3, px));
  write(dir, 'a/1.bmp', bmpBytes(4, 3, px, 24));
  write(dir, 'a/2.bmp', bmpBytes(4, 3, px, 32));
  const { dataset } = await loadDataset(path.join(dir, 'a'), [X([1, 3, 4, 3])]);
  assert.equal(dataset.samples.length, 3);
  const expected = Array.from({ length: 12 }, (_, i) => [px[i * 4]! / 255, px[i * 4 + 1]! / 255, px[i * 4 + 2]! / 255]).flat();
  for (const s of dataset.samples) assert.deepEqual(Array.from(s[0]!), Array.from(Float32Array.from(expected)));
  // 8-bit grey palette: luma input.
  const grey = pattern(4, 3).map((v, i) => (i % 4 === 3 ? 255 : px[i - (i % 4)]!));
  write(dir, 'g/0.bmp', bmpBytes(4, 3, grey, 8));
  const g = await loadDataset(path.join(dir, 'g'), [X([1, 3, 4, 1])], { image: { range: [0, 255] } });
  assert.deepEqual(Array.from(g.dataset.samples[0]![0]!), Array.from({ length: 12 }, (_, i) => px[i * 4]!));
});

test('images: JPEG decodes close to its source; BGR order, mean/std and [-1, 1] normalization; NCHW layout', async (t) => {
  const dir = tempDir(t);
  const flatColour = new Uint8Array(8 * 8 * 4).map((_, i) => [200, 100, 50, 255][i % 4]!);
  write(dir, 'j/0.jpg', jpegBytes(8, 8, flatColour));
  const rgb = await loadDataset(path.join(dir, 'j'), [X([1, 8, 8, 3])], { image: { range: [0, 255] } });
  const first = Array.from(rgb.dataset.samples[0]![0]!.subarray(0, 3));
  [200, 100, 50].forEach((v, c) => assert.ok(Math.abs(first[c]! - v) <= 3, `jpeg channel ${c}: ${first[c]} vs ${v}`));
  write(dir, 'p/0.png', pngBytes(8, 8, flatColour));
  const p = (image: object, shape = [1, 8, 8, 3]) => loadDataset(path.join(dir, 'p'), [X(shape)], { image }).then((r) => Array.from(r.dataset.samples[0]![0]!));
  assert.deepEqual((await p({ channelOrder: 'bgr', range: [0, 255] })).slice(0, 3), [50, 100, 200]);
  assert.deepEqual((await p({ range: [-1, 1] })).slice(0, 3).map((v) => +v.toFixed(5)), [0.56863, -0.21569, -0.60784]);
  assert.deepEqual((await p({ mean: [100, 100, 50], std: [50, 2, 1] })).slice(0, 3), [2, 0, 0]);
  const nchw = await p({ range: [0, 255] }, [1, 3, 8, 8]);
  assert.deepEqual([nchw[0], nchw[64], nchw[128]], [200, 100, 50]);
  // Grey input from colour: BT.601 luma.
  assert.ok(Math.abs((await p({ range: [0, 255] }, [1, 8, 8, 1]))[0]! - (0.299 * 200 + 0.587 * 100 + 0.114 * 50)) < 1e-4);
  await rejects(p({ mean: [1, 2] }), 'mismatch', /image mean has 2 values; give 1 or 3/);
  await rejects(loadDataset(path.join(dir, 'p'), [X([1, 64])]), 'shape', /0\.png: input 'x' \[1, 64\] is not an image input/);
});

test('resizeBilinear matches TensorFlow.js resizeBilinear with half-pixel centres (up and down)', async () => {
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const src = Float32Array.from({ length: 5 * 7 * 2 }, (_, i) => Math.sin(i) * 100);
  for (const [oh, ow] of [[3, 4], [9, 11], [5, 7], [1, 1]] as const) {
    const ours = resizeBilinear(src, 5, 7, 2, oh, ow);
    const theirs = tf.tidy(() => tf.image.resizeBilinear(tf.tensor4d(src, [1, 5, 7, 2]), [oh, ow], false, true).dataSync());
    ours.forEach((v, i) => assert.ok(Math.abs(v - theirs[i]!) < 1e-3, `${oh}x${ow} [${i}]: ${v} vs ${theirs[i]}`));
  }
});

test('an image becomes the same sample as float channels resized by resizeBilinear, read straight from its bytes', () => {
  // The two-step path imageToSample replaced: every pixel to float32 channels (luma as PIL "L"), then resizeBilinear,
  // then the affine map. The samples must be identical bit for bit.
  const twoStep = (img: { width: number; height: number; rgba: Uint8Array }, shape: number[], channels: number, bgr: boolean, scale: number, offset: number, nchw: boolean) => {
    const n = img.width * img.height;
    const f = new Float32Array(n * channels);
    for (let i = 0; i < n; i++) {
      const [r, g, b, a] = [0, 1, 2, 3].map((k) => img.rgba[i * 4 + k]!) as [number, number, number, number];
      if (channels === 1) f[i] = r === g && g === b ? r : 0.299 * r + 0.587 * g + 0.114 * b;
      else [bgr ? b : r, g, bgr ? r : b, a].slice(0, channels).forEach((v, k) => { f[i * channels + k] = v; });
    }
    const [h, w] = nchw ? [shape[2]!, shape[3]!] : [shape[1]!, shape[2]!];
    const hwc = resizeBilinear(f, img.height, img.width, channels, h, w);
    const out = new Float32Array(h * w * channels);
    for (let i = 0; i < h * w; i++) for (let k = 0; k < channels; k++) out[nchw ? k * h * w + i : i * channels + k] = hwc[i * channels + k]! * scale + offset;
    return out;
  };
  const r = rng(21);
  const photo = { width: 37, height: 23, rgba: Uint8Array.from({ length: 37 * 23 * 4 }, () => Math.floor(r() * 256)) };
  const grey = { ...photo, rgba: photo.rgba.map((_, i) => photo.rgba[i - (i % 4)]!) };
  const cases: [typeof photo, number[], number, boolean, boolean][] = [
    [photo, [1, 8, 9, 3], 3, false, false], [photo, [1, 8, 9, 3], 3, true, false], [photo, [1, 50, 61, 3], 3, false, false],
    [photo, [1, 6, 5, 1], 1, false, false], [grey, [1, 6, 5, 1], 1, false, false], [photo, [1, 4, 7, 4], 4, false, false],
    [photo, [1, 3, 10, 12], 3, false, true], [photo, [1, 23, 37, 3], 3, false, false],
  ];
  for (const [img, shape, channels, bgr, nchw] of cases) {
    const got = imageToSample(img, { name: 'x', shape, type: 'FLOAT32' }, { range: [-1, 1], ...(bgr ? { channelOrder: 'bgr' as const } : {}), ...(nchw ? { layout: 'nchw' as const } : {}) }, 'p.png');
    const want = twoStep(img, shape, channels, bgr, 2 / 255, -1, nchw);
    assert.deepEqual(Buffer.from(got.buffer), Buffer.from(want.buffer), `${shape.join('x')} ${bgr ? 'bgr' : ''} ${nchw ? 'nchw' : ''}`);
  }
});

test('images: resized to the input H×W; class sub-folders are walked in sorted path order', async (t) => {
  const dir = tempDir(t);
  const px = pattern(4, 4);
  write(dir, 'set/cat/b.png', pngBytes(4, 4, px));
  write(dir, 'set/cat/a.png', pngBytes(4, 4, px.map((v, i) => (i % 4 === 3 ? 255 : 0))));
  write(dir, 'set/dog/a.bmp', bmpBytes(4, 4, px, 24));
  write(dir, 'set/labels.txt', 'ignored');
  const { dataset, warnings } = await loadDataset(path.join(dir, 'set'), [X([1, 2, 2, 3])], { displayRoot: dir });
  assert.equal(dataset.samples.length, 3);
  assert.equal(dataset.samples[0]![0]!.length, 12);
  assert.ok(dataset.samples[0]![0]!.every((v) => v === 0), 'cat/a.png (black) comes first');
  assert.deepEqual(Array.from(dataset.samples[1]![0]!), Array.from(dataset.samples[2]![0]!));
  assert.deepEqual(warnings, [], 'scaled down without distortion: nothing to say');
});

test('images: a resize that stretches or enlarges them is a warning naming an example', async (t) => {
  const dir = tempDir(t);
  write(dir, 'w/a.png', pngBytes(8, 6, pattern(8, 6)));
  write(dir, 'w/b.png', pngBytes(4, 4, pattern(4, 4)));
  write(dir, 'w/c.png', pngBytes(1, 1, pattern(1, 1)));
  const { dataset, warnings } = await loadDataset(path.join(dir, 'w'), [X([1, 2, 2, 3])], { displayRoot: dir });
  assert.equal(dataset.samples.length, 3, 'still read: a warning, not an error');
  assert.deepEqual(warnings, ['w: 1 of 3 images are not shaped like the input\'s 2×2 (e.g. w/a.png, 8×6): the resize to 2×2 stretches them; 1 of 3 are smaller than 2×2 '
    + '(e.g. w/c.png, 1×1): the resize enlarges them. If the model was trained on centre crops or letterboxed (padded) images, prepare the images that way first: calibration and accuracy are on the inputs as resized.']);
});

test('audio: PCM16 and float32 mono WAV, pad/crop or framing, int16 scale, rate checks', async (t) => {
  const dir = tempDir(t);
  const tone = Array.from({ length: 10 }, (_, i) => (i - 5) / 8);
  write(dir, 'w/a.wav', wavBytes(tone, 16000, 'pcm16'));
  write(dir, 'w/b.wav', wavBytes(tone.slice(0, 4), 16000, 'float32'));
  let r = await loadDataset(path.join(dir, 'w'), [X([1, 6])]);
  assert.deepEqual(Array.from(r.dataset.samples[0]![0]!), tone.slice(0, 6));
  assert.deepEqual(Array.from(r.dataset.samples[1]![0]!), [...tone.slice(0, 4), 0, 0]);
  assert.match(r.warnings.join('\n'), /: 1 of 2 clips are longer than the input's 6 samples \(e\.g\. .*a\.wav\) and were cut to their first 6; 1 of 2 are shorter \(e\.g\. .*b\.wav\) and were zero-padded\./);
  // Not a waveform input: an image, a single value.
  for (const shape of [[1, 4, 4, 3], [1, 1]]) {
    await rejects(loadDataset(path.join(dir, 'w'), [X(shape)], { displayRoot: dir }), 'shape', /^w: \.wav files feed a waveform input \(audio samples, e\.g\. \[1, 16000\] or frames \[1, 49, 320\]\); .* is not one\. Compute the features/);
  }
  // A rank-4 waveform (one axis longer than 1: a 1-D convolution written as CONV_2D) is one.
  for (const shape of [[1, 6, 1, 1], [1, 1, 6, 1]]) {
    assert.deepEqual(Array.from((await loadDataset(path.join(dir, 'w'), [X(shape)])).dataset.samples[0]![0]!), tone.slice(0, 6), shape.join('×'));
  }
  // Frames of the waveform, row-major: the same values as one long axis.
  const framed = await loadDataset(path.join(dir, 'w'), [X([1, 2, 3])]);
  assert.deepEqual(Array.from(framed.dataset.samples[0]![0]!), tone.slice(0, 6));
  r = await loadDataset(path.join(dir, 'w'), [X([1, 3])], { audio: { framing: 'frames', scale: 'int16', sampleRate: 16000 } });
  assert.equal(r.dataset.samples.length, 3 + 1);
  assert.deepEqual(Array.from(r.dataset.samples[1]![0]!), tone.slice(3, 6).map((v) => v * 32768));
  await rejects(loadDataset(path.join(dir, 'w'), [X([1, 6])], { displayRoot: dir, audio: { sampleRate: 8000 } }), 'mismatch',
    /^w\/a\.wav: sample rate 16000 Hz, the model expects 8000 Hz; resample the file \(we do not resample\)\.$/);
  write(dir, 'w/c.wav', wavBytes(tone, 8000, 'pcm16'));
  await rejects(loadDataset(path.join(dir, 'w'), [X([1, 6])], { displayRoot: dir }), 'mismatch', /^w\/c\.wav: sample rate 8000 Hz differs from w\/a\.wav \(16000 Hz\); use one rate for all files\.$/);
  write(dir, 's/st.wav', wavBytes(tone, 16000, 'pcm16', 2));
  await rejects(loadDataset(path.join(dir, 's'), [X([1, 6])], { displayRoot: dir }), 'unsupported', /^s\/st\.wav: 2 channels; audio inputs take mono WAV files/);
  write(dir, 'short/a.wav', wavBytes(tone.slice(0, 2), 16000, 'pcm16'));
  await rejects(loadDataset(path.join(dir, 'short'), [X([1, 6])], { displayRoot: dir, audio: { framing: 'frames' } }), 'shape', /^short\/a\.wav: 2 audio samples, shorter than one frame/);
  const eightBit = wavBytes(tone, 16000, 'pcm16');
  new DataView(eightBit.buffer).setUint16(34, 8, true);
  write(dir, 'b8/a.wav', eightBit);
  await rejects(loadDataset(path.join(dir, 'b8'), [X([1, 6])], { displayRoot: dir }), 'dtype', /^b8\/a\.wav: 8-bit PCM audio is not supported; save it as 16-bit PCM or 32-bit float WAV\.$/);
  write(dir, 'bad/a.wav', 'RIFF....not a wave');
  await rejects(loadDataset(path.join(dir, 'bad'), [X([1, 6])], { displayRoot: dir }), 'format', /^bad\/a\.wav: not a readable WAV file \(no RIFF\/WAVE header\)\. Re-save it, or move it out of the calibration data\.$/);
});

test('decodeWav mixDown: interleaved stereo becomes the mean of its channels; without it the file is refused', () => {
  const interleaved = [0.5, -0.25, 0.125, 0.375, -1, 0];
  const bytes = wavBytes(interleaved, 16000, 'pcm16', 2);
  const mixed = decodeWav(bytes, 'st.wav', { mixDown: true });
  assert.equal(mixed.sampleRate, 16000);
  assert.deepEqual(Array.from(mixed.samples), [0.125, 0.25, -0.5]);
  assert.throws(() => decodeWav(bytes, 'st.wav'), /st\.wav: 2 channels; audio inputs take mono WAV files/);
});

test('folders of .npy (one sample each), several inputs by sub-folder, and folder errors', async (t) => {
  const dir = tempDir(t);
  write(dir, 'n/s0.npy', writeNpy([1, 4], Float32Array.of(1, 2, 3, 4)));
  write(dir, 'n/s1.npy', writeNpy([4], Float32Array.of(5, 6, 7, 8)));
  const r = await loadDataset(path.join(dir, 'n'), [X([1, 4])]);
  assert.deepEqual(r.dataset.samples.map((s) => Array.from(s[0]!)), [[1, 2, 3, 4], [5, 6, 7, 8]]);
  write(dir, 'bad/s0.npy', writeNpy([2, 4], new Float32Array(8)));
  await rejects(loadDataset(path.join(dir, 'bad'), [X([1, 4])], { displayRoot: dir }), 'shape', /^bad\/s0\.npy: shape \[2, 4\] does not fit input 'x' \[1, 4\]: a one-sample file must have shape \[1, 4\] or \[4\]\.$/);
  // Two inputs: sub-folders named after them, paired in sorted order.
  write(dir, 'multi/spectrum/a.npy', writeNpy([2], Float32Array.of(1, 2)));
  write(dir, 'multi/spectrum/b.npy', writeNpy([2], Float32Array.of(3, 4)));
  write(dir, 'multi/temperature/a.npy', writeNpy([1], Float32Array.of(20)));
  write(dir, 'multi/temperature/b.npy', writeNpy([1], Float32Array.of(21)));
  const inputs = [X([1, 1], 'serving_default_temperature:0'), X([1, 2], 'spectrum')];
  const m = await loadDataset(path.join(dir, 'multi'), inputs);
  assert.deepEqual(m.dataset.samples.map((s) => s.map((a) => Array.from(a))), [[[20], [1, 2]], [[21], [3, 4]]]);
  fs.rmSync(path.join(dir, 'multi/temperature/b.npy'));
  await rejects(loadDataset(path.join(dir, 'multi'), inputs, { displayRoot: dir }), 'mismatch', /^multi: the inputs have different sample counts: 'serving_default_temperature:0' 1 \(multi\/temperature\), 'spectrum' 2 \(multi\/spectrum\)/);
  write(dir, 'mixed/a.png', pngBytes(2, 2, pattern(2, 2)));
  write(dir, 'mixed/b.wav', wavBytes([0, 0], 16000, 'pcm16'));
  await rejects(loadDataset(path.join(dir, 'mixed'), [X([1, 2, 2, 3])], { displayRoot: dir }), 'mismatch', /^mixed: mixes 1 image file, 1 \.wav file; keep one kind of sample file per folder\.$/);
  fs.mkdirSync(path.join(dir, 'none'));
  write(dir, 'none/readme.md', '#');
  await rejects(loadDataset(path.join(dir, 'none'), [X([1, 4])], { displayRoot: dir }), 'empty', /^none: no sample files in the folder \(looked for \.png, \.jpg, \.jpeg, \.bmp, \.wav and \.npy/);
  write(dir, 'broken/a.png', 'not a png');
  await rejects(loadDataset(path.join(dir, 'broken'), [X([1, 2, 2, 3])], { displayRoot: dir }), 'format', /^broken\/a\.png: not a readable PNG image/);
  const rle = bmpBytes(2, 2, pattern(2, 2), 24);
  new DataView(rle.buffer).setUint32(30, 1, true);
  write(dir, 'rle/a.bmp', rle);
  await rejects(loadDataset(path.join(dir, 'rle'), [X([1, 2, 2, 3])], { displayRoot: dir }), 'unsupported', /^rle\/a\.bmp: compressed BMP \(compression 1\) is not supported/);
});

test('folders with more files than maxSamples are thinned before decoding, with a warning', async (t) => {
  const dir = tempDir(t);
  for (let i = 0; i < 6; i++) write(dir, `f/${i}.npy`, writeNpy([1], Float32Array.of(i)));
  const r = await loadDataset(path.join(dir, 'f'), [X([1, 1])], { displayRoot: dir, maxSamples: 3 });
  assert.deepEqual(r.dataset.samples.map((s) => s[0]![0]), [0, 2, 4]);
  assert.deepEqual(r.warnings, ['f: 6 files; using 3 spread evenly over them (raise maxSamples to use more).']);
});

test('real TFLM test data: person.bmp (96×96 grey, 8-bit palette) and yes_1000ms.wav (16 kHz PCM16)', { skip: NO_TESTDATA }, async (t) => {
  const dir = tempDir(t);
  fs.copyFileSync(path.join(TESTDATA, 'person.bmp'), path.join(dir, 'person.bmp'));
  const img = await loadDataset(dir, [X([1, 96, 96, 1])], { image: { range: [0, 255] } });
  const pixels = img.dataset.samples[0]![0]!;
  assert.equal(pixels.length, 96 * 96);
  // The file is bottom-up with an identity grey palette: row 0 of the image is the last row in the file.
  const bytes = fs.readFileSync(path.join(TESTDATA, 'person.bmp'));
  const offset = bytes.readUInt32LE(10);
  assert.deepEqual(Array.from(pixels.subarray(0, 96)), Array.from(bytes.subarray(offset + 95 * 96, offset + 96 * 96)));
  assert.deepEqual(Array.from(pixels.subarray(95 * 96)), Array.from(bytes.subarray(offset, offset + 96)));
  const rgb = await loadDataset(dir, [X([1, 32, 32, 3])]);
  assert.equal(rgb.dataset.samples[0]![0]!.length, 32 * 32 * 3);
  assert.ok(rgb.dataset.samples[0]![0]!.every((v) => v >= 0 && v <= 1));

  const wavDir = tempDir(t);
  fs.copyFileSync(path.join(TESTDATA, 'yes_1000ms.wav'), path.join(wavDir, 'yes.wav'));
  const audio = await loadDataset(wavDir, [X([1, 16000])], { audio: { sampleRate: 16000, scale: 'int16' } });
  const wav = fs.readFileSync(path.join(TESTDATA, 'yes_1000ms.wav'));
  const s = audio.dataset.samples[0]![0]!;
  assert.equal(s.length, 16000);
  assert.deepEqual(Array.from(s.subarray(0, 8)), Array.from({ length: 8 }, (_, i) => wav.readInt16LE(44 + i * 2)));
  const frames = await loadDataset(wavDir, [X([1, 480])], { audio: { framing: 'frames' } });
  assert.equal(frames.dataset.samples.length, Math.floor(16000 / 480));
});

test('a folder of images says so (holdsImages) and its dataset records how the pixels became inputs, the default too', async (t) => {
  const dir = tempDir(t);
  write(dir, 'img/cat/0.png', pngBytes(4, 3, pattern(4, 3)));
  write(dir, 'img/dog/1.png', pngBytes(4, 3, pattern(4, 3)));
  fs.mkdirSync(path.join(dir, 'arr'));
  fs.writeFileSync(path.join(dir, 'arr', '0.npy'), writeNpy([1, 3, 4, 3], new Float32Array(36)));
  assert.equal(await holdsImages(path.join(dir, 'img')), true);
  assert.equal(await holdsImages(path.join(dir, 'arr')), false, 'a folder of arrays');
  assert.equal(await holdsImages(path.join(dir, 'arr', '0.npy')), false, 'a file');
  assert.equal(await holdsImages(path.join(dir, 'missing')), false, 'nothing there');
  assert.deepEqual((await loadDataset(path.join(dir, 'img'), [X([1, 3, 4, 3])])).dataset.image, {});
  assert.deepEqual((await loadDataset(path.join(dir, 'img'), [X([1, 3, 4, 3])], { image: { range: [-1, 1] } })).dataset.image, { range: [-1, 1] });
  assert.equal((await loadDataset(path.join(dir, 'arr'), [X([1, 3, 4, 3])], { image: { range: [-1, 1] } })).dataset.image, undefined, 'arrays are not images');
});
