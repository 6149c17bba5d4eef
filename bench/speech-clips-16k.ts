/**
 * Turns synthesized speech (mono WAV at any rate) into Speech Commands-like clips: 16 kHz, one second (16000 samples),
 * the spoken part found by its energy and placed in the second (a shift from the file name's hash, so that the words
 * do not all start at the same frame), peak at -6 dBFS, 16-bit. Run by scripts/make-speech-clips.sh after the build:
 *   node out/bench/speech-clips-16k.js <in dir> <out dir>
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeWav } from '../src/core/data/wav';
import { wavBytes } from '../test/unit/data-writers';
import { KWS_SAMPLES } from './audio-features';

const RATE = 16000;

/** Windowed-sinc resampling (Hann window, 24 zero crossings of the lower rate), low-pass at 0.95 × the lower Nyquist. */
function resample(x: ArrayLike<number>, from: number, to: number): Float64Array {
  if (from === to) return Float64Array.from(x);
  const ratio = to / from;
  const cut = 0.5 * 0.95 * Math.min(1, ratio); // cycles per input sample
  const half = Math.ceil(12 / Math.min(1, ratio));
  const y = new Float64Array(Math.floor(x.length * ratio));
  for (let n = 0; n < y.length; n++) {
    const t = n / ratio;
    const c = Math.floor(t);
    let s = 0;
    for (let k = c - half + 1; k <= c + half; k++) {
      if (k < 0 || k >= x.length) continue;
      const d = t - k;
      const sinc = d === 0 ? 2 * cut : Math.sin(2 * Math.PI * cut * d) / (Math.PI * d);
      const w = 0.5 + 0.5 * Math.cos((Math.PI * d) / half);
      s += x[k]! * sinc * w;
    }
    y[n] = s;
  }
  return y;
}

/** First and last sample of the spoken part: 10 ms frames above 1% of the loudest frame's RMS. */
function spokenPart(x: Float64Array): [number, number] {
  const F = 160;
  const rms: number[] = [];
  for (let i = 0; i + F <= x.length; i += F) {
    let e = 0;
    for (let j = i; j < i + F; j++) e += x[j]! * x[j]!;
    rms.push(Math.sqrt(e / F));
  }
  const top = Math.max(...rms);
  const on = rms.map((r) => r > 0.01 * top);
  const first = on.indexOf(true), last = on.lastIndexOf(true);
  return first < 0 ? [0, x.length] : [first * F, Math.min(x.length, (last + 1) * F)];
}

/** FNV-1a of the name, as a fraction in [0, 1). */
function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967296;
}

function main(): void {
  const [inDir, outDir] = process.argv.slice(2);
  if (!inDir || !outDir) {
    console.error('usage: node out/bench/speech-clips-16k.js <in dir> <out dir>');
    process.exit(2);
  }
  fs.mkdirSync(outDir, { recursive: true });
  let n = 0, cut = 0;
  for (const name of fs.readdirSync(inDir).filter((f) => f.endsWith('.wav')).sort()) {
    const { sampleRate, samples } = decodeWav(new Uint8Array(fs.readFileSync(path.join(inDir, name))), name);
    const y = resample(samples, sampleRate, RATE);
    const [a, b] = spokenPart(y);
    let spoken = y.subarray(a, b);
    if (spoken.length > KWS_SAMPLES) { spoken = spoken.subarray(0, KWS_SAMPLES); cut++; }
    const clip = new Float64Array(KWS_SAMPLES);
    const free = KWS_SAMPLES - spoken.length;
    // Somewhere in the middle 80% of the free room, as a word lands in a Speech Commands clip.
    clip.set(spoken, Math.floor(free * (0.1 + 0.8 * hash(name))));
    let peak = 0;
    for (const v of clip) peak = Math.max(peak, Math.abs(v));
    if (peak > 0) for (let i = 0; i < KWS_SAMPLES; i++) clip[i]! *= 0.5 / peak;
    fs.writeFileSync(path.join(outDir, name), wavBytes(clip, RATE, 'pcm16'));
    n++;
  }
  console.log(`${n} clips of ${KWS_SAMPLES} samples at ${RATE} Hz in ${outDir}${cut ? ` (${cut} longer than 1 s, cut at 1 s)` : ''}`);
}

if (require.main === module) main();
