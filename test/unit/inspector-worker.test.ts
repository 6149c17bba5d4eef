/**
 * The inspector worker (src/extension/inspector/inspector-worker.ts) as the extension runs it, through the job RPC in
 * a real worker thread: the details of a model file are the ones the core computes on the model itself, and
 * Compare Models' views job gives the same layer matching as matchLayers.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { matchLayers } from '../../src/core/inspector/compare';
import { arenaForView, buildInspectorView, checkTflmCompatibility } from '../../src/core/inspector/view';
import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import type { Dataset } from '../../src/core/data/dataset';
import { quantizeModel } from '../../src/core/quantize/index';
import { INT16X8_LIMITS } from '../../src/core/quantize/int16-kernels';
import { ModelBuilder, writeModel, type Model } from '../../src/core/tflite/index';
import type { CompareViewsJob, CompareViewsResult } from '../../src/extension/compare/compare-job';
import { runWorkerJob } from '../../src/extension/common/worker-rpc';
import { WorkerJobError } from '../../src/extension/common/worker-errors';
import type { DetailsJob, DetailsJobResult } from '../../src/extension/inspector/details-job';
import { INSPECTOR_WORKER } from '../../src/extension/inspector/inspector-worker-spec';
import { tempDir } from '../helpers/temp-dir';

function calibration(model: Model, n: number): Dataset {
  const r = rng(7);
  const shape = model.subgraphs[0]!.tensors[model.subgraphs[0]!.inputs[0]!]!.shape;
  const size = shape.reduce((a, b) => a * b, 1);
  return { source: 'synthetic', inputShapes: [shape], samples: Array.from({ length: n }, () => [Float32Array.from({ length: size }, () => 2 * r() - 1)]) };
}

function built(seed: number) {
  const b = new ModelBuilder({ seed });
  const x = b.input('x', [1, 8, 8, 1]);
  b.output(b.softmax(b.fullyConnected(b.reshape(b.conv2d(x, 4, [3, 3], { activation: 'RELU', name: 'conv' }), [1, -1]), 3, { name: 'fc' })));
  return b.build();
}

test('inspector worker: the details of a file are the core\'s arena estimate and TFLM check of the model, for the build the settings name', async () => {
  const dir = tempDir('tinyml-insp-worker-');
  try {
    // An int16x8 model with per-channel FULLY_CONNECTED weights: the reference kernels run it, CMSIS-NN's Prepare
    // refuses it, so the check proves which kernel set the worker checked for.
    const float = built(2);
    const model = (await quantizeModel(float, calibration(float, 40), { mode: 'int16x8', calibration: 'minmax', perChannelFullyConnected: true })).model;
    const file = path.join(dir, 'm.tflite');
    fs.writeFileSync(file, writeModel(model));
    const arena = { target: 'cortex-m', kernels: 'cmsis-nn', isa: 'mve', marginPercent: 25 } as const;
    const r = await runWorkerJob<DetailsJob, DetailsJobResult>(INSPECTOR_WORKER, { kind: 'details', file, arena });
    assert.deepEqual(r.details, { arena: arenaForView(model, arena), tflm: checkTflmCompatibility(model, 'cmsis-nn') });
    assert.ok(r.details.arena.ok);
    const est = r.details.arena.estimate;
    assert.equal(est.target, 'cortex-m');
    assert.equal(est.kernels, 'cmsis-nn');
    assert.equal(est.isa, 'mve');
    assert.equal(est.marginPercent, 25);
    assert.ok(est.minArenaBytes > 0);
    assert.ok(r.arenaMs >= 0 && r.tflmMs >= 0);
    // The default build's figures are another estimate: the options reach the arena model (the isa, which is not
    // the default 'dsp', is the one the estimate names).
    const reference = arenaForView(model);
    assert.ok(reference.ok && reference.estimate.target === 'cortex-m' && reference.estimate.kernels === 'reference');
    assert.notDeepEqual(reference.estimate, est);
    // The check was for CMSIS-NN: its refusal of the per-channel int16 FULLY_CONNECTED is there, and the reference
    // check has none.
    const refusals = (problems: typeof r.details.tflm) => problems.filter((p) => p.severity === 'error' && p.opcode === 'FULLY_CONNECTED' && p.message.includes(INT16X8_LIMITS.perTensorFullyConnected));
    assert.equal(refusals(r.details.tflm).length, 1);
    assert.equal(refusals(checkTflmCompatibility(model)).length, 0);
    await assert.rejects(runWorkerJob(INSPECTOR_WORKER, { kind: 'details', file: path.join(dir, 'missing.tflite'), arena } satisfies DetailsJob),
      (e: unknown) => e instanceof WorkerJobError && e.is('model', 'unreadable') && /missing\.tflite/.test(e.message));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('inspector worker: Compare Models\' views job matches the layers as matchLayers does', async () => {
  const dir = tempDir('tinyml-insp-worker-');
  try {
    const [ma, mb] = [built(2), built(3)];
    const [fa, fb] = [path.join(dir, 'a.tflite'), path.join(dir, 'b.tflite')];
    fs.writeFileSync(fa, writeModel(ma));
    fs.writeFileSync(fb, writeModel(mb));
    const r = await runWorkerJob<CompareViewsJob, CompareViewsResult>(INSPECTOR_WORKER, { kind: 'views', a: fa, b: fb });
    const side = (m: typeof ma, f: string) => { const sg = buildInspectorView(m).subgraphs[0]!; return { operators: sg.operators, tensors: sg.tensors, fileBytes: fs.statSync(f).size }; };
    assert.deepEqual(r.comparison, matchLayers(side(ma, fa), side(mb, fb)));
    assert.equal(r.a.fileName, 'a.tflite');
    assert.equal(r.comparison.matches.length, ma.subgraphs[0]!.operators.length);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
