import assert from 'node:assert/strict';
import fs from 'node:fs';
import test from 'node:test';
import { builtinCatalog } from '../../src/core/fit/board-catalog';
import {
  CALIBRATION_FEATURES, fitAll, leaveOneOut, MEASUREMENTS, type CalibrationModel,
} from '../../src/core/fit/latency-calibration';
import { latencyFeatures } from '../../src/core/fit/latency-features';
import { calibration, estimateLatency, latencyProfile } from '../../src/core/fit/latency';
import { modelWork } from '../../src/core/fit/op-work';
import { loadModel, ModelBuilder } from '../../src/core/tflite';
import { sharedModel, SKIP_WITHOUT_SHARED } from '../helpers/paths';

const catalog = builtinCatalog();
const board = (id: string) => catalog.byId.get(id)!;

test('the calibration features are what op-work computes for the calibration models in ../shared', { skip: SKIP_WITHOUT_SHARED }, () => {
  const files: Partial<Record<CalibrationModel, string>> = {
    'ad01': 'mlperf-tiny/ad01_int8.tflite',
    'ic-resnet8': 'mlperf-tiny/pretrainedResnet_quant.tflite',
    'person_detect': 'tflm/models/person_detect.tflite',
  };
  for (const [name, rel] of Object.entries(files)) {
    const { model } = loadModel(new Uint8Array(fs.readFileSync(sharedModel(rel))));
    assert.deepEqual(latencyFeatures(modelWork(model)), CALIBRATION_FEATURES[name as CalibrationModel], name);
  }
});

test('held-out error of the calibration: at least 3 of 4 leave-one-out predictions within ×1.5 (as docs/fit-calibration.md states)', () => {
  const held = leaveOneOut();
  assert.equal(held.length, 12, 'every MLPerf Tiny point is predicted without itself');
  const within = held.filter((h) => h.ratio >= 1 / 1.5 && h.ratio <= 1.5).length;
  assert.equal(within, 9, 'the doc quotes 9 of 12');
  assert.ok(within / held.length >= 0.75);
  // the range the tool reports is at least the held-out rms error
  assert.ok(calibration().heldOutSpread > 1.5 && calibration().heldOutSpread < 2);
});

test('the fit reproduces every measurement it was fitted on within ×2.1', () => {
  const fits = fitAll();
  for (const m of MEASUREMENTS) {
    const fit = fits[m.family];
    const f = CALIBRATION_FEATURES[m.model];
    const s = fit.shape;
    const cycles = fit.scales[m.board]! * (f.convMacs + s.fcPerMac * f.fcMacs + s.dwPerMac * f.dwMacs + s.perElement * f.elements + s.perOp * f.ops);
    const ratio = cycles / (m.latencyMs * 1e3 * m.clockMhz);
    assert.ok(ratio > 1 / 2.1 && ratio < 2.1, `${m.board} ${m.model} ${m.family}: ${ratio.toFixed(2)}`);
  }
});

test('latency of a calibration board reproduces its own measurement and reports a range around it', () => {
  const b = new ModelBuilder({ seed: 1 });
  const x = b.input('x', [1, 640]);
  let h = x;
  for (const units of [128, 128, 128, 128, 8, 128, 128, 128, 128]) h = b.fullyConnected(h, units, { activation: 'RELU' });
  b.output(b.fullyConnected(h, 640));
  const work = modelWork(b.build());
  const est = estimateLatency(work, board('ek-ra6m4'), 'cmsis-nn');
  assert.equal(est.perOperator.length, 10);
  assert.ok(est.rangeMs[0] < est.ms && est.ms < est.rangeMs[1]);
  assert.ok(Math.abs(est.perOperator.reduce((a, o) => a + o.ms, 0) - est.ms) < 1e-9);
  assert.equal(est.profile.measured, true);
});

test('faster cores and optimized kernels predict less time; unmeasured classes say so and widen the range', () => {
  const b = new ModelBuilder({ seed: 2 });
  const x = b.input('img', [1, 32, 32, 3]);
  b.output(b.softmax(b.fullyConnected(b.reshape(b.conv2d(b.conv2d(x, 16, [3, 3]), 16, [3, 3]), [1, -1]), 10)));
  // the builder writes float models: price the same graph as its int8 version would be
  const work = modelWork(b.build()).map((w) => ({ ...w, float: false }));
  const t = (id: string, k: 'reference' | 'cmsis-nn' | 'esp-nn') => estimateLatency(work, board(id), k);
  assert.ok(t('nano33ble', 'cmsis-nn').ms < t('nano33ble', 'reference').ms / 4, 'CMSIS-NN several times faster than reference');
  assert.ok(t('nucleo_h743zi', 'cmsis-nn').ms < t('nano33ble', 'cmsis-nn').ms, '400 MHz M7 beats a 64 MHz M4');
  assert.ok(t('esp32-s3-devkitc-1', 'esp-nn').ms < t('esp32-s3-devkitc-1', 'reference').ms);
  const m7 = latencyProfile(board('nucleo_h743zi'), 'cmsis-nn');
  assert.equal(m7.measured, false);
  assert.match(m7.basis, /prior/);
  assert.ok(m7.spread > latencyProfile(board('nano33ble'), 'cmsis-nn').spread);
  assert.throws(() => latencyProfile(board('esp32dev'), 'cmsis-nn'), /CMSIS-NN is for Arm Cortex-M/);
  assert.throws(() => latencyProfile(board('pico'), 'esp-nn'), /ESP-NN is for Espressif/);
});

test('float32 operators are priced at the reference-kernel rate whatever the library, ×8 without an FPU', () => {
  const b = new ModelBuilder({ seed: 3 });
  const x = b.input('img', [1, 16, 16, 3]);
  b.output(b.softmax(b.fullyConnected(b.reshape(b.conv2d(x, 8, [3, 3]), [1, -1]), 4)));
  const work = modelWork(b.build());
  assert.ok(work.every((w) => w.float));
  const m4 = board('nano33ble');
  assert.ok(Math.abs(estimateLatency(work, m4, 'cmsis-nn').ms - estimateLatency(work, m4, 'reference').ms) < 1e-9);
  const int8 = work.map((w) => ({ ...w, float: false }));
  const pico = board('pico');
  assert.ok(Math.abs(estimateLatency(work, pico, 'reference').ms / estimateLatency(int8, pico, 'reference').ms - 8) < 1e-9);
});
