import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 as rng } from '../../src/core/common/seeded-random';
import type { Dataset } from '../../src/core/data/dataset';
import { holdOutForReport } from '../../src/core/data/index';
import { QuantizeError, quantizeModel, type QuantizeResult } from '../../src/core/quantize/index';
import { ForwardHelper, HELPER_MIN_FORWARD_MACS, worthHelping } from '../../src/core/quantize/forward-helper';
import { operatorMacs } from '../../src/core/analysis/op-cost';
import type { ForwardPasses } from '../../src/core/quantize/forward-pass';
import { ModelBuilder, type Model } from '../../src/core/tflite/index';

/** A helper that never takes part: every pass runs on the calling thread alone. */
const ONE_THREAD: ForwardPasses = { share: () => undefined };

/** conv → depthwise → fc with a free batch dimension: calibration and every candidate run in several batches. */
function batchedModel(): Model {
  const b = new ModelBuilder({ seed: 4 });
  const x = b.input('image', [1, 12, 12, 3]);
  const c = b.conv2d(x, 8, [3, 3], { activation: 'RELU6', bias: { values: Float32Array.from({ length: 8 }, (_, i) => 0.05 * i - 0.1) } });
  const d = b.depthwiseConv2d(c, [3, 3], { activation: 'NONE', bias: { values: Float32Array.from({ length: 8 }, (_, i) => 0.02 * i) } });
  const f = b.fullyConnected(b.reshape(d, [1, -1]), 6, { bias: { values: Float32Array.from([0.1, -0.2, 0.3, 0, 0.05, -0.05]) } });
  b.output(b.softmax(f));
  const model = b.build();
  for (const t of model.subgraphs[0]!.tensors) if (model.buffers[t.buffer]!.data.byteLength === 0) t.shapeSignature = [-1, ...t.shape.slice(1)];
  return model;
}

function images(count: number, seed: number): Dataset {
  const r = rng(seed);
  return { source: `synthetic images, seed ${seed}`, inputShapes: [[1, 12, 12, 3]], samples: Array.from({ length: count }, () => [Float32Array.from({ length: 432 }, () => r() * 2 - 1)]) };
}

/** The report without its times, which differ from run to run. */
function figures(r: QuantizeResult): string {
  return JSON.stringify(r.report, (k, v: unknown) => (k.endsWith('Ms') ? undefined : v));
}

async function quantizeWith(forward: ForwardPasses, onProgress?: () => void): Promise<QuantizeResult> {
  const { calibration, heldOut } = holdOutForReport(images(400, 9), {});
  return quantizeModel(batchedModel(), calibration, { heldOut }, { forward, ...(onProgress ? { onProgress } : {}) });
}

test('with the forward helper the quantized model, the recipe and every report figure are those of one thread', async () => {
  const alone = await quantizeWith(ONE_THREAD);
  const helper = ForwardHelper.start();
  assert.ok(helper, 'the forward worker script is next to forward-helper.js');
  try {
    // Up before the first pass, so that it takes part in every pass (a real run starts it a little earlier).
    assert.equal(await helper.ready, true);
    const shared = await quantizeWith(helper);
    assert.ok(helper.batchesRun > 0, 'the helper ran some of the batches');
    assert.ok(alone.report.recipe!.candidates.length > 1, 'the recipe search ran');
    assert.deepEqual(Buffer.from(shared.bytes), Buffer.from(alone.bytes));
    assert.equal(figures(shared), figures(alone));
    assert.deepEqual(shared.warnings, alone.warnings);
  } finally {
    helper.close();
  }
});

test('a forward helper that stops in the middle of a pass leaves its batches to the calling thread: the same model', async () => {
  const alone = await quantizeWith(ONE_THREAD);
  const helper = ForwardHelper.start()!;
  assert.equal(await helper.ready, true);
  let stoppedAfter: number | undefined;
  // Ended from inside a pass once it has answered a batch, with the batches it claimed after that still unanswered.
  const shared = await quantizeWith(helper, () => {
    if (stoppedAfter === undefined && helper.batchesRun > 0) {
      stoppedAfter = helper.batchesRun;
      helper.close();
    }
  });
  assert.ok(stoppedAfter !== undefined, 'the helper was stopped while the quantizer ran');
  assert.equal(helper.batchesRun, stoppedAfter, 'nothing was taken from it after it stopped');
  assert.deepEqual(Buffer.from(shared.bytes), Buffer.from(alone.bytes));
  assert.equal(figures(shared), figures(alone));
});

test('a helper starts only for forward work that repays its start, on a machine with a core to spare', () => {
  const model = batchedModel();
  const sg = model.subgraphs[0]!;
  const macs = sg.operators.reduce((a, op) => a + operatorMacs(model, sg, op), 0);
  const enough = Math.ceil(HELPER_MIN_FORWARD_MACS / macs);
  assert.equal(worthHelping(model, enough, 0.5, 2), true);
  assert.equal(worthHelping(model, enough - 1, 0.5, 2), false, 'too little forward work');
  assert.equal(worthHelping(model, enough, 2.1, 2), false, 'both cores busy');
  assert.equal(worthHelping(model, enough, 0, 1), false, 'one core');
  assert.equal(worthHelping(model, enough, 3.5, 4), true);
});

test('Cancel stops a run that shares its passes with the helper: a cancelled error, and the helper still answers the next run', async () => {
  const helper = ForwardHelper.start()!;
  try {
    assert.equal(await helper.ready, true);
    const abort = new AbortController();
    const { calibration, heldOut } = holdOutForReport(images(400, 9), {});
    let calls = 0;
    await assert.rejects(
      quantizeModel(batchedModel(), calibration, { heldOut }, { forward: helper, signal: abort.signal, onProgress: () => { if (++calls === 2) abort.abort(); } }),
      (e: unknown) => e instanceof QuantizeError && e.kind === 'cancelled',
    );
    const before = helper.batchesRun;
    const again = await quantizeWith(helper);
    assert.ok(helper.batchesRun > before);
    assert.deepEqual(Buffer.from(again.bytes), Buffer.from((await quantizeWith(ONE_THREAD)).bytes));
  } finally {
    helper.close();
  }
});
