/**
 * The Quantize Model command's worker: prepare (model check, dataset candidates) and quantize jobs run in a real
 * worker thread (the transpiled quantize-worker.js), with progress, Cancel through the engine's signal, typed errors
 * and the host thread's longest stall while LiteRT calibrates.
 */
import { buildSlowCalibrationConvModel } from '../helpers/sample-models';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { test } from 'node:test';
import { seededRandom, writeNpy } from '../../src/core/data/index';
import { buildSensorAnomalyModel, SENSOR_BINS } from '../../src/core/samples/sensor-anomaly-model';
import { BuiltinOperator, ModelBuilder, readModel, TensorType, writeModel } from '../../src/core/tflite/index';
import { WorkerCancelled, WorkerJobError } from '../../src/extension/common/worker-errors';
import { runQuantizeWorker } from '../../src/extension/quantize/worker-client';
import { tempDir } from '../helpers/temp-dir';

function spectra(n: number, seed: number): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n * SENSOR_BINS }, (_, i) => Math.exp(-((i % SENSOR_BINS) / 16)) * (0.5 + r()));
}

function workspace(samples = 200): string {
  const dir = tempDir('tinyml-qworker-');
  fs.writeFileSync(path.join(dir, 'sensor.tflite'), writeModel(buildSensorAnomalyModel()));
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data', 'calibration.npy'), writeNpy([samples, SENSOR_BINS], spectra(samples, 3)));
  fs.writeFileSync(path.join(dir, 'data', 'other.npy'), writeNpy([10, 7], new Float32Array(70)));
  return dir;
}

test('prepare: input specs and ranked candidates; the fitting .npy first', async () => {
  const dir = workspace();
  const r = await runQuantizeWorker({ kind: 'prepare', model: path.join(dir, 'sensor.tflite'), folders: [dir] });
  assert.deepEqual(r.inputs, [{ name: 'spectrum', shape: [1, SENSOR_BINS], type: 'FLOAT32' }]);
  assert.equal(r.notQuantizable, undefined);
  assert.equal(r.candidates[0]!.relativePath, 'data/calibration.npy');
  assert.equal(r.candidates[0]!.fits, true);
  assert.equal(r.candidates[0]!.folder, path.basename(dir));
  const other = r.candidates.find((c) => c.relativePath === 'data/other.npy');
  assert.equal(other?.fits, false);
  assert.deepEqual(r.blocked, {});
});

