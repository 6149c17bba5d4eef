import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import { loadRuntimeModel, RuntimeError } from '../../src/core/runtime';
import { buildSensorAnomalyModel } from '../../src/core/samples/sensor-anomaly-model';
import { readModel, writeModel } from '../../src/core/tflite';
import { listSharedModels, sharedModel, SKIP_WITHOUT_SHARED } from '../helpers/paths';
import { randomInputs, sameBytes } from '../helpers/random-inputs';
import { buildAllOpsModel } from '../helpers/sample-models';

/** Runs original and rewritten bytes on the same seeded input; returns false when LiteRT cannot run the model. */
async function assertSameOutputs(name: string, original: Uint8Array): Promise<string | undefined> {
  let a;
  try {
    a = await loadRuntimeModel(original, { name });
  } catch (e) {
    if (e instanceof RuntimeError) return e.message.split('\n')[0];
    throw e;
  }
  const rewritten = writeModel(readModel(original));
  const b = await loadRuntimeModel(rewritten, { name: `${name} (rewritten)` });
  try {
    const inputs = randomInputs(a.inputs, 42);
    let outA;
    try {
      outA = a.run(inputs);
    } catch (e) {
      if (e instanceof RuntimeError) return e.message.split('\n')[0];
      throw e;
    }
    const outB = b.run(inputs);
    assert.equal(outB.length, outA.length);
    outA.forEach((o, i) => assert.ok(sameBytes(o, outB[i]!), `${name}: output ${i} differs after read -> write`));
    return undefined;
  } finally {
    a.dispose();
    b.dispose();
  }
}

test('built models give bit-identical LiteRT outputs after read -> write', async () => {
  for (const [name, model] of [['all-ops CNN', buildAllOpsModel()], ['sensor autoencoder', buildSensorAnomalyModel()]] as const) {
    const notRun = await assertSameOutputs(name, writeModel(model));
    assert.equal(notRun, undefined, `LiteRT must run our own built model ${name}: ${notRun}`);
  }
});

describe('../shared models: rewritten model gives bit-identical LiteRT outputs', { skip: SKIP_WITHOUT_SHARED }, () => {
  const notRunnable = new Map<string, string>();
  for (const rel of listSharedModels()) {
    test(rel, async (t) => {
      const why = await assertSameOutputs(rel, new Uint8Array(fs.readFileSync(sharedModel(rel))));
      if (why) { notRunnable.set(rel, why); t.skip(`LiteRT cannot run it: ${why}`); }
    });
  }
  test('most of the corpus actually ran', () => {
    const total = listSharedModels().length;
    const ran = total - notRunnable.size;
    console.log(`LiteRT ran ${ran} of ${total} models; not runnable: ${[...new Set(notRunnable.values())].slice(0, 5).join(' | ')}`);
    assert.ok(ran >= 100, `only ${ran} of ${total} models ran on LiteRT`);
  });
});
