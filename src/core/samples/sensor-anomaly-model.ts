import { ModelBuilder, type Model } from '../tflite';

/** Spectral bins per window of the sample vibration sensor (accelerometer FFT magnitudes). */
export const SENSOR_BINS = 64;

/**
 * The bundled sample: a dense autoencoder for vibration anomaly detection on an industrial sensor, the MLPerf Tiny
 * "anomaly detection" shape scaled to a Cortex-M0+ budget. It reconstructs a window of spectral features; a large
 * reconstruction error flags an anomaly. Weights are seeded, so every build gives the same bytes.
 */
export function buildSensorAnomalyModel(): Model {
  const b = new ModelBuilder({ description: 'TinyML Toolkit sample: vibration anomaly autoencoder (float32)', seed: 7 });
  const x = b.input('spectrum', [1, SENSOR_BINS]);
  let h = b.fullyConnected(x, 32, { activation: 'RELU', name: 'encoder_1' });
  h = b.fullyConnected(h, 8, { activation: 'RELU', name: 'bottleneck' });
  h = b.fullyConnected(h, 32, { activation: 'RELU', name: 'decoder_1' });
  const y = b.fullyConnected(h, SENSOR_BINS, { name: 'reconstruction' });
  b.output(y);
  return b.build();
}
