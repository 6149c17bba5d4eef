/**
 * Synthetic vibration spectra of a rotating machine, for the bundled sample (no real sensor data ships with it; this
 * is generated and labelled as such). One window = SENSOR_BINS magnitude bins of an accelerometer FFT (think 2 kHz
 * sampling, 128-point FFT, ~15.6 Hz per bin), log-compressed to roughly [0, 1].
 *
 * Healthy: the rotation frequency (bin 4-8, varying with load) and its first 5 harmonics with decaying, jittered
 * amplitudes, over a 1/f noise floor. Anomalous, three kinds in turn: an outer-race bearing-fault peak at 3.58× the
 * rotation frequency with ±1× sidebands; broadband energy in the upper half of the band (friction, looseness); and a
 * half-order sub-harmonic with raised 2×/3× (mechanical looseness).
 */
import { seededRandom } from '../data/split';
import { SENSOR_BINS } from './sensor-anomaly-model';

export type SpectrumKind = 'normal' | 'anomalous';

/** Standard normal draw (Box-Muller) from a uniform PRNG. */
function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function addPeak(mag: Float64Array, center: number, amplitude: number, width = 0.6): void {
  for (let b = 0; b < mag.length; b++) mag[b]! += amplitude * Math.exp(-0.5 * ((b - center) / width) ** 2);
}

/** Log compression to about [0, 1]: 1e-2 → 0, 1 → 1. */
const compress = (m: number) => (Math.log10(m + 0.01) + 2) / 2;

function spectrum(random: () => number, anomaly: number | undefined): Float32Array {
  const mag = new Float64Array(SENSOR_BINS);
  for (let b = 0; b < SENSOR_BINS; b++) mag[b] = (0.03 / (1 + b / 12)) * (1 + 0.25 * Math.abs(gaussian(random)));
  const f0 = 4 + 4 * random();
  const level = 0.5 + 0.5 * random();
  for (let k = 1; k <= 5; k++) addPeak(mag, k * f0, level * 0.6 ** (k - 1) * (0.8 + 0.4 * random()));
  if (anomaly === 0) {
    const bpfo = 3.58 * f0;
    const a = 0.15 + 0.3 * random();
    addPeak(mag, bpfo, a);
    addPeak(mag, bpfo - f0, a * 0.4);
    addPeak(mag, bpfo + f0, a * 0.4);
  } else if (anomaly === 1) {
    const gain = 3 + 5 * random();
    for (let b = SENSOR_BINS / 2; b < SENSOR_BINS; b++) mag[b]! *= gain * (1 + 0.3 * Math.abs(gaussian(random)));
  } else if (anomaly === 2) {
    addPeak(mag, 0.5 * f0, level * (0.3 + 0.3 * random()));
    addPeak(mag, 2 * f0, level * 0.4);
    addPeak(mag, 3 * f0, level * 0.3);
  }
  return Float32Array.from(mag, compress);
}

/** `count` spectra of one kind, the same for the same seed on every machine. */
export function generateSpectra(count: number, kind: SpectrumKind, seed: number): Float32Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => spectrum(random, kind === 'anomalous' ? i % 3 : undefined));
}

