/**
 * The demo's sample, built end to end by the project itself: synthetic healthy-machine vibration spectra → autoencoder
 * trained with TensorFlow.js → float .tflite written by our ModelBuilder/writeModel, plus .npy sets for calibration,
 * held-out healthy windows and anomalous windows (all synthetic, see vibration-spectra.ts).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { concatFloats } from '../common/float-arrays';
import { writeNpy } from '../data/npy';
import { writeModel } from '../tflite';
import { reconstructionErrors, rocAuc } from './anomaly-metrics';
import { buildSensorAnomalyModel, SENSOR_BINS } from './sensor-anomaly-model';
import { trainAutoencoder, type TrainOptions } from './train-autoencoder';
import { generateSpectra } from './vibration-spectra';

export const SENSOR_SAMPLE_FILES = {
  model: 'sensor_anomaly_float.tflite',
  calibration: 'sensor_calibration.npy',
  heldOut: 'sensor_heldout_normal.npy',
  anomalies: 'sensor_heldout_anomalous.npy',
} as const;

export interface SensorSampleOptions {
  trainCount?: number;
  calibrationCount?: number;
  heldOutCount?: number;
  anomalyCount?: number;
  /** Seeds the data; training has its own seed in `train`. */
  seed?: number;
  train?: TrainOptions;
}

export interface TrainedSensorSample {
  modelPath: string;
  calibrationPath: string;
  heldOutPath: string;
  anomalyPath: string;
  /** The model's input tensor name and shape. */
  inputName: string;
  inputShape: number[];
  /** How the data was made, for reports. */
  dataDescription: string;
  trainMs: number;
  /** Final mean squared reconstruction error on the training windows. */
  finalLoss: number;
  /** ROC AUC of reconstruction error, held-out healthy vs anomalous windows, computed with TensorFlow.js. */
  tfjsAuc: number;
  /** TensorFlow.js outputs for the held-out healthy windows (the .tflite must reproduce them). */
  tfjsHeldOutOutputs: Float32Array[];
  modelBytes: number;
}

export async function buildTrainedSensorSample(outDir: string, options: SensorSampleOptions = {}): Promise<TrainedSensorSample> {
  const seed = options.seed ?? 2024;
  // Disjoint seeds per set: no window appears in two sets.
  const train = generateSpectra(options.trainCount ?? 1024, 'normal', seed);
  const calibration = generateSpectra(options.calibrationCount ?? 300, 'normal', seed + 1);
  const heldOut = generateSpectra(options.heldOutCount ?? 200, 'normal', seed + 2);
  const anomalies = generateSpectra(options.anomalyCount ?? 150, 'anomalous', seed + 3);
  const trained = await trainAutoencoder(train, options.train);
  let tfjsHeldOutOutputs: Float32Array[], tfjsAnomalyOutputs: Float32Array[];
  try {
    tfjsHeldOutOutputs = trained.predict(heldOut);
    tfjsAnomalyOutputs = trained.predict(anomalies);
  } finally {
    trained.dispose();
  }
  const tfjsAuc = rocAuc(reconstructionErrors(heldOut, tfjsHeldOutOutputs), reconstructionErrors(anomalies, tfjsAnomalyOutputs));
  const model = buildSensorAnomalyModel(trained.weights);
  const bytes = writeModel(model);
  await fsp.mkdir(outDir, { recursive: true });
  const file = (name: string) => path.join(outDir, name);
  const npy = (rows: Float32Array[]) => writeNpy([rows.length, SENSOR_BINS], concatFloats(rows));
  await fsp.writeFile(file(SENSOR_SAMPLE_FILES.model), bytes);
  await fsp.writeFile(file(SENSOR_SAMPLE_FILES.calibration), npy(calibration));
  await fsp.writeFile(file(SENSOR_SAMPLE_FILES.heldOut), npy(heldOut));
  await fsp.writeFile(file(SENSOR_SAMPLE_FILES.anomalies), npy(anomalies));
  const input = model.subgraphs[0]!.tensors[model.subgraphs[0]!.inputs[0]!]!;
  return {
    modelPath: file(SENSOR_SAMPLE_FILES.model),
    calibrationPath: file(SENSOR_SAMPLE_FILES.calibration),
    heldOutPath: file(SENSOR_SAMPLE_FILES.heldOut),
    anomalyPath: file(SENSOR_SAMPLE_FILES.anomalies),
    inputName: input.name,
    inputShape: [...input.shape],
    dataDescription: `synthetic vibration spectra (${SENSOR_BINS} FFT bins; healthy: rotation harmonics over a noise floor; anomalous: bearing-fault peaks, broadband energy, sub-harmonics), seed ${seed}`,
    trainMs: trained.trainMs,
    finalLoss: trained.lossHistory[trained.lossHistory.length - 1] ?? NaN,
    tfjsAuc,
    tfjsHeldOutOutputs,
    modelBytes: bytes.length,
  };
}
