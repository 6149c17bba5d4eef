/**
 * Trains the sample autoencoder with TensorFlow.js (pure-JavaScript CPU backend: no native module, no download).
 * Everything is seeded (initial weights, data, batch order) and the CPU kernels are plain JavaScript float32, so the
 * same options give the same weights on every run.
 */
import { seededRandom } from '../data/split';
import { SENSOR_AUTOENCODER_UNITS, type AutoencoderWeights } from './sensor-anomaly-model';
import { concatFloats } from '../common/float-arrays';

type Tf = typeof import('@tensorflow/tfjs');
type Tensor2D = import('@tensorflow/tfjs').Tensor2D;
type Scalar = import('@tensorflow/tfjs').Scalar;

export interface TrainOptions {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Seeds the initial weights and the batch order. */
  seed?: number;
}

export interface TrainedAutoencoder {
  weights: AutoencoderWeights;
  /** Mean squared reconstruction error on the training windows after each epoch. */
  lossHistory: number[];
  trainMs: number;
  /** Runs the trained network in TensorFlow.js (the reference the .tflite is checked against). */
  predict(rows: readonly Float32Array[]): Float32Array[];
  dispose(): void;
}

let tfPromise: Promise<Tf> | undefined;

/** Loads TensorFlow.js on first use only: the extension and CLI do not pay for it unless they train. */
export function loadTf(): Promise<Tf> {
  tfPromise ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    // PROD silences the "install the node backend" banner; we want the pure-JS backend on purpose.
    tf.env().set('PROD', true);
    await tf.setBackend('cpu');
    return tf;
  })();
  return tfPromise;
}

/** Glorot-uniform kernels [units, inputs] and zero biases from a seeded PRNG (not tfjs's own initializers). */
function initialWeights(seed: number): AutoencoderWeights {
  const random = seededRandom(seed);
  const kernels: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (let l = 0; l + 1 < SENSOR_AUTOENCODER_UNITS.length; l++) {
    const fanIn = SENSOR_AUTOENCODER_UNITS[l]!, units = SENSOR_AUTOENCODER_UNITS[l + 1]!;
    const limit = Math.sqrt(6 / (fanIn + units));
    kernels.push(Float32Array.from({ length: units * fanIn }, () => (random() * 2 - 1) * limit));
    biases.push(new Float32Array(units));
  }
  return { kernels, biases };
}

export async function trainAutoencoder(rows: readonly Float32Array[], options: TrainOptions = {}): Promise<TrainedAutoencoder> {
  const tf = await loadTf();
  const epochs = options.epochs ?? 30;
  const batchSize = options.batchSize ?? 64;
  const seed = options.seed ?? 42;
  const start = Date.now();
  const init = initialWeights(seed);
  const layers = init.kernels.map((k, l) => ({
    kernel: tf.variable(tf.tensor2d(k, [SENSOR_AUTOENCODER_UNITS[l + 1]!, SENSOR_AUTOENCODER_UNITS[l]!])),
    bias: tf.variable(tf.tensor1d(init.biases[l]!)),
  }));
  // Same math as TFLite FULLY_CONNECTED: y = x · kernelᵀ + bias, RELU on all but the last layer.
  const forward = (x: Tensor2D) => layers.reduce((h, layer, l) => {
    const y = tf.add(tf.matMul(h, layer.kernel, false, true), layer.bias) as typeof x;
    return l < layers.length - 1 ? tf.relu(y) : y;
  }, x);
  const width = rows[0]!.length;
  const data = tf.tensor2d(concatFloats(rows), [rows.length, width]);
  const optimizer = tf.train.adam(options.learningRate ?? 0.01);
  const random = seededRandom(seed + 1);
  const lossHistory: number[] = [];
  const order = Array.from({ length: rows.length }, (_, i) => i);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let b = 0; b + batchSize <= order.length; b += batchSize) {
      tf.tidy(() => {
        const batch = tf.gather(data, tf.tensor1d(order.slice(b, b + batchSize), 'int32')) as Tensor2D;
        optimizer.minimize(() => tf.mean(tf.squaredDifference(forward(batch), batch)) as Scalar);
      });
    }
    lossHistory.push(tf.tidy(() => tf.mean(tf.squaredDifference(forward(data), data)).dataSync()[0]!));
  }
  const weights: AutoencoderWeights = {
    kernels: layers.map((l) => Float32Array.from(l.kernel.dataSync())),
    biases: layers.map((l) => Float32Array.from(l.bias.dataSync())),
  };
  const trainMs = Date.now() - start;
  data.dispose();
  optimizer.dispose();
  return {
    weights,
    lossHistory,
    trainMs,
    predict: (input) => tf.tidy(() => {
      const out = forward(tf.tensor2d(concatFloats(input), [input.length, width])).dataSync() as Float32Array;
      return input.map((_, i) => out.slice(i * width, (i + 1) * width));
    }),
    dispose: () => layers.forEach((l) => { l.kernel.dispose(); l.bias.dispose(); }),
  };
}
