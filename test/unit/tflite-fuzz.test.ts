import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { summarizeModel } from '../../src/core/analysis';
import { buildSensorAnomalyModel } from '../../src/core/samples/sensor-anomaly-model';
import { loadModel, ModelFormatError, writeModel } from '../../src/core/tflite';
import { HAS_SHARED, sharedModel } from '../helpers/paths';
import { mulberry32 } from '../helpers/prng';
import { mutate, type Mutation } from '../helpers/mutate-model';
import { buildAllOpsModel } from '../helpers/sample-models';

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const VARIANTS_PER_MODEL = Number(process.env.FUZZ_VARIANTS ?? 500);

function corpus(): { name: string; bytes: Uint8Array }[] {
  const out = [
    { name: 'built all-ops CNN', bytes: writeModel(buildAllOpsModel()) },
    { name: 'built sensor autoencoder', bytes: writeModel(buildSensorAnomalyModel()) },
  ];
  if (HAS_SHARED) {
    for (const rel of ['tflm/examples/hello_world/hello_world_int8.tflite', 'tflm/models/person_detect.tflite',
      'tflm/models/keyword_scrambled.tflite', 'tflm/models/person_detect_vela.tflite']) {
      out.push({ name: rel, bytes: new Uint8Array(fs.readFileSync(sharedModel(rel))) });
    }
  }
  return out;
}

test(`fuzz: corrupted models either load or throw ModelFormatError within 1 s (seed ${SEED})`, () => {
  const rnd = mulberry32(SEED);
  const kinds: Mutation[] = ['truncate', 'bitflip', 'offset', 'splice'];
  const stats = { variants: 0, loaded: 0, rejected: 0, slowestMs: 0 };
  for (const { name, bytes } of corpus()) {
    for (let i = 0; i < VARIANTS_PER_MODEL; i++) {
      const kind = kinds[i % kinds.length]!;
      const variant = mutate(bytes, kind, rnd);
      const t0 = performance.now();
      try {
        const { model, warnings } = loadModel(variant);
        // what the CLI and the inspector do next must not fail on a model that validated
        summarizeModel(model, { warnings });
        writeModel(model);
        stats.loaded++;
      } catch (e) {
        if (!(e instanceof ModelFormatError)) {
          assert.fail(`${name}, variant ${i} (${kind}): threw ${(e as Error).name}: ${(e as Error).message}`);
        }
        assert.ok(e.message.length > 10, 'the message says what is wrong');
        stats.rejected++;
      }
      const ms = performance.now() - t0;
      stats.slowestMs = Math.max(stats.slowestMs, ms);
      assert.ok(ms < 1000, `${name}, variant ${i} (${kind}) took ${ms.toFixed(0)} ms`);
      stats.variants++;
    }
  }
  assert.ok(stats.variants >= (HAS_SHARED ? 2000 : 1000), `${stats.variants} variants`);
  assert.ok(stats.rejected > 0 && stats.loaded > 0, `both outcomes occur: ${JSON.stringify(stats)}`);
  console.log(`fuzz: ${JSON.stringify(stats)}`);
});
