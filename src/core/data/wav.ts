/**
 * RIFF/WAVE decoding: mono PCM16 and IEEE float (32/64-bit), plain or WAVE_FORMAT_EXTENSIBLE. Multi-channel files are
 * refused (the data loader feeds one channel to a model) unless `mixDown` asks for the mean of the channels.
 */
import { DatasetError, unreadableSample } from './errors';

export interface DecodedAudio {
  sampleRate: number;
  /** Mono samples: PCM16 scaled to [-1, 1) (value / 32768), floats as stored. */
  samples: Float32Array;
  format: 'pcm16' | 'float32' | 'float64';
}

export interface DecodeWavOptions {
  /** Average interleaved channels into one instead of refusing a file with more than one. */
  mixDown?: boolean;
}

export function decodeWav(bytes: Uint8Array, file: string, options: DecodeWavOptions = {}): DecodedAudio {
  const bad = (why: string) => unreadableSample(file, 'WAV file', why);
  const text = (o: number) => String.fromCharCode(bytes[o]!, bytes[o + 1]!, bytes[o + 2]!, bytes[o + 3]!);
  if (bytes.length < 12 || text(0) !== 'RIFF' || text(8) !== 'WAVE') throw bad('no RIFF/WAVE header');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | undefined;
  let data: Uint8Array | undefined;
  for (let p = 12; p + 8 <= bytes.length;) {
    const id = text(p);
    const size = v.getUint32(p + 4, true);
    const body = p + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length) throw bad('short fmt chunk');
      let format = v.getUint16(body, true);
      if (format === 0xfffe && size >= 26) format = v.getUint16(body + 24, true); // the sub-format GUID starts with it
      fmt = { format, channels: v.getUint16(body + 2, true), sampleRate: v.getUint32(body + 4, true), bits: v.getUint16(body + 14, true) };
    } else if (id === 'data') {
      // Some writers leave the size at 0 or too large when streaming: take what is there.
      data = bytes.subarray(body, Math.min(bytes.length, body + (size || bytes.length)));
      break;
    }
    p = body + size + (size & 1);
  }
  if (!fmt) throw bad('no fmt chunk');
  if (!data) throw bad('no data chunk');
  if (fmt.channels !== 1 && !(options.mixDown && fmt.channels > 1)) {
    throw new DatasetError('unsupported', file, `${file}: ${fmt.channels} channels; audio inputs take mono WAV files: mix down first (e.g. sox in.wav -c 1 out.wav).`);
  }
  const decoded = decodeSamples(data, fmt, file);
  return fmt.channels === 1 ? decoded : { ...decoded, samples: mixChannels(decoded.samples, fmt.channels) };
}

function mixChannels(interleaved: Float32Array, channels: number): Float32Array {
  const out = new Float32Array(Math.floor(interleaved.length / channels));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += interleaved[i * channels + c]!;
    out[i] = sum / channels;
  }
  return out;
}

function decodeSamples(data: Uint8Array, fmt: { format: number; sampleRate: number; bits: number }, file: string): DecodedAudio {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (fmt.format === 1 && fmt.bits === 16) {
    const n = Math.floor(data.length / 2);
    const samples = new Float32Array(n);
    for (let i = 0; i < n; i++) samples[i] = dv.getInt16(i * 2, true) / 32768;
    return { sampleRate: fmt.sampleRate, samples, format: 'pcm16' };
  }
  if (fmt.format === 3 && (fmt.bits === 32 || fmt.bits === 64)) {
    const size = fmt.bits / 8;
    const n = Math.floor(data.length / size);
    const samples = new Float32Array(n);
    for (let i = 0; i < n; i++) samples[i] = size === 4 ? dv.getFloat32(i * 4, true) : dv.getFloat64(i * 8, true);
    return { sampleRate: fmt.sampleRate, samples, format: size === 4 ? 'float32' : 'float64' };
  }
  const what = fmt.format === 1 ? `${fmt.bits}-bit PCM` : fmt.format === 3 ? `${fmt.bits}-bit float` : `format code ${fmt.format}`;
  throw new DatasetError('dtype', file, `${file}: ${what} audio is not supported; save it as 16-bit PCM or 32-bit float WAV.`);
}
