import { ModelBuilder, writeModel, type Model } from '../../src/core/tflite';

/** A small CNN touching every op the builder offers. */
export function buildAllOpsModel(): Model {
  const b = new ModelBuilder({ seed: 3 });
  const x = b.input('image', [1, 16, 16, 3]);
  const c1 = b.conv2d(x, 8, [3, 3], { stride: [2, 2], activation: 'RELU6' });
  const d1 = b.depthwiseConv2d(c1, [3, 3], { multiplier: 2, activation: 'RELU' });
  const p1 = b.maxPool2d(d1, [2, 2]);
  const p2 = b.averagePool2d(d1, [2, 2]);
  const s = b.add(p1, p2);
  const m = b.mul(s, p1, 'RELU');
  const cat = b.concatenate([m, s], 3);
  const padded = b.pad(cat, [[0, 0], [1, 1], [1, 1], [0, 0]]);
  const g = b.mean(padded, [1, 2]);
  const act = b.tanh(b.logistic(b.leakyRelu(b.relu(g))));
  const r = b.reshape(act, [1, -1]);
  const fc = b.fullyConnected(r, 10);
  b.output(b.softmax(fc));
  return b.build();
}

/**
 * A conv net without a free batch dimension: calibration runs one sample per runtime call, slow enough (a second or
 * more for a few hundred samples) to cancel a quantization mid-way.
 */
export function buildSlowCalibrationConvModel(): Uint8Array {
  const b = new ModelBuilder({ seed: 3 });
  const x = b.input('image', [1, 48, 48, 3]);
  let h = b.conv2d(x, 16, [3, 3], { activation: 'RELU' });
  h = b.conv2d(h, 16, [3, 3], { activation: 'RELU' });
  h = b.maxPool2d(h, [2, 2]);
  b.output(b.softmax(b.fullyConnected(b.reshape(h, [1, 24 * 24 * 16]), 4)));
  return writeModel(b.build());
}
