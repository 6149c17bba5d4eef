/**
 * Real-audio inputs for the MLPerf Tiny pairs bench: the features the MLPerf Tiny models were trained on, computed from
 * recordings the same way their training code does (benchmark/training/keyword_spotting/get_dataset.py for KWS; the
 * anomaly detection reference submission's log-mel file for ToyCar), so that calibration sees what a device would.
 */

/** KWS (MLPerf Tiny kws01) settings: 1 s at 16 kHz, 30 ms Hann windows every 20 ms, 40 mel bins 20–4000 Hz, 10 MFCCs. */
export const KWS_SAMPLES = 16000;
const FRAME = 480;
const STEP = 320;
const FFT = 512;
const MEL_BINS = 40;
const MFCCS = 10;
const FRAMES = 1 + Math.floor((KWS_SAMPLES - FRAME) / STEP); // 49

/** In-place iterative radix-2 FFT of (re, im), length a power of two. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k), wi = Math.sin(ang * k);
        const a = i + k, b = a + len / 2;
        const xr = re[b]! * wr - im[b]! * wi, xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr; im[b] = im[a]! - xi;
        re[a] = re[a]! + xr; im[a] = im[a]! + xi;
      }
    }
  }
}

const hzToMel = (f: number) => 1127 * Math.log(1 + f / 700);

/** tf.signal.linear_to_mel_weight_matrix(40, 257, 16000, 20, 4000): [257][40], the DC row zero. */
function melMatrix(): Float64Array[] {
  const bins = FFT / 2 + 1;
  const lo = hzToMel(20), hi = hzToMel(4000);
  const edges = Array.from({ length: MEL_BINS + 2 }, (_, i) => lo + ((hi - lo) * i) / (MEL_BINS + 1));
  const rows: Float64Array[] = [new Float64Array(MEL_BINS)];
  for (let b = 1; b < bins; b++) {
    const mel = hzToMel((8000 * b) / (bins - 1));
    const row = new Float64Array(MEL_BINS);
    for (let m = 0; m < MEL_BINS; m++) {
      const lower = (mel - edges[m]!) / (edges[m + 1]! - edges[m]!);
      const upper = (edges[m + 2]! - mel) / (edges[m + 2]! - edges[m + 1]!);
      row[m] = Math.max(0, Math.min(lower, upper));
    }
    rows.push(row);
  }
  return rows;
}

let mel: Float64Array[] | undefined;

/**
 * The 49×10 MFCC input of the MLPerf Tiny KWS model from one second of 16 kHz audio (shorter clips are zero-padded):
 * the clip divided by its maximum (digital silence stays zero), |STFT| (periodic Hann, FFT 512), mel weights, log(mel + 1e-6), and
 * tf.signal.mfccs_from_log_mel_spectrograms (DCT-II scaled by 1/√(2·40)), first 10 coefficients.
 */
export function kwsMfcc(clip: Float32Array): Float32Array {
  mel ??= melMatrix();
  const x = new Float64Array(KWS_SAMPLES);
  let max = -Infinity;
  for (let i = 0; i < Math.min(clip.length, KWS_SAMPLES); i++) max = Math.max(max, clip[i]!);
  // A clip of digital silence has no maximum to divide by (TF's division would give NaN): it stays all zeros.
  const scale = max > 0 ? 1 / max : 0;
  for (let i = 0; i < Math.min(clip.length, KWS_SAMPLES); i++) x[i] = clip[i]! * scale;
  const out = new Float32Array(FRAMES * MFCCS);
  const re = new Float64Array(FFT), im = new Float64Array(FFT);
  const logMel = new Float64Array(MEL_BINS);
  for (let f = 0; f < FRAMES; f++) {
    re.fill(0); im.fill(0);
    for (let n = 0; n < FRAME; n++) re[n] = x[f * STEP + n]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * n) / FRAME));
    fft(re, im);
    logMel.fill(0);
    for (let b = 0; b <= FFT / 2; b++) {
      const mag = Math.hypot(re[b]!, im[b]!);
      const row = mel[b]!;
      for (let m = 0; m < MEL_BINS; m++) logMel[m] = logMel[m]! + mag * row[m]!;
    }
    for (let m = 0; m < MEL_BINS; m++) logMel[m] = Math.log(logMel[m]! + 1e-6);
    for (let k = 0; k < MFCCS; k++) {
      let s = 0;
      for (let m = 0; m < MEL_BINS; m++) s += logMel[m]! * Math.cos((Math.PI * k * (2 * m + 1)) / (2 * MEL_BINS));
      out[f * MFCCS + k] = (2 * s) / Math.sqrt(2 * MEL_BINS);
    }
  }
  return out;
}

/** One-second windows of `audio` every `hopSeconds`, starting in [fromSeconds, toSeconds) and ending inside the clip. */
export function oneSecondWindows(audio: Float32Array, sampleRate: number, fromSeconds: number, toSeconds: number, hopSeconds: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let t = fromSeconds; t < toSeconds; t += hopSeconds) {
    const start = Math.round(t * sampleRate);
    if (start + KWS_SAMPLES > audio.length) break;
    out.push(audio.subarray(start, start + KWS_SAMPLES));
  }
  return out;
}

/**
 * ToyCar / ad01 inputs from the anomaly detection reference submission's log-mel file (200 frames × 128 mel bins of a
 * normal ToyCar recording, float32): the model's input is 5 consecutive frames, so frames [from, to) give
 * to − from − 4 overlapping windows. Disjoint frame ranges give disjoint calibration and held-out sets.
 */
export function logMelWindows(bytes: Uint8Array, fromFrame: number, toFrame: number): Float32Array[] {
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const out: Float32Array[] = [];
  for (let f = fromFrame; f + 5 <= toFrame; f++) out.push(all.slice(f * 128, (f + 5) * 128));
  return out;
}
