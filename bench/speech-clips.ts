/**
 * Spoken keyword clips for the MLPerf Tiny KWS pair (TINYML_BENCH_SPEECH, made by scripts/make-speech-clips.sh from
 * Debian's espeak-ng and flite): one utterance per file, `<word>__<engine>-<voice>-…wav`, 16 kHz mono, 1 s. Each
 * utterance also gets one noisy copy, mixed with TFLite Micro's real `noise_1000ms.wav` (a seeded circular shift) at
 * 20, 10 or 5 dB SNR in turn; the copy stays in its utterance's part, so no part sees another's words.
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeWav } from '../src/core/data/wav';
import { mulberry32 as rng } from '../src/core/common/seeded-random';
import { seededOrder } from '../src/core/data/split';
import { argMax } from '../src/core/quantize/evaluate';
import { KWS_SAMPLES } from './audio-features';

/** The KWS model's output order (MLPerf Tiny keyword_spotting get_dataset.py word_labels). */
export const KWS_LABELS = ['down', 'go', 'left', 'no', 'off', 'on', 'right', 'stop', 'up', 'yes', 'silence', 'unknown'] as const;

export interface SpeechClip {
  /** The file name without .wav, plus " +noise N dB" for a noisy copy. */
  name: string;
  /** Index into KWS_LABELS. */
  label: number;
  audio: Float32Array;
  /** Which utterance (file) the clip is of: a clean clip and its noisy copy share it. */
  utterance: number;
}

export interface SpeechParts { calibration: SpeechClip[]; selection: SpeechClip[]; test: SpeechClip[]; utterances: number }

const SNRS_DB = [20, 10, 5];

function power(x: Float32Array): number {
  let e = 0;
  for (const v of x) e += v * v;
  return e / x.length;
}

/** `clip` + `noise` (shifted circularly by `shift`) scaled to `snrDb` below the clip's mean power. */
export function mixAtSnr(clip: Float32Array, noise: Float32Array, snrDb: number, shift: number): Float32Array {
  const gain = Math.sqrt(power(clip) / (power(noise) * 10 ** (snrDb / 10)));
  const out = new Float32Array(clip.length);
  for (let i = 0; i < clip.length; i++) out[i] = clip[i]! + gain * noise[(i + shift) % noise.length]!;
  return out;
}

/**
 * The folder's utterances shuffled (`seed`) into `fractions` (calibration, selection; the rest is test) by utterance,
 * each with its clean clip and one noisy copy.
 */
export function speechParts(dir: string, noiseFile: string, fractions: [number, number], seed = 11): SpeechParts {
  const noise = decodeWav(new Uint8Array(fs.readFileSync(noiseFile)), path.basename(noiseFile)).samples;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.wav')).sort();
  const order = seededOrder(files.length, seed).map((k) => files[k]!);
  // The noise clip's circular shift per utterance: its own stream.
  const r = rng(seed + 1);
  const nCal = Math.round(fractions[0] * order.length), nSel = Math.round(fractions[1] * order.length);
  const parts: SpeechParts = { calibration: [], selection: [], test: [], utterances: order.length };
  order.forEach((f, i) => {
    const word = f.split('__')[0]!;
    const known = KWS_LABELS.indexOf(word as (typeof KWS_LABELS)[number]);
    const label = known >= 0 ? known : KWS_LABELS.indexOf('unknown');
    const decoded = decodeWav(new Uint8Array(fs.readFileSync(path.join(dir, f))), f);
    if (decoded.sampleRate !== 16000) throw new Error(`${f}: ${decoded.sampleRate} Hz; the KWS features need 16 kHz clips (scripts/make-speech-clips.sh makes them)`);
    const audio = decoded.samples.subarray(0, KWS_SAMPLES);
    const snr = SNRS_DB[i % SNRS_DB.length]!;
    const name = f.replace(/\.wav$/, '');
    const into = i < nCal ? parts.calibration : i < nCal + nSel ? parts.selection : parts.test;
    into.push({ name, label, audio, utterance: i }, { name: `${name} +noise ${snr} dB`, label, audio: mixAtSnr(audio, noise, snr, Math.floor(r() * noise.length)), utterance: i });
  });
  return parts;
}

/**
 * What the model says on the clips (its top-1 against the clip's word): a check that the features are the ones it was
 * trained on. Clean and noisy copies apart, per word, and the most frequent confusions.
 */
export function describeKwsAccuracy(clips: readonly SpeechClip[], outputs: readonly Float32Array[]): string {
  const acc = (pick: (c: SpeechClip) => boolean) => {
    const idx = clips.map((c, i) => [c, i] as const).filter(([c]) => pick(c));
    return { n: idx.length, right: idx.filter(([c, i]) => argMax(outputs[i]!) === c.label).length };
  };
  const pct = (a: { n: number; right: number }) => `${(100 * a.right / Math.max(1, a.n)).toFixed(1)}% of ${a.n}`;
  const clean = (c: SpeechClip) => !c.name.includes('+noise');
  const perWord = KWS_LABELS.map((w, k) => ({ w, a: acc((c) => clean(c) && c.label === k) })).filter((x) => x.a.n > 0);
  const confusions = new Map<string, number>();
  clips.forEach((c, i) => {
    const p = argMax(outputs[i]!);
    if (clean(c) && p !== c.label) { const key = `${KWS_LABELS[c.label]}→${KWS_LABELS[p]}`; confusions.set(key, (confusions.get(key) ?? 0) + 1); }
  });
  const engines = ['espeak', 'flite'].map((e) => `${e} ${pct(acc((c) => clean(c) && c.name.includes(`__${e}-`)))}`);
  return `top-1 = the clip's word: clean ${pct(acc(clean))} (${engines.join(', ')}), with noise ${pct(acc((c) => !clean(c)))}; `
    + `clean per word ${perWord.map((x) => `${x.w} ${(100 * x.a.right / x.a.n).toFixed(0)}%`).join(', ')}; `
    + `most frequent confusions (clean) ${[...confusions].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ${v}`).join(', ')}`;
}
