/**
 * Damaged models through the quantizer (seeded): a corrupted copy that still loads either quantizes or fails with one
 * of the typed errors a user is shown with its message (the CLI's exit 2), never an internal error: before the
 * declared-shape and outlier-weight checks and the runtime's trap handling, such files ended in RangeError from the
 * TFLite Micro evaluator or a raw wasm "memory access out of bounds".
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DatasetError } from '../../src/core/data/errors';
import type { Dataset } from '../../src/core/data/dataset';
import { QuantizeError, quantizeModel } from '../../src/core/quantize/index';
import { RuntimeError } from '../../src/core/runtime/index';
import { buildSensorAnomalyModel } from '../../src/core/samples/sensor-anomaly-model';
import { elementCount, loadModel, ModelFormatError, writeModel } from '../../src/core/tflite/index';
import { mutate, type Mutation } from '../helpers/mutate-model';
import { mulberry32 } from '../helpers/prng';
import { buildAllOpsModel } from '../helpers/sample-models';

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const VARIANTS_PER_MODEL = Number(process.env.FUZZ_QUANTIZE_VARIANTS ?? 100);

test(`fuzz: damaged models that load quantize or fail with a typed error (seed ${SEED})`, async () => {
  const rnd = mulberry32(SEED);
  const kinds: Mutation[] = ['bitflip', 'offset'];
  const outcomes: Record<string, number> = {};
  for (const bytes of [writeModel(buildSensorAnomalyModel()), writeModel(buildAllOpsModel())]) {
    for (let i = 0; i < VARIANTS_PER_MODEL; i++) {
      const variant = mutate(bytes, kinds[i % kinds.length]!, rnd);
      let model;
      try {
        model = loadModel(variant).model;
      } catch (e) {
        assert.ok(e instanceof ModelFormatError, String(e));
        outcomes['not loaded'] = (outcomes['not loaded'] ?? 0) + 1;
        continue;
      }
      const sg = model.subgraphs[0]!;
      const shapes = sg.inputs.map((t) => sg.tensors[t]?.shape ?? [1]);
      if (shapes.some((s) => !(elementCount(s) > 0 && elementCount(s) < 1e5))) { // an input no data set could fill
        outcomes['input not fillable'] = (outcomes['input not fillable'] ?? 0) + 1;
        continue;
      }
      const data = (n: number, offset: number): Dataset => ({
        source: 'x.npy', inputShapes: shapes,
        samples: Array.from({ length: n }, (_, j) => shapes.map((s) => Float32Array.from({ length: elementCount(s) }, (_, k) => Math.sin(offset + j * 3 + k)))),
      });
      try {
        await quantizeModel(model, data(24, 0), { calibration: 'minmax', heldOut: data(8, 100), modelName: 'm.tflite' });
        outcomes['quantized'] = (outcomes['quantized'] ?? 0) + 1;
      } catch (e) {
        const typed = e instanceof QuantizeError || e instanceof ModelFormatError || e instanceof DatasetError || e instanceof RuntimeError;
        assert.ok(typed, `variant ${i}: ${(e as Error).name}: ${(e as Error).message}`);
        // The model's own problems name it (the data is fine: it fits the inputs as the file declares them).
        if (e instanceof QuantizeError && e.kind === 'unsupported-model') assert.match(e.message, /m\.tflite/, e.message);
        assert.match(e.message, /\w+ \w+ \w+/, 'the message says what is wrong');
        outcomes[(e as Error).name] = (outcomes[(e as Error).name] ?? 0) + 1;
      }
    }
  }
  assert.ok((outcomes['quantized'] ?? 0) > 0 && (outcomes['QuantizeError'] ?? 0) > 0, JSON.stringify(outcomes));
  console.log(`quantize fuzz: ${JSON.stringify(outcomes)}`);
});
