/**
 * Windows BMP decoding (BITMAPINFOHEADER and later): 1/4/8-bit palettes, 16-bit 5-5-5 and bit fields, 24- and 32-bit,
 * bottom-up or top-down rows. Compressed (RLE, JPEG/PNG-in-BMP) files are refused with a clear error.
 */
import { DatasetError, unreadableSample } from './errors';
import type { DecodedImage } from './image-decode';

function maskShift(mask: number): { shift: number; max: number } {
  if (mask === 0) return { shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { shift, max: mask >>> shift };
}

export function decodeBmp(bytes: Uint8Array, file: string): DecodedImage {
  const bad = (why: string) => unreadableSample(file, 'BMP image', why);
  if (bytes.length < 26 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) throw bad('no BM signature');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = v.getUint32(10, true);
  const dibSize = v.getUint32(14, true);
  if (dibSize < 40 || bytes.length < 14 + dibSize) {
    throw new DatasetError('unsupported', file, `${file}: BMP header of ${dibSize} bytes (OS/2 or truncated) is not supported; re-save the image as a Windows BMP or PNG.`);
  }
  const width = v.getInt32(18, true);
  const rawHeight = v.getInt32(22, true);
  const bpp = v.getUint16(28, true);
  const compression = v.getUint32(30, true);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0) throw bad(`size ${width}×${rawHeight}`);
  if (compression !== 0 && compression !== 3 && compression !== 6) {
    throw new DatasetError('unsupported', file, `${file}: compressed BMP (compression ${compression}) is not supported; re-save it uncompressed or as PNG.`);
  }
  let masks = [0x00ff0000, 0x0000ff00, 0x000000ff, 0];
  if (bpp === 16) masks = [0x7c00, 0x03e0, 0x001f, 0];
  if (compression === 3 || compression === 6) {
    const at = dibSize >= 52 ? 54 : 14 + dibSize; // masks inside V2+ headers, else right after the 40-byte header
    masks = [v.getUint32(at, true), v.getUint32(at + 4, true), v.getUint32(at + 8, true), dibSize >= 56 || compression === 6 ? v.getUint32(at + 12, true) : 0];
  }
  let palette: Uint8Array | undefined;
  if (bpp <= 8) {
    const colors = v.getUint32(46, true) || 1 << bpp;
    const start = 14 + dibSize + (compression === 3 ? 12 : compression === 6 ? 16 : 0);
    if (start + colors * 4 > bytes.length) throw bad('truncated palette');
    palette = bytes.subarray(start, start + colors * 4);
  } else if (bpp !== 16 && bpp !== 24 && bpp !== 32) {
    throw new DatasetError('unsupported', file, `${file}: ${bpp}-bit BMP is not supported (1, 4, 8, 16, 24 and 32-bit are).`);
  }
  const stride = Math.floor((width * bpp + 31) / 32) * 4;
  if (dataOffset + stride * height > bytes.length) throw bad(`pixel data truncated: ${width}×${height} at ${bpp} bits needs ${stride * height} bytes`);
  const rgba = new Uint8Array(width * height * 4);
  const fields = masks.map(maskShift);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      if (palette) {
        const bit = x * bpp;
        const byte = bytes[row + (bit >> 3)]!;
        const index = bpp === 8 ? byte : (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        if (index * 4 + 2 >= palette.length) throw bad(`palette index ${index} out of range`);
        rgba[o] = palette[index * 4 + 2]!;
        rgba[o + 1] = palette[index * 4 + 1]!;
        rgba[o + 2] = palette[index * 4]!;
        rgba[o + 3] = 255;
      } else if (bpp === 24) {
        const p = row + x * 3;
        rgba[o] = bytes[p + 2]!;
        rgba[o + 1] = bytes[p + 1]!;
        rgba[o + 2] = bytes[p]!;
        rgba[o + 3] = 255;
      } else {
        const word = bpp === 16 ? v.getUint16(row + x * 2, true) : v.getUint32(row + x * 4, true);
        for (let c = 0; c < 4; c++) {
          const f = fields[c]!;
          rgba[o + c] = f.max === 0 ? (c === 3 ? 255 : 0) : Math.round((((word & masks[c]!) >>> f.shift) * 255) / f.max);
        }
      }
    }
  }
  return { width, height, rgba };
}
