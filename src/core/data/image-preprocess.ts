/**
 * Image → input tensor: channel conversion (luma, RGB, BGR, RGBA), bilinear resize to the input's H×W (half-pixel
 * centres, as TF2's tf.image.resize does), normalization, NHWC or NCHW layout.
 */
import type { InputSpec } from './dataset';
import { DatasetError } from './errors';
import type { DecodedImage } from './image-decode';
import type { ImageOptions } from './options';
import { describeInput } from './shape-fit';

export interface ImageGeometry {
  height: number;
  width: number;
  channels: number;
  layout: 'nhwc' | 'nchw';
}

/** Height, width, channels of an image input, or undefined when the shape is not an image's. */
export function imageGeometry(shape: readonly number[], layout?: 'nhwc' | 'nchw'): ImageGeometry | undefined {
  const okChannels = (c: number) => c === 1 || c === 3 || c === 4;
  if (shape.length === 4 && shape[0] === 1) {
    const [, a, b, c] = shape as [number, number, number, number];
    const nchw = layout ? layout === 'nchw' : okChannels(a) && !okChannels(c);
    if (nchw) return okChannels(a) ? { height: b, width: c, channels: a, layout: 'nchw' } : undefined;
    return okChannels(c) ? { height: a, width: b, channels: c, layout: 'nhwc' } : undefined;
  }
  if (shape.length === 3 && shape[0] === 1 && shape[1]! > 1 && shape[2]! > 1) return { height: shape[1]!, width: shape[2]!, channels: 1, layout: 'nhwc' };
  if (shape.length === 3 && okChannels(shape[2]!) && shape[0]! > 1) return { height: shape[0]!, width: shape[1]!, channels: shape[2]!, layout: 'nhwc' };
  if (shape.length === 2 && shape[0]! > 1 && shape[1]! > 1) return { height: shape[0]!, width: shape[1]!, channels: 1, layout: 'nhwc' };
  return undefined;
}

/**
 * Channel k (0..255) of pixel i in the input's channel order, as a float32 (what a float channel array would hold),
 * read straight from the decoded RGBA bytes: a 12-megapixel photo would take 144 MB as float channels, and the resize
 * reads only four pixels per output pixel.
 */
function channelReader(img: DecodedImage, channels: number, order: 'rgb' | 'bgr'): (i: number, k: number) => number {
  const px = img.rgba;
  if (channels === 1) {
    // ITU-R BT.601 luma, as PIL's "L" mode; exact for images that are already grey.
    return (i) => {
      const r = px[i * 4]!, g = px[i * 4 + 1]!, b = px[i * 4 + 2]!;
      return r === g && g === b ? r : Math.fround(0.299 * r + 0.587 * g + 0.114 * b);
    };
  }
  const source = order === 'bgr' ? [2, 1, 0, 3] : [0, 1, 2, 3];
  return (i, k) => px[i * 4 + source[k]!]!;
}

/** Bilinear resize of an HWC float image, half-pixel centres (tf.image.resize / resizeBilinear(halfPixelCenters)). */
export function resizeBilinear(src: Float32Array, h: number, w: number, c: number, outH: number, outW: number): Float32Array {
  if (h === outH && w === outW) return src;
  return resizeBilinearFrom((i, k) => src[i * c + k]!, h, w, c, outH, outW);
}

/** resizeBilinear of the image whose channel k at pixel i (row-major) is `at(i, k)`; values as float32. */
function resizeBilinearFrom(at: (i: number, k: number) => number, h: number, w: number, c: number, outH: number, outW: number): Float32Array {
  const out = new Float32Array(outH * outW * c);
  if (h === outH && w === outW) {
    for (let i = 0; i < h * w; i++) for (let k = 0; k < c; k++) out[i * c + k] = at(i, k);
    return out;
  }
  const sy = h / outH, sx = w / outW;
  for (let y = 0; y < outH; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(h - 1, Math.floor(fy)), y1 = Math.min(h - 1, y0 + 1), dy = fy - y0;
    for (let x = 0; x < outW; x++) {
      const fx = Math.max(0, (x + 0.5) * sx - 0.5);
      const x0 = Math.min(w - 1, Math.floor(fx)), x1 = Math.min(w - 1, x0 + 1), dx = fx - x0;
      for (let k = 0; k < c; k++) {
        const tl = at(y0 * w + x0, k), tr = at(y0 * w + x1, k);
        const bl = at(y1 * w + x0, k), br = at(y1 * w + x1, k);
        const top = tl + (tr - tl) * dx, bottom = bl + (br - bl) * dx;
        out[(y * outW + x) * c + k] = top + (bottom - top) * dy;
      }
    }
  }
  return out;
}

