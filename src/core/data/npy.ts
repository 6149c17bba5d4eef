/**
 * NumPy `.npy` files (format versions 1-3): https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 * Reading widens every supported element type to float32; writing produces little-endian float32 (what the samples
 * and tests need).
 */
import { halfToFloat } from '../common/float16';
import { elementCount } from '../tflite/tensor-types';
import { DatasetError } from './errors';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** Element types we read, by their NumPy descr without byte order ("f4", "u1", ...). */
const ELEMENT_READERS: Record<string, { bytes: number; read: (v: DataView, offset: number, little: boolean) => number }> = {
  f2: { bytes: 2, read: (v, o, le) => halfToFloat(v.getUint16(o, le)) },
  f4: { bytes: 4, read: (v, o, le) => v.getFloat32(o, le) },
  f8: { bytes: 8, read: (v, o, le) => v.getFloat64(o, le) },
  i1: { bytes: 1, read: (v, o) => v.getInt8(o) },
  u1: { bytes: 1, read: (v, o) => v.getUint8(o) },
  b1: { bytes: 1, read: (v, o) => v.getUint8(o) },
  i2: { bytes: 2, read: (v, o, le) => v.getInt16(o, le) },
  u2: { bytes: 2, read: (v, o, le) => v.getUint16(o, le) },
  i4: { bytes: 4, read: (v, o, le) => v.getInt32(o, le) },
  u4: { bytes: 4, read: (v, o, le) => v.getUint32(o, le) },
  i8: { bytes: 8, read: (v, o, le) => Number(v.getBigInt64(o, le)) },
  u8: { bytes: 8, read: (v, o, le) => Number(v.getBigUint64(o, le)) },
};

const DTYPE_NAMES: Record<string, string> = {
  f2: 'float16', f4: 'float32', f8: 'float64', i1: 'int8', u1: 'uint8', b1: 'bool', i2: 'int16', u2: 'uint16',
  i4: 'int32', u4: 'uint32', i8: 'int64', u8: 'uint64',
};

export interface NpyHeader {
  /** NumPy descr as written, e.g. "<f4". */
  descr: string;
  /** Readable dtype name, e.g. "float32". */
  dtype: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the data in the file. */
  dataOffset: number;
}

export interface NpyArray {
  header: NpyHeader;
  shape: number[];
  /** All elements in C order, widened to float32. */
  data: Float32Array;
}

/** Parses the Python-literal header dict, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }. */
function parseHeaderDict(text: string, file: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) {
    if (/'descr'\s*:\s*\[/.test(text)) {
      throw new DatasetError('dtype', file, `${file}: holds a structured (record) array; save a plain numeric array, e.g. np.save(path, x.astype(np.float32)).`);
    }
    throw new DatasetError('format', file, `${file}: the .npy header is not readable (${JSON.stringify(text.trim().slice(0, 80))}).`);
  }
  const dims = shape[1]!.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const parsed = dims.map((d) => Number(d.replace(/L$/, '')));
  if (parsed.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new DatasetError('format', file, `${file}: the .npy header has an invalid shape (${shape[1]}).`);
  }
  return { descr: descr[1]!, fortranOrder: fortran[1] === 'True', shape: parsed };
}

/** Reads only the header: enough to rank candidate files without loading them. */
export function readNpyHeader(bytes: Uint8Array, file: string): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new DatasetError('format', file, `${file}: not a NumPy .npy file (no \\x93NUMPY signature); save arrays with np.save().`);
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number, start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new DatasetError('format', file, `${file}: the .npy file is truncated in its header.`);
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    throw new DatasetError('unsupported', file, `${file}: .npy format version ${major} is not supported (versions 1 to 3 are).`);
  }
  if (start + headerLen > bytes.length) throw new DatasetError('format', file, `${file}: the .npy file is truncated in its header.`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const { descr, fortranOrder, shape } = parseHeaderDict(text, file);
  const code = descr.replace(/^[<>|=]/, '');
  return { descr, dtype: DTYPE_NAMES[code] ?? descr, fortranOrder, shape, dataOffset: start + headerLen };
}

/** Parses a whole .npy file; `file` names it in errors. */
export function readNpy(bytes: Uint8Array, file: string): NpyArray {
  const header = readNpyHeader(bytes, file);
  const code = header.descr.replace(/^[<>|=]/, '');
  const reader = ELEMENT_READERS[code];
  if (!reader) {
    throw new DatasetError('dtype', file, `${file}: element type ${header.descr} is not supported; convert it with x.astype(np.float32) (float16/32/64 and (u)int8/16/32/64 are read).`);
  }
  if (header.fortranOrder) {
    throw new DatasetError('unsupported', file, `${file}: the array is stored in Fortran (column-major) order; save it in C order: np.save(path, np.ascontiguousarray(x)).`);
  }
  const count = elementCount(header.shape);
  const needed = count * reader.bytes;
  if (header.dataOffset + needed > bytes.length) {
    throw new DatasetError('format', file, `${file}: the .npy file is truncated: shape [${header.shape.join(', ')}] ${header.dtype} needs ${needed} data bytes, the file has ${bytes.length - header.dataOffset}.`);
  }
  const little = !header.descr.startsWith('>');
  const data = new Float32Array(count);
  if (code === 'f4' && little && (bytes.byteOffset + header.dataOffset) % 4 === 0) {
    data.set(new Float32Array(bytes.buffer, bytes.byteOffset + header.dataOffset, count));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset + header.dataOffset, needed);
    for (let i = 0; i < count; i++) data[i] = reader.read(view, i * reader.bytes, little);
  }
  return { header, shape: header.shape, data };
}

/** Writes a little-endian float32 C-order .npy (format 1.0), the header padded to 64 bytes as NumPy does. */
export function writeNpy(shape: readonly number[], data: Float32Array): Uint8Array {
  const count = elementCount(shape);
  if (count !== data.length) throw new RangeError(`writeNpy: shape [${shape.join(', ')}] needs ${count} values, got ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + dict.length + 1;
  dict += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const header = new TextEncoder().encode(dict);
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(header, 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
