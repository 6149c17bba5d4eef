/**
 * Fills the temporary workspace the integration tests open: a real model from ../shared/models when that folder is
 * beside the project (never copied into the repository), a model built in code, and a corrupt .tflite.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ModelBuilder, writeModel } from '../../src/core/tflite';

/** Files the suite looks for; it skips what is absent. */
export const WORKSPACE_FILES = {
  floatModel: 'hello_world_float.tflite',
  builtModel: 'built_cnn.tflite',
  corruptModel: 'corrupt.tflite',
} as const;

/** The built model's input name has markup in it: the page must show it as text. */
export const BUILT_INPUT_NAME = 'image<b>0</b>';
/** Distinct operators of the built model. */
export const BUILT_OPCODES = ['CONV_2D', 'MAX_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX'];

function builtModel(): Uint8Array {
  const b = new ModelBuilder({ description: 'integration test CNN', seed: 7 });
  const x = b.input(BUILT_INPUT_NAME, [1, 8, 8, 1]);
  const conv = b.conv2d(x, 4, [3, 3], { activation: 'RELU' });
  const pooled = b.maxPool2d(conv, [2, 2]);
  const flat = b.reshape(pooled, [1, 4 * 4 * 4]);
  b.output(b.softmax(b.fullyConnected(flat, 3)));
  return writeModel(b.build());
}

export function prepareWorkspace(workspace: string, projectRoot: string): string[] {
  fs.mkdirSync(workspace, { recursive: true });
  const written: string[] = [];
  const shared = path.join(projectRoot, '..', 'shared', 'models', 'tflm', 'examples', 'hello_world', WORKSPACE_FILES.floatModel);
  if (fs.existsSync(shared)) {
    fs.copyFileSync(shared, path.join(workspace, WORKSPACE_FILES.floatModel));
    written.push(WORKSPACE_FILES.floatModel);
  }
  fs.writeFileSync(path.join(workspace, WORKSPACE_FILES.builtModel), builtModel());
  written.push(WORKSPACE_FILES.builtModel);
  // A plausible header ("TFL3" identifier at offset 4) followed by a root offset that points past the end of the file.
  const corrupt = new Uint8Array(64);
  new DataView(corrupt.buffer).setUint32(0, 0x7fff_fff0, true);
  corrupt.set([0x54, 0x46, 0x4c, 0x33], 4);
  fs.writeFileSync(path.join(workspace, WORKSPACE_FILES.corruptModel), corrupt);
  written.push(WORKSPACE_FILES.corruptModel);
  return written;
}