test('prepare names what stops int8 and int16x8 before any data is asked for: a custom operator, with whether --keep-float helps', async () => {
  const dir = workspace();
  const b = new ModelBuilder({ seed: 4 });
  const x = b.input('features', [1, 6]);
  b.output(b.op(BuiltinOperator.EXP, [b.fullyConnected(x, 4)], [[1, 4]])[0]!);
  const built = b.build();
  fs.writeFileSync(path.join(dir, 'exp.tflite'), writeModel(built));
  const custom = { ...built, operatorCodes: built.operatorCodes.map((c) => (c.builtinCode === BuiltinOperator.EXP ? { ...c, builtinCode: BuiltinOperator.CUSTOM, deprecatedBuiltinCode: BuiltinOperator.CUSTOM, customCode: 'Convolution2DTransposeBias' } : c)) };
  fs.writeFileSync(path.join(dir, 'seg.tflite'), writeModel(custom));
  const seg = await runQuantizeWorker({ kind: 'prepare', model: path.join(dir, 'seg.tflite'), folders: [] });
  assert.equal(seg.blocked.int8?.kind, 'unsupported-op');
  assert.match(seg.blocked.int8!.message, /^seg\.tflite cannot be quantized: custom operator\(s\) CUSTOM:Convolution2DTransposeBias #1 .*TRANSPOSE_CONV/);
  assert.equal(seg.blocked.int8!.keepFloatHelps, false);
  const exp = await runQuantizeWorker({ kind: 'prepare', model: path.join(dir, 'exp.tflite'), folders: [], kernels: 'cmsis-nn' });
  assert.match(exp.blocked.int8!.message, /EXP #1\. Keep them in float/);
  assert.equal(exp.blocked.int8!.keepFloatHelps, true);
  assert.equal(exp.blocked.int16x8!.keepFloatHelps, true);
});

test('quantize int8: the bytes load with an INT8 input, report with held-out accuracy; progress stages reach the end', async () => {
  const dir = workspace();
  const stages = new Map<string, number>();
  const r = await runQuantizeWorker(
    { kind: 'quantize', model: path.join(dir, 'sensor.tflite'), data: path.join(dir, 'data', 'calibration.npy'), displayRoot: dir, mode: 'int8', io: 'int8', calibration: 'minmax' },
    { onProgress: (done, total, stage) => stages.set(stage, Math.max(stages.get(stage) ?? 0, done / total)) },
  );
  const sg = readModel(r.bytes).subgraphs[0]!;
  assert.equal(sg.tensors[sg.inputs[0]!]!.type, TensorType.INT8);
  assert.equal(r.report.mode, 'int8');
  assert.equal(r.report.calibration?.samples, 160);
  assert.equal(r.report.accuracy?.samples, 40);
  assert.match(r.report.accuracy!.source, /^data\/calibration\.npy \(held-out split/);
  assert.ok(r.report.accuracy!.outputs[0]!.sqnrDb > 10, `output SQNR ${r.report.accuracy!.outputs[0]!.sqnrDb}`);
  assert.equal(stages.get('calibrating'), 1);
  assert.equal(stages.get('evaluating'), 1);
});

test('held-out data of its own: all of the calibration data calibrates, the report scores the other file; its bad data is named', async () => {
  const dir = workspace();
  fs.writeFileSync(path.join(dir, 'data', 'test.npy'), writeNpy([30, SENSOR_BINS], spectra(30, 9)));
  const job = { kind: 'quantize' as const, model: path.join(dir, 'sensor.tflite'), data: path.join(dir, 'data', 'calibration.npy'), displayRoot: dir, mode: 'int8' as const, io: 'int8' as const, calibration: 'auto' as const };
  const r = await runQuantizeWorker({ ...job, evalData: path.join(dir, 'data', 'test.npy') });
  assert.equal(r.report.calibration?.samples, 200, 'no split');
  assert.equal(r.report.calibration?.split, undefined);
  assert.equal(r.report.accuracy?.samples, 30);
  assert.equal(r.report.accuracy?.source, 'data/test.npy');
  assert.equal(r.report.recipe?.scoredOn?.source, 'data/test.npy');
  assert.equal(r.report.recipe?.scoredOn?.heldOut, true);
  await assert.rejects(runQuantizeWorker({ ...job, evalData: path.join(dir, 'data', 'other.npy') }),
    (e: unknown) => e instanceof WorkerJobError && e.is('dataset', 'shape') && e.file === 'data/other.npy');
});

test('dynamic range needs no data and warns that TFLite Micro cannot run it', async () => {
  const dir = workspace();
  const r = await runQuantizeWorker({ kind: 'quantize', model: path.join(dir, 'sensor.tflite'), mode: 'dynamic', io: 'int8', calibration: 'minmax' });
  assert.equal(r.report.mode, 'dynamic');
  assert.ok(r.warnings.some((w) => /TFLite Micro cannot run/.test(w)), r.warnings.join('\n'));
});

test('bad data comes back as a dataset error naming the file, kind kept', async () => {
  const dir = workspace();
  const bad = spectra(50, 1);
  bad[77] = Number.NaN;
  fs.writeFileSync(path.join(dir, 'data', 'nan.npy'), writeNpy([50, SENSOR_BINS], bad));
  const run = runQuantizeWorker({ kind: 'quantize', model: path.join(dir, 'sensor.tflite'), data: path.join(dir, 'data', 'nan.npy'), displayRoot: dir, mode: 'int8', io: 'int8', calibration: 'minmax' });
  await assert.rejects(run, (e: unknown) => e instanceof WorkerJobError && e.is('dataset', 'non-finite') && e.file === 'data/nan.npy' && /data\/nan\.npy/.test(e.message));
  const wrong = runQuantizeWorker({ kind: 'quantize', model: path.join(dir, 'sensor.tflite'), data: path.join(dir, 'data', 'other.npy'), displayRoot: dir, mode: 'int8', io: 'int8', calibration: 'minmax' });
  await assert.rejects(wrong, (e: unknown) => e instanceof WorkerJobError && e.is('dataset', 'shape') && /other\.npy/.test(e.message));
});

test('an already quantized model is refused at prepare; a corrupt one is a model error naming the file', async () => {
  const dir = workspace();
  const int8 = await runQuantizeWorker({ kind: 'quantize', model: path.join(dir, 'sensor.tflite'), data: path.join(dir, 'data', 'calibration.npy'), mode: 'int8', io: 'int8', calibration: 'minmax' });
  fs.writeFileSync(path.join(dir, 'q.tflite'), int8.bytes);
  const r = await runQuantizeWorker({ kind: 'prepare', model: path.join(dir, 'q.tflite'), folders: [] });
  assert.match(r.notQuantizable ?? '', /q\.tflite has no float tensors: it is already quantized/);
  fs.writeFileSync(path.join(dir, 'bad.tflite'), new Uint8Array(16));
  await assert.rejects(runQuantizeWorker({ kind: 'prepare', model: path.join(dir, 'bad.tflite'), folders: [] }), (e: unknown) => e instanceof WorkerJobError && e.is('model') && e.message.includes('bad.tflite'));
});

test('Cancel during calibration: the engine stops (no terminate needed) and nothing is returned (host stall: bench/worker.bench.ts)', async () => {
  const dir = tempDir('tinyml-qworker-');
  fs.writeFileSync(path.join(dir, 'conv.tflite'), buildSlowCalibrationConvModel());
  const n = 400;
  const r = seededRandom(5);
  fs.writeFileSync(path.join(dir, 'images.npy'), writeNpy([n, 48, 48, 3], Float32Array.from({ length: n * 48 * 48 * 3 }, () => r())));
  const abort = new AbortController();
  let cancelledAt: number | undefined;
  let progressAfterCancel = 0;
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const started = performance.now();
  const run = runQuantizeWorker(
    { kind: 'quantize', model: path.join(dir, 'conv.tflite'), data: path.join(dir, 'images.npy'), mode: 'int8', io: 'int8', calibration: 'minmax' },
    {
      signal: abort.signal,
      onProgress: (done, total, stage) => {
        if (cancelledAt !== undefined) progressAfterCancel++;
        if (stage === 'calibrating' && done > 0 && cancelledAt === undefined) {
          cancelledAt = performance.now();
          abort.abort();
        }
      },
    },
  );
  await assert.rejects(run, (e: unknown) => e instanceof WorkerCancelled && e.stoppedBy === 'engine');
  h.disable();
  assert.ok(cancelledAt !== undefined, 'calibration reported progress before it was cancelled');
  const stopMs = performance.now() - cancelledAt;
  const maxBlock = h.max / 1e6;
  console.log(`    cancel after ${Math.round(cancelledAt - started)} ms, stopped ${Math.round(stopMs)} ms later; host max event-loop delay ${maxBlock.toFixed(1)} ms`);
  assert.equal(progressAfterCancel, 0, 'no progress is shown after Cancel');
  assert.ok(stopMs < 2000, `the engine stopped within the grace period (${Math.round(stopMs)} ms)`);
});
