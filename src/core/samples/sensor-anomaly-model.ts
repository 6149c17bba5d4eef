import { ModelBuilder, type Model } from '../tflite';

/** Spectral bins per window of the sample vibration sensor (accelerometer FFT magnitudes). */
export const SENSOR_BINS = 64;

/** Layer widths of the autoencoder, input to output. */
export const SENSOR_AUTOENCODER_UNITS = [SENSOR_BINS, 32, 8, 32, SENSOR_BINS] as const;

/** Trained weights, TFLite FULLY_CONNECTED layout: kernels [units, inputs] row-major, one bias per unit. */
export interface AutoencoderWeights {
  kernels: Float32Array[];
  biases: Float32Array[];
}

const LAYER_NAMES = ['encoder_1', 'bottleneck', 'decoder_1', 'reconstruction'];

/**
 * The bundled sample: a dense autoencoder for vibration anomaly detection on an industrial sensor, the MLPerf Tiny
 * "anomaly detection" shape scaled to a Cortex-M0+ budget. It reconstructs a window of spectral features; a large
 * reconstruction error flags an anomaly. Without `weights` they are seeded random (untrained, same bytes every
 * build); buildTrainedSensorSample passes the weights trained on synthetic spectra.
 */
export function buildSensorAnomalyModel(weights?: AutoencoderWeights): Model {
  const b = new ModelBuilder({ description: `TinyML Toolkit sample: vibration anomaly autoencoder (float32${weights ? ', trained on synthetic spectra' : ', untrained'})`, seed: 7 });
  let h = b.input('spectrum', [1, SENSOR_BINS]);
  for (let l = 0; l < LAYER_NAMES.length; l++) {
    const units = SENSOR_AUTOENCODER_UNITS[l + 1]!;
    const last = l === LAYER_NAMES.length - 1;
    h = b.fullyConnected(h, units, {
      activation: last ? 'NONE' : 'RELU',
      name: LAYER_NAMES[l]!,
      ...(weights ? { weights: { values: weights.kernels[l]! }, bias: { values: weights.biases[l]! } } : {}),
    });
  }
  b.output(h);
  return b.build();
}
