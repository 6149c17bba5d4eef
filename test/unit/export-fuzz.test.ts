/**
 * Damaged models through the other commands (seeded): the arena estimate, the TFLite Micro check and the golden
 * vectors of an export either work or fail with a typed error, never an internal one. Found so: a damaged shape of
 * 2^31 values ended the arena estimate in "arena model inconsistency", an operator with no output the evaluator in a
 * TypeError.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkTflmCompatibility } from '../../src/core/analysis/tflm-compat';
import { estimateArena } from '../../src/core/arena/index';
import { computeGolden } from '../../src/core/codegen/golden';
import type { Dataset } from '../../src/core/data/dataset';
import { QuantizeError, quantizeModel } from '../../src/core/quantize/index';
import { RuntimeError } from '../../src/core/runtime/index';
import { buildSensorAnomalyModel } from '../../src/core/samples/sensor-anomaly-model';
import { elementCount, loadModel, ModelFormatError, writeModel, type Model } from '../../src/core/tflite/index';
import { mutate, type Mutation } from '../helpers/mutate-model';
import { mulberry32 } from '../helpers/prng';
import { buildAllOpsModel } from '../helpers/sample-models';

const SEED = Number(process.env.FUZZ_SEED ?? 5);
const VARIANTS_PER_MODEL = Number(process.env.FUZZ_EXPORT_VARIANTS ?? 250);

function data(model: Model, n: number): Dataset {
  const sg = model.subgraphs[0]!;
  const shapes = sg.inputs.map((t) => sg.tensors[t]!.shape);
  return { source: 'x.npy', inputShapes: shapes, samples: Array.from({ length: n }, (_, j) => shapes.map((s) => Float32Array.from({ length: elementCount(s) }, (_, k) => Math.sin(j * 3 + k)))) };
}

test(`fuzz: damaged float and int8 models through the arena estimate, the TFLite Micro check and golden vectors (seed ${SEED})`, async () => {
  const sources: Uint8Array[] = [];
  for (const m of [buildSensorAnomalyModel(), buildAllOpsModel()]) {
    sources.push(writeModel(m), (await quantizeModel(m, data(m, 30), { calibration: 'minmax' })).bytes);
  }
  const rnd = mulberry32(SEED);
  const kinds: Mutation[] = ['bitflip', 'offset', 'splice', 'truncate'];
  const outcomes: Record<string, number> = {};
  const count = (k: string) => { outcomes[k] = (outcomes[k] ?? 0) + 1; };
  const typed = (stage: string, e: unknown) => {
    assert.ok(e instanceof QuantizeError || e instanceof ModelFormatError || e instanceof RuntimeError, `${stage}: ${(e as Error).name}: ${(e as Error).message}`);
    count(`${stage} ${(e as Error).name}`);
  };
  for (const bytes of sources) {
    for (let i = 0; i < VARIANTS_PER_MODEL; i++) {
      const variant = mutate(bytes, kinds[i % kinds.length]!, rnd);
      let model: Model;
      try {
        model = loadModel(variant).model;
      } catch {
        continue; // the reader's fuzz test covers these
      }
      count('loaded');
      try { estimateArena(model); estimateArena(model, { kernels: 'cmsis-nn' }); } catch (e) { typed('arena', e); }
      try { checkTflmCompatibility(model); checkTflmCompatibility(model, 'cmsis-nn'); } catch (e) { typed('check', e); }
      try { await computeGolden(model, variant, { cases: 2, name: 'm.tflite' }); count('golden'); } catch (e) { typed('golden', e); }
    }
  }
  assert.ok((outcomes['loaded'] ?? 0) > 100 && (outcomes['golden'] ?? 0) > 0, JSON.stringify(outcomes));
  console.log(`export fuzz: ${JSON.stringify(outcomes)}`);
});
