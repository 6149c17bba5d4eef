/**
 * Minimal ZIP reader for `.npz` files (NumPy's np.savez / np.savez_compressed): stored and deflated entries, ZIP64
 * sizes (NumPy always writes ZIP64 local headers). Reads the central directory, which holds the real sizes.
 */
import { inflateRawSync } from 'node:zlib';
import { DatasetError } from './errors';

const EOCD_SIG = 0x06054b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const ZIP64_EOCD_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface ZipEntry {
  name: string;
  crc32: number;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

function findEndOfCentralDirectory(view: DataView): number {
  // The comment after the record is at most 65535 bytes.
  const stop = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let i = view.byteLength - 22; i >= stop; i--) if (view.getUint32(i, true) === EOCD_SIG) return i;
  return -1;
}

/** Values that overflow 32 bits are 0xFFFFFFFF in the record and follow in the ZIP64 extra field (id 1), in order. */
function applyZip64Extra(view: DataView, extraStart: number, extraLen: number, entry: ZipEntry): void {
  let p = extraStart;
  const end = extraStart + extraLen;
  while (p + 4 <= end) {
    const id = view.getUint16(p, true);
    const len = view.getUint16(p + 2, true);
    if (id === 1) {
      let q = p + 4;
      const take = (): number => {
        const v = Number(view.getBigUint64(q, true));
        q += 8;
        return v;
      };
      if (entry.size === 0xffffffff && q + 8 <= p + 4 + len) entry.size = take();
      if (entry.compressedSize === 0xffffffff && q + 8 <= p + 4 + len) entry.compressedSize = take();
      if (entry.localHeaderOffset === 0xffffffff && q + 8 <= p + 4 + len) entry.localHeaderOffset = take();
      return;
    }
    p += 4 + len;
  }
}

/** Lists the entries of a zip file; `file` names it in errors. */
export function listZipEntries(bytes: Uint8Array, file: string): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (what: string) => new DatasetError('format', file, `${file}: not a readable .npz (zip) file: ${what}. Save it with np.savez() or np.savez_compressed().`);
  const eocd = bytes.length >= 22 ? findEndOfCentralDirectory(view) : -1;
  if (eocd < 0) throw bad('no end-of-central-directory record');
  let count = view.getUint16(eocd + 10, true);
  let dirOffset = view.getUint32(eocd + 16, true);
  if ((count === 0xffff || dirOffset === 0xffffffff) && eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_EOCD_LOCATOR_SIG) {
    const z64 = Number(view.getBigUint64(eocd - 20 + 8, true));
    if (z64 + 56 > bytes.length || view.getUint32(z64, true) !== ZIP64_EOCD_SIG) throw bad('broken ZIP64 end record');
    count = Number(view.getBigUint64(z64 + 32, true));
    dirOffset = Number(view.getBigUint64(z64 + 48, true));
  }
  const entries: ZipEntry[] = [];
  let p = dirOffset;
  const decoder = new TextDecoder('utf-8');
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== CENTRAL_SIG) throw bad(`central directory entry ${i} is damaged`);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    if (p + 46 + nameLen + extraLen > bytes.length) throw bad(`central directory entry ${i} is truncated`);
    const entry: ZipEntry = {
      name: decoder.decode(bytes.subarray(p + 46, p + 46 + nameLen)),
      crc32: view.getUint32(p + 16, true),
      method: view.getUint16(p + 10, true),
      compressedSize: view.getUint32(p + 20, true),
      size: view.getUint32(p + 24, true),
      localHeaderOffset: view.getUint32(p + 42, true),
    };
    applyZip64Extra(view, p + 46 + nameLen, extraLen, entry);
    entries.push(entry);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The uncompressed bytes of one entry. */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry, file: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const where = `${file} (${entry.name})`;
  const p = entry.localHeaderOffset;
  if (p + 30 > bytes.length || view.getUint32(p, true) !== LOCAL_SIG) {
    throw new DatasetError('format', file, `${where}: the zip entry's local header is damaged.`);
  }
  const start = p + 30 + view.getUint16(p + 26, true) + view.getUint16(p + 28, true);
  if (start + entry.compressedSize > bytes.length) throw new DatasetError('format', file, `${where}: the zip entry is truncated.`);
  const raw = bytes.subarray(start, start + entry.compressedSize);
  let out: Uint8Array;
  if (entry.method === 0) out = raw;
  else if (entry.method === 8) {
    try {
      out = new Uint8Array(inflateRawSync(raw));
    } catch (e) {
      throw new DatasetError('format', file, `${where}: the compressed data is corrupt (${(e as Error).message}).`);
    }
  } else {
    throw new DatasetError('unsupported', file, `${where}: zip compression method ${entry.method} is not supported (stored and deflate are, as np.savez and np.savez_compressed write).`);
  }
  if (out.length !== entry.size) throw new DatasetError('format', file, `${where}: expected ${entry.size} bytes after decompression, got ${out.length}.`);
  // A damaged deflate stream can still inflate to the right length: the checksum is what catches it.
  if (crc32(out) !== entry.crc32) throw new DatasetError('format', file, `${where}: the data does not match its checksum: the file is damaged.`);
  return out;
}
