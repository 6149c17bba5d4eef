/** Decodes .png (pngjs), .jpg/.jpeg (jpeg-js) and .bmp (ours) to 8-bit RGBA. Pure JavaScript: no native modules. */
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { decodeBmp } from './bmp';
import { DatasetError, unreadableSample } from './errors';
import { IMAGE_EXTENSIONS } from './sample-files';

export interface DecodedImage {
  width: number;
  height: number;
  /** width × height × 4 bytes, row-major, RGBA. */
  rgba: Uint8Array;
}

export function decodeImage(bytes: Uint8Array, ext: string, file: string): DecodedImage {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (ext === '.bmp') return decodeBmp(bytes, file);
    if (ext === '.png') {
      const png = PNG.sync.read(buf);
      return { width: png.width, height: png.height, rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    }
    if (ext === '.jpg' || ext === '.jpeg') {
      const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512 });
      return { width: img.width, height: img.height, rgba: img.data };
    }
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    throw unreadableSample(file, `${ext.slice(1).toUpperCase()} image`, (e as Error).message);
  }
  throw new DatasetError('unsupported', file, `${file}: ${ext} images are not supported (${IMAGE_EXTENSIONS.join(', ')} are).`);
}
