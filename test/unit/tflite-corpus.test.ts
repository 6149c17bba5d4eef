import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import { readModel, validateModel, writeModel, loadModel } from '../../src/core/tflite';
import { assertModelsEqual } from '../helpers/model-equal';
import { listSharedModels, sharedModel, SKIP_WITHOUT_SHARED, POSE_HEAVY } from '../helpers/paths';

/** Offset of each non-empty buffer's data inside a written file, via the data views readModel returns. */
function bufferOffsets(bytes: Uint8Array): number[] {
  return readModel(bytes).buffers.filter((b) => b.data.length).map((b) => b.data.byteOffset - bytes.byteOffset);
}

describe('every model in ../shared/models', { skip: SKIP_WITHOUT_SHARED }, () => {
  const models = listSharedModels();
  test('the corpus is there (146 models)', () => {
    assert.ok(models.length >= 146, `found ${models.length} models`);
  });
  for (const rel of models) {
    test(rel, () => {
      const bytes = new Uint8Array(fs.readFileSync(sharedModel(rel)));
      const { model } = loadModel(bytes);
      const written = writeModel(model);
      const reread = readModel(written);
      validateModel(reread, { fileSize: written.length });
      assertModelsEqual(reread, model, 'read -> write -> read changed the model');
      for (const off of bufferOffsets(written)) assert.equal(off % 16, 0, `a weight buffer starts at offset ${off}, not 16-byte aligned`);
    });
  }
});

test('pose_landmark_heavy (27.7 MB, @mediapipe/pose) round-trips', { skip: fs.existsSync(POSE_HEAVY) ? false : '@mediapipe/pose is not installed' }, () => {
  const bytes = new Uint8Array(fs.readFileSync(POSE_HEAVY));
  const { model } = loadModel(bytes);
  assert.ok(model.subgraphs[0]!.operators.length > 100);
  const written = writeModel(model);
  assertModelsEqual(readModel(written), model);
  for (const off of bufferOffsets(written)) assert.equal(off % 16, 0);
});
