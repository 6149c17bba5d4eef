// Turns synthesized speech (mono 16-bit PCM WAV at any rate) into Speech Commands-like clips: 16 kHz, one second
// (16000 samples), the spoken part found by its energy and placed in the second (a shift from the file name's hash, so
// that the words do not all start at the same frame), peak at -6 dBFS. Used by scripts/make-speech-clips.sh.
//   node scripts/speech-clips-16k.mjs <in dir> <out dir>
import fs from 'node:fs';
import path from 'node:path';

const RATE = 16000;
const LENGTH = 16000;

function readPcm16(file) {
  const b = fs.readFileSync(file);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file}: not a WAV file`);
  let rate = 0, channels = 0, bits = 0;
  for (let p = 12; p + 8 <= b.length;) {
    const id = b.toString('ascii', p, p + 4);
    // Streaming writers (espeak-ng -w) may leave the data size at 0 or too large: take what is there.
    let size = b.readUInt32LE(p + 4);
    if (id === 'fmt ') {
      channels = b.readUInt16LE(p + 10); rate = b.readUInt32LE(p + 12); bits = b.readUInt16LE(p + 22);
    } else if (id === 'data') {
      if (channels !== 1 || bits !== 16) throw new Error(`${file}: ${channels} channels, ${bits} bits; mono 16-bit expected`);
      if (!size || p + 8 + size > b.length) size = b.length - p - 8;
      const x = new Float64Array(size >> 1);
      for (let i = 0; i < x.length; i++) x[i] = b.readInt16LE(p + 8 + 2 * i) / 32768;
      return { rate, x };
    }
    p += 8 + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

/** Windowed-sinc resampling (Hann window, 24 zero crossings of the lower rate), low-pass at 0.95 × the lower Nyquist. */
function resample(x, from, to) {
  if (from === to) return x;
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
      s += x[k] * sinc * w;
    }
    y[n] = s;
  }
  return y;
}

/** First and last sample of the spoken part: 10 ms frames above 1% of the loudest frame's RMS. */
function spokenPart(x) {
  const F = 160;
  const rms = [];
  for (let i = 0; i + F <= x.length; i += F) {
    let e = 0;
    for (let j = i; j < i + F; j++) e += x[j] * x[j];
    rms.push(Math.sqrt(e / F));
  }
  const top = Math.max(...rms);
  const on = rms.map((r) => r > 0.01 * top);
  const first = on.indexOf(true), last = on.lastIndexOf(true);
  return first < 0 ? [0, x.length] : [first * F, Math.min(x.length, (last + 1) * F)];
}

function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967296;
}

function writePcm16(file, y) {
  const b = Buffer.alloc(44 + 2 * y.length);
  b.write('RIFF', 0, 'ascii'); b.writeUInt32LE(36 + 2 * y.length, 4); b.write('WAVE', 8, 'ascii');
  b.write('fmt ', 12, 'ascii'); b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22);
  b.writeUInt32LE(RATE, 24); b.writeUInt32LE(2 * RATE, 28); b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii'); b.writeUInt32LE(2 * y.length, 40);
  for (let i = 0; i < y.length; i++) b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(y[i] * 32768))), 44 + 2 * i);
  fs.writeFileSync(file, b);
}

const [inDir, outDir] = process.argv.slice(2);
if (!inDir || !outDir) { console.error('usage: node scripts/speech-clips-16k.mjs <in dir> <out dir>'); process.exit(2); }
fs.mkdirSync(outDir, { recursive: true });
let n = 0, cut = 0;
for (const name of fs.readdirSync(inDir).filter((f) => f.endsWith('.wav')).sort()) {
  const { rate, x } = readPcm16(path.join(inDir, name));
  const y = resample(x, rate, RATE);
  const [a, b] = spokenPart(y);
  let spoken = y.subarray(a, b);
  if (spoken.length > LENGTH) { spoken = spoken.subarray(0, LENGTH); cut++; }
  const clip = new Float64Array(LENGTH);
  const free = LENGTH - spoken.length;
  // Somewhere in the middle 80% of the free room, as a word lands in a Speech Commands clip.
  clip.set(spoken, Math.floor(free * (0.1 + 0.8 * hash(name))));
  let peak = 0;
  for (const v of clip) peak = Math.max(peak, Math.abs(v));
  if (peak > 0) for (let i = 0; i < LENGTH; i++) clip[i] *= 0.5 / peak;
  writePcm16(path.join(outDir, name), clip);
  n++;
}
console.log(`${n} clips of 16000 samples at ${RATE} Hz in ${outDir}${cut ? ` (${cut} longer than 1 s, cut at 1 s)` : ''}`);
