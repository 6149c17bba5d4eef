import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { loadDataset, readNpy } from '../../src/core/data/index';
import { quantizeModel } from '../../src/core/quantize/index';
import { loadRuntimeModel } from '../../src/core/runtime/index';
import { reconstructionErrors, rocAuc } from '../../src/core/samples/anomaly-metrics';
import { buildSensorAnomalyModel, SENSOR_BINS } from '../../src/core/samples/sensor-anomaly-model';
import { buildTrainedSensorSample, SENSOR_SAMPLE_FILES, type TrainedSensorSample } from '../../src/core/samples/trained-sensor-sample';
import { generateSpectra } from '../../src/core/samples/vibration-spectra';
import { loadModel, readModel, writeModel } from '../../src/core/tflite/index';
import { tempDir } from '../helpers/temp-dir';

let dir: string;
let sample: TrainedSensorSample;
let buildMs: number;

before(async () => {
  dir = tempDir('tinyml-sample-');
  const t = Date.now();
  sample = await buildTrainedSensorSample(dir);
  buildMs = Date.now() - t;
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function rows(file: string): Float32Array[] {
  const { shape, data } = readNpy(new Uint8Array(fs.readFileSync(file)), file);
  assert.equal(shape.length, 2);
  assert.equal(shape[1], SENSOR_BINS);
  return Array.from({ length: shape[0]! }, (_, i) => data.slice(i * SENSOR_BINS, (i + 1) * SENSOR_BINS));
}

test('the trained sample writes a valid float model and its .npy sets', (t) => {
  const { model, warnings } = loadModel(new Uint8Array(fs.readFileSync(sample.modelPath)));
  assert.deepEqual(warnings, []);
  assert.deepEqual(sample.inputShape, [1, SENSOR_BINS]);
  assert.equal(model.subgraphs[0]!.tensors[model.subgraphs[0]!.inputs[0]!]!.name, sample.inputName);
  assert.equal(rows(sample.calibrationPath).length, 300);
  assert.equal(rows(sample.heldOutPath).length, 200);
  assert.equal(rows(sample.anomalyPath).length, 150);
  assert.ok(sample.finalLoss < 0.01, `final training loss ${sample.finalLoss}`);
  assert.ok(sample.tfjsAuc > 0.9, `tfjs AUC ${sample.tfjsAuc}`);
  // Time is a bench figure, not a test bound (about 4 s on 2 cores alone): printed in the test log only.
  t.diagnostic(`sample build ${buildMs} ms, training ${sample.trainMs} ms, final loss ${sample.finalLoss.toFixed(5)}, tfjs AUC ${sample.tfjsAuc.toFixed(4)}`);
});

test('the trained weights land in the model: same graph as the untrained seeded build, different weights', () => {
  const trained = readModel(new Uint8Array(fs.readFileSync(sample.modelPath)));
  const untrained = readModel(writeModel(buildSensorAnomalyModel()));
  const ops = (m: typeof trained) => m.subgraphs[0]!.operators.map((o) => [o.opcodeIndex, o.inputs, o.outputs]);
  assert.deepEqual(ops(trained), ops(untrained));
  // Kernels (2-D constants) all differ; the untrained biases are zeros, the trained ones are not.
  const constants = (m: typeof trained) => m.subgraphs[0]!.tensors.filter((t) => t.buffer > 0).map((t) => ({ rank: t.shape.length, data: m.buffers[t.buffer]!.data }));
  const a = constants(trained), b = constants(untrained);
  assert.equal(a.length, 8);
  a.forEach((c, i) => assert.notDeepEqual(c.data, b[i]!.data, `constant ${i} (rank ${c.rank}) still holds the untrained values`));
});

test('LiteRT runs the .tflite with the same outputs as TensorFlow.js (within 1e-5) and it separates anomalies (AUC > 0.9)', async () => {
  const m = await loadRuntimeModel(new Uint8Array(fs.readFileSync(sample.modelPath)), { name: SENSOR_SAMPLE_FILES.model });
  try {
    const heldOut = rows(sample.heldOutPath);
    const anomalies = rows(sample.anomalyPath);
    const run = (x: Float32Array) => m.run([x])[0] as Float32Array;
    const heldOutOut = heldOut.map(run);
    let maxDiff = 0;
    heldOutOut.forEach((y, i) => y.forEach((v, j) => { maxDiff = Math.max(maxDiff, Math.abs(v - sample.tfjsHeldOutOutputs[i]![j]!)); }));
    assert.ok(maxDiff <= 1e-5, `max |LiteRT - tfjs| = ${maxDiff}`);
    const auc = rocAuc(reconstructionErrors(heldOut, heldOutOut), reconstructionErrors(anomalies, anomalies.map(run)));
    assert.ok(auc > 0.9, `LiteRT AUC ${auc}`);
    assert.ok(Math.abs(auc - sample.tfjsAuc) < 1e-3, `LiteRT AUC ${auc} vs tfjs ${sample.tfjsAuc}`);
  } finally {
    m.dispose();
  }
});

test('two builds give identical bytes (seeded data, init and batch order)', async () => {
  const dir2 = tempDir('tinyml-sample-');
  try {
    const again = await buildTrainedSensorSample(dir2);
    for (const name of Object.values(SENSOR_SAMPLE_FILES)) assert.equal(sha(path.join(dir2, name)), sha(path.join(dir, name)), name);
    assert.equal(again.tfjsAuc, sample.tfjsAuc);
  } finally {
    fs.rmSync(dir2, { recursive: true, force: true });
  }
});

test('the calibration .npy loads through loadDataset for the model input', async () => {
  const { dataset, warnings } = await loadDataset(sample.calibrationPath, [{ name: sample.inputName, shape: sample.inputShape, type: 'FLOAT32' }]);
  assert.equal(dataset.samples.length, 300);
  assert.deepEqual(warnings, []);
  assert.deepEqual(Array.from(dataset.samples[5]![0]!), Array.from(rows(sample.calibrationPath)[5]!));
});

test('synthetic spectra: healthy windows peak at the rotation harmonics; anomalous ones carry extra energy', () => {
  const normal = generateSpectra(60, 'normal', 5);
  const anomalous = generateSpectra(60, 'anomalous', 5);
  const mean = (xs: Float32Array[], from: number, to: number) => xs.reduce((s, x) => s + x.slice(from, to).reduce((a, v) => a + v, 0) / (to - from), 0) / xs.length;
  for (const x of normal) {
    assert.equal(x.length, SENSOR_BINS);
    assert.ok(x.every((v) => Number.isFinite(v) && v > -0.1 && v < 1.2));
  }
  // Broadband anomalies (every third) raise the upper half of the band.
  const broadband = anomalous.filter((_, i) => i % 3 === 1);
  assert.ok(mean(broadband, 32, 64) > mean(normal, 32, 64) + 0.2);
  assert.deepEqual(generateSpectra(3, 'normal', 9), generateSpectra(3, 'normal', 9));
});

test('the demo chain: the sample quantized to int8 with its calibration set still separates anomalies on LiteRT', async () => {
  const inputs = [{ name: sample.inputName, shape: sample.inputShape, type: 'FLOAT32' }];
  const { dataset } = await loadDataset(sample.calibrationPath, inputs);
  const q = await quantizeModel(readModel(new Uint8Array(fs.readFileSync(sample.modelPath))), dataset, { io: 'float' });
  // The recommended recipe picks per-channel FULLY_CONNECTED here (+6 dB), whose scale and int64 zero point per output
  // channel cost a few hundred bytes on this small model.
  assert.ok(q.bytes.length < sample.modelBytes * 0.55, `int8 ${q.bytes.length} bytes vs float ${sample.modelBytes}`);
  const m = await loadRuntimeModel(q.bytes, { name: 'sensor_anomaly_int8.tflite' });
  try {
    const heldOut = rows(sample.heldOutPath);
    const anomalies = rows(sample.anomalyPath);
    const run = (x: Float32Array) => m.run([x])[0] as Float32Array;
    const auc = rocAuc(reconstructionErrors(heldOut, heldOut.map(run)), reconstructionErrors(anomalies, anomalies.map(run)));
    assert.ok(auc > 0.9, `int8 AUC ${auc}`);
  } finally {
    m.dispose();
  }
});