/** Per-channel affine map pixel → value, from range or mean/std. */
function normalizer(options: ImageOptions, channels: number, file: string): { scale: number[]; offset: number[] } {
  if (options.mean || options.std) {
    const mean = options.mean ?? [0];
    const std = options.std ?? [1];
    for (const [name, list] of [['mean', mean], ['std', std]] as const) {
      if (list.length !== 1 && list.length !== channels) {
        throw new DatasetError('mismatch', file, `image ${name} has ${list.length} values; give 1 or ${channels} (one per input channel).`);
      }
    }
    const at = (list: readonly number[], k: number) => list[list.length === 1 ? 0 : k]!;
    if (std.some((s) => s === 0)) throw new DatasetError('mismatch', file, 'image std must not be 0.');
    return {
      scale: Array.from({ length: channels }, (_, k) => 1 / at(std, k)),
      offset: Array.from({ length: channels }, (_, k) => -at(mean, k) / at(std, k)),
    };
  }
  const [lo, hi] = options.range ?? [0, 1];
  return { scale: Array(channels).fill((hi - lo) / 255), offset: Array(channels).fill(lo) };
}

/** One image as one sample for `input`. */
export function imageToSample(img: DecodedImage, input: InputSpec, options: ImageOptions, file: string): Float32Array {
  const geo = imageGeometry(input.shape, options.layout);
  if (!geo) {
    throw new DatasetError('shape', file, `${file}: ${describeInput(input)} is not an image input (expected [1, H, W, C] or [1, C, H, W] with 1, 3 or 4 channels).`);
  }
  const hwc = resizeBilinearFrom(channelReader(img, geo.channels, options.channelOrder ?? 'rgb'), img.height, img.width, geo.channels, geo.height, geo.width);
  const { scale, offset } = normalizer(options, geo.channels, file);
  const n = geo.height * geo.width;
  const out = new Float32Array(n * geo.channels);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < geo.channels; k++) {
      const v = hwc[i * geo.channels + k]! * scale[k]! + offset[k]!;
      out[geo.layout === 'nchw' ? k * n + i : i * geo.channels + k] = v;
    }
  }
  return out;
}

/** Aspect ratios this close to the input's count as the same (a 1-pixel rounding of a downscaled photo). */
const SAME_ASPECT = 0.02;

/**
 * What the resize to the input's H×W does to images of another shape, as a warning: stretched (another aspect ratio)
 * or enlarged (smaller than the input); undefined when it only scales images down without distortion. Models trained
 * on centre crops or letterboxed images see other inputs than these.
 */
export function resizeWarning(folder: string, sizes: readonly { width: number; height: number }[], names: readonly string[], target: { width: number; height: number }): string | undefined {
  const aspect = target.width / target.height;
  const stretched = sizes.flatMap((s, i) => (Math.abs(s.width / s.height / aspect - 1) > SAME_ASPECT ? [i] : []));
  const enlarged = sizes.flatMap((s, i) => (s.width < target.width || s.height < target.height ? [i] : []));
  if (!stretched.length && !enlarged.length) return undefined;
  const size = `${target.width}×${target.height}`;
  const example = (i: number) => `${names[i]}, ${sizes[i]!.width}×${sizes[i]!.height}`;
  const parts = [
    ...(stretched.length ? [`${stretched.length} of ${sizes.length} images are not shaped like the input's ${size} (e.g. ${example(stretched[0]!)}): the resize to ${size} stretches them`] : []),
    ...(enlarged.length ? [`${enlarged.length} of ${sizes.length} are smaller than ${size} (e.g. ${example(enlarged[0]!)}): the resize enlarges them`] : []),
  ];
  return `${folder}: ${parts.join('; ')}. If the model was trained on centre crops or letterboxed (padded) images, prepare the images that way first: calibration and accuracy are on the inputs as resized.`;
}
