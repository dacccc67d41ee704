/**
 * Decoding PNG and JPEG files into rasters (pngjs, jpeg-js), and writing
 * PNGs for previews. A raster is row-major, channels last, 8 bits.
 */
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';

export interface Raster {
  height: number;
  width: number;
  /** 1 (gray), 3 (RGB) or 4 (RGBA). */
  channels: number;
  data: Uint8Array;
}

/** Largest image we agree to decode, in megapixels (guards memory). */
const MAX_MEGAPIXELS = 100;

export type ImageFormat = 'png' | 'jpeg';

export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e) {
    return 'png';
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return 'jpeg';
  }
  return undefined;
}

/**
 * Decode a PNG or JPEG (told apart by their first bytes, not the file name)
 * to RGBA. Throws an Error whose message says what is wrong with the bytes;
 * callers add the file name.
 */
export function decodeImage(bytes: Uint8Array): Raster {
  const format = sniffFormat(bytes);
  if (format === undefined) {
    throw new Error(
      bytes.length === 0 ? 'the file is empty' : 'not a PNG or JPEG file (unknown first bytes)',
    );
  }
  // A small file can declare an enormous image: refuse before decoding.
  if (format === 'png' && bytes.length >= 24) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    tooLarge(view.getUint32(16), view.getUint32(20));
  }
  try {
    if (format === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { height: png.height, width: png.width, channels: 4, data: new Uint8Array(png.data) };
    }
    // Strict decoding: a truncated JPEG must fail rather than come back grey.
    const img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      tolerantDecoding: false,
      maxResolutionInMP: MAX_MEGAPIXELS,
    });
    return { height: img.height, width: img.width, channels: 4, data: img.data };
  } catch (cause) {
    const message = (cause as Error).message;
    if (/maxResolutionInMP/.test(message)) {
      throw new Error(`the JPEG is larger than ${MAX_MEGAPIXELS} megapixels; scale it down first`, {
        cause,
      });
    }
    // pngjs says a truncated file left "read requests waiting" (sic).
    const truncated = /read requests wait|unexpected end|ended early/i.test(message);
    const what = truncated ? 'truncated: the file ends early' : `truncated or corrupt: ${message}`;
    throw new Error(`cannot decode ${format.toUpperCase()} (${what})`, { cause });
  }
}

/** Width × height from a PNG header, against the same limit JPEGs get. */
function tooLarge(width: number, height: number): void {
  if (width * height > MAX_MEGAPIXELS * 1e6) {
    throw new Error(
      `the PNG is ${width}×${height} (${((width * height) / 1e6).toFixed(0)} megapixels), ` +
        `larger than ${MAX_MEGAPIXELS} megapixels; scale it down first`,
    );
  }
}

/** Whether an RGBA raster has colour (some pixel with R, G, B not all equal). */
export function hasColour(r: Raster): boolean {
  if (r.channels < 3) return false;
  for (let i = 0; i < r.data.length; i += r.channels) {
    if (r.data[i] !== r.data[i + 1] || r.data[i] !== r.data[i + 2]) return true;
  }
  return false;
}

/**
 * Convert to `channels` (1 or 3). Gray is the mean of R, G and B (ITU-R
 * weights would shift gray values of colour images; a plain mean keeps
 * gray inputs exact). Alpha is dropped: pixels are taken as they are stored.
 */
export function toChannels(r: Raster, channels: 1 | 3): Raster {
  if (r.channels === channels) return r;
  const n = r.height * r.width;
  const out = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) {
    const s = i * r.channels;
    if (channels === 1) {
      out[i] =
        r.channels >= 3 ? Math.round((r.data[s] + r.data[s + 1] + r.data[s + 2]) / 3) : r.data[s];
    } else {
      const [a, b, c] =
        r.channels >= 3
          ? [r.data[s], r.data[s + 1], r.data[s + 2]]
          : [r.data[s], r.data[s], r.data[s]];
      out[i * 3] = a;
      out[i * 3 + 1] = b;
      out[i * 3 + 2] = c;
    }
  }
  return { height: r.height, width: r.width, channels, data: out };
}

/**
 * Binarise a decoded mask: a pixel is on when its gray level (mean of R, G,
 * B) is at least `threshold` and, with an alpha channel, its alpha is not 0.
 * Returns the mask and the largest gray level seen (to spot 0/1-valued
 * masks, which a threshold of 128 reads as empty).
 */
export function binariseMask(r: Raster, threshold: number): { mask: Uint8Array; max: number } {
  const n = r.height * r.width;
  const mask = new Uint8Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) {
    const s = i * r.channels;
    const gray = r.channels >= 3 ? (r.data[s] + r.data[s + 1] + r.data[s + 2]) / 3 : r.data[s];
    const transparent = r.channels === 4 && r.data[s + 3] === 0;
    if (gray > max) max = gray;
    mask[i] = !transparent && gray >= threshold ? 1 : 0;
  }
  return { mask, max };
}

/** Encode an RGB or gray raster as PNG bytes. */
export function encodePng(r: Raster): Buffer {
  const rgb = toChannels(r, 3);
  const png = new PNG({ width: r.width, height: r.height });
  const n = r.height * r.width;
  for (let i = 0; i < n; i++) {
    png.data[i * 4] = rgb.data[i * 3];
    png.data[i * 4 + 1] = rgb.data[i * 3 + 1];
    png.data[i * 4 + 2] = rgb.data[i * 3 + 2];
    png.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}
