/** Writers for tiny dataset files made inside the data tests (npy of any dtype, npz, bmp, wav); png/jpeg via pngjs/jpeg-js. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyml-data-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function write(dir: string, rel: string, bytes: Uint8Array | string): string {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, bytes);
  return p;
}

const NPY_SETTERS: Record<string, [number, (v: DataView, o: number, x: number, le: boolean) => void]> = {
  f4: [4, (v, o, x, le) => v.setFloat32(o, x, le)],
  f8: [8, (v, o, x, le) => v.setFloat64(o, x, le)],
  i1: [1, (v, o, x) => v.setInt8(o, x)],
  u1: [1, (v, o, x) => v.setUint8(o, x)],
  i2: [2, (v, o, x, le) => v.setInt16(o, x, le)],
  i4: [4, (v, o, x, le) => v.setInt32(o, x, le)],
  c8: [8, (v, o, x, le) => v.setFloat32(o, x, le)],
};

/** An .npy of any descr we can write ('<f4', '>f8', '|i1', ...), version 1, optional Fortran flag (data as given). */
export function npyBytes(descr: string, shape: number[], values: ArrayLike<number>, opts: { fortran?: boolean; version?: 1 | 2 } = {}): Uint8Array {
  const [size, set] = NPY_SETTERS[descr.slice(1)]!;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const version = opts.version ?? 1;
  const pre = version === 1 ? 10 : 12;
  let dict = `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  dict += ' '.repeat((64 - ((pre + dict.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(pre + dict.length + values.length * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const v = new DataView(out.buffer);
  if (version === 1) v.setUint16(8, dict.length, true);
  else v.setUint32(8, dict.length, true);
  out.set(new TextEncoder().encode(dict), pre);
  for (let i = 0; i < values.length; i++) set(v, pre + dict.length + i * size, values[i]!, !descr.startsWith('>'));
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip with stored or deflated entries (no ZIP64), as np.savez / np.savez_compressed lay it out. */
export function zipBytes(entries: { name: string; data: Uint8Array }[], deflate: boolean): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = new TextEncoder().encode(e.name);
    const body = deflate ? new Uint8Array(deflateRawSync(e.data)) : e.data;
    const crc = crc32(e.data);
    const local = new Uint8Array(30 + name.length + body.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, deflate ? 8 : 0, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, e.data.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    local.set(body, 30 + name.length);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, deflate ? 8 : 0, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, e.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const dirSize = centrals.reduce((a, c) => a + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, dirSize, true);
  ev.setUint32(16, offset, true);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** RGBA pixels of a w×h test pattern: r = x * 40, g = y * 40, b = 200 - r, alpha 255. */
export function pattern(w: number, h: number): Uint8Array {
  const px = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px.set([x * 40, y * 40, 200 - x * 40, 255], (y * w + x) * 4);
  return px;
}

export function pngBytes(w: number, h: number, rgba: Uint8Array): Uint8Array {
  const png = new PNG({ width: w, height: h });
  png.data = Buffer.from(rgba);
  return new Uint8Array(PNG.sync.write(png));
}

export function jpegBytes(w: number, h: number, rgba: Uint8Array): Uint8Array {
  return new Uint8Array(jpeg.encode({ width: w, height: h, data: Buffer.from(rgba) }, 100).data);
}

/** BMP: 24-bit bottom-up, 8-bit grey palette bottom-up, or 32-bit BI_BITFIELDS top-down. */
export function bmpBytes(w: number, h: number, rgba: Uint8Array, bits: 8 | 24 | 32): Uint8Array {
  const stride = Math.floor((w * bits + 31) / 32) * 4;
  const paletteSize = bits === 8 ? 256 * 4 : 0;
  const masksSize = bits === 32 ? 12 : 0;
  const offset = 14 + 40 + masksSize + paletteSize;
  const out = new Uint8Array(offset + stride * h);
  const v = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  v.setUint32(2, out.length, true);
  v.setUint32(10, offset, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, w, true);
  v.setInt32(22, bits === 32 ? -h : h, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, bits, true);
  v.setUint32(30, bits === 32 ? 3 : 0, true);
  if (bits === 32) {
    v.setUint32(54, 0x00ff0000, true);
    v.setUint32(58, 0x0000ff00, true);
    v.setUint32(62, 0x000000ff, true);
  }
  if (bits === 8) for (let i = 0; i < 256; i++) out.set([i, i, i, 0], 54 + i * 4);
  for (let y = 0; y < h; y++) {
    const row = offset + (bits === 32 ? y : h - 1 - y) * stride;
    for (let x = 0; x < w; x++) {
      const [r, g, b] = rgba.subarray((y * w + x) * 4, (y * w + x) * 4 + 3);
      if (bits === 8) out[row + x] = r!;
      else if (bits === 24) out.set([b!, g!, r!], row + x * 3);
      else out.set([b!, g!, r!, 255], row + x * 4);
    }
  }
  return out;
}

/** A WAV file: 16-bit PCM (samples in [-1, 1) scaled by 32768) or 32-bit float. */
export function wavBytes(samples: ArrayLike<number>, rate: number, format: 'pcm16' | 'float32', channels = 1): Uint8Array {
  const size = format === 'pcm16' ? 2 : 4;
  const out = new Uint8Array(44 + samples.length * size);
  const v = new DataView(out.buffer);
  const text = (o: number, s: string) => out.set(new TextEncoder().encode(s), o);
  text(0, 'RIFF');
  v.setUint32(4, 36 + samples.length * size, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, format === 'pcm16' ? 1 : 3, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * size * channels, true);
  v.setUint16(32, size * channels, true);
  v.setUint16(34, size * 8, true);
  text(36, 'data');
  v.setUint32(40, samples.length * size, true);
  for (let i = 0; i < samples.length; i++) {
    if (format === 'pcm16') v.setInt16(44 + i * 2, Math.round(samples[i]! * 32768), true);
    else v.setFloat32(44 + i * 4, samples[i]!, true);
  }
  return out;
}
