/**
 * `canvas`: each image's object is placed on a larger canvas at a seeded
 * random position, over a chosen background; every mask moves with it.
 *
 * Backgrounds: `noise` (each pixel uniform in 0..noise_level, gray),
 * `constant` (`value` everywhere), `texture` (tiles of other images of the
 * same split, each drawn at random, laid edge to edge from a random offset).
 * `paste: mask` copies only the pixels inside the object mask, so the
 * object's own background does not travel with it as a telltale box;
 * `paste: box` copies the whole image rectangle.
 */
import { join } from 'node:path';
import type { Json, StageKind } from '../types.js';
import {
  type Dataset,
  type Split,
  SPLITS,
  countEmpty,
  readDataset,
  splitOf,
  writeDataset,
} from '../data/dataset.js';
import { Rng } from '../tf/rng.js';

export const canvas: StageKind = {
  kind: 'canvas',
  version: 1,
  doc: 'Place each object at a seeded position on a larger canvas: noise, texture or constant.',
  usesEngine: false,
  params: {
    data: {
      type: 'artifact',
      artifact: 'dataset',
      required: true,
      doc: 'the dataset to transform',
    },
    height: {
      type: 'integer',
      min: 1,
      default: null,
      doc: 'canvas height; default twice the image height',
    },
    width: {
      type: 'integer',
      min: 1,
      default: null,
      doc: 'canvas width; default twice the image width',
    },
    background: {
      type: 'string',
      enum: ['noise', 'texture', 'constant'],
      default: 'noise',
      doc: 'what surrounds the object',
    },
    noise_level: {
      type: 'integer',
      min: 0,
      max: 255,
      default: 128,
      doc: 'noise pixels are uniform in 0..noise_level',
    },
    value: {
      type: 'integer',
      min: 0,
      max: 255,
      default: 0,
      doc: 'gray level of a constant background',
    },
    paste: {
      type: 'string',
      enum: ['mask', 'box'],
      default: 'mask',
      doc: '`mask`: copy the pixels inside the object mask; `box`: the whole image',
    },
  },
  outputs: {
    dataset: {
      type: 'artifact',
      artifact: 'dataset',
      doc: 'the dataset on canvases; masks moved with the objects',
    },
    summary: { type: 'json', doc: 'canvas size, background and counts' },
  },
  async run(ctx, p) {
    const input = await readDataset(p.data as string);
    const { height: h, width: w } = input.meta;
    const H = (p.height as number | null) ?? 2 * h;
    const W = (p.width as number | null) ?? 2 * w;
    if (H < h || W < w) {
      throw new Error(`${ctx.instanceId}: canvas ${H}x${W} is smaller than the ${h}x${w} images`);
    }
    const settings: CanvasSettings = {
      H,
      W,
      background: p.background as CanvasSettings['background'],
      noiseLevel: p.noise_level as number,
      value: p.value as number,
      paste: p.paste as CanvasSettings['paste'],
    };
    const out = placeOnCanvas(input, settings, ctx.seed);
    await writeDataset(join(ctx.outDir, 'dataset'), out);
    ctx.log(
      `placed ${SPLITS.map((s) => `${out.meta.counts[s] ?? 0} ${s}`).join(', ')} ` +
        `images on ${H}x${W}`,
    );
    return {
      summary: {
        source: out.meta.source,
        size: [H, W, out.meta.channels],
        background: settings.background,
        counts: out.meta.counts as unknown as Json,
        empty_masks: out.meta.emptyMasks as unknown as Json,
      },
    };
  },
};

export interface CanvasSettings {
  H: number;
  W: number;
  background: 'noise' | 'texture' | 'constant';
  noiseLevel: number;
  value: number;
  paste: 'mask' | 'box';
}

/** The transform itself, on a dataset in memory (exported for tests). */
export function placeOnCanvas(input: Dataset, o: CanvasSettings, seed: number): Dataset {
  const { height: h, width: w, channels: c } = input.meta;
  const { H, W } = o;
  const splits = {} as Dataset['splits'];
  const counts = { ...input.meta.counts };
  const emptyMasks = { ...input.meta.emptyMasks };
  for (const s of SPLITS) {
    const src = splitOf(input, s);
    const n = src.labels.length;
    const rng = Rng.derive(seed, `canvas:${s}`);
    const out: Split = {
      ...src,
      images: new Uint8Array(n * H * W * c),
      masks: new Uint8Array(n * H * W),
    };
    const extra = Object.entries(src.extraMasks ?? {});
    if (extra.length > 0)
      out.extraMasks = Object.fromEntries(extra.map(([k]) => [k, new Uint8Array(n * H * W)]));

    for (let i = 0; i < n; i++) {
      const img = out.images.subarray(i * H * W * c, (i + 1) * H * W * c);
      fillBackground(img, src, i, input.meta.channels, h, w, o, rng);

      // Position first, then copy: the same offset for image and masks.
      const y0 = Math.floor(rng.next() * (H - h + 1));
      const x0 = Math.floor(rng.next() * (W - w + 1));
      const mask = src.masks.subarray(i * h * w, (i + 1) * h * w);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const from = y * w + x;
          const to = (y0 + y) * W + (x0 + x);
          if (o.paste === 'box' || mask[from] !== 0) {
            for (let k = 0; k < c; k++) img[to * c + k] = src.images[(i * h * w + from) * c + k];
          }
          out.masks[i * H * W + to] = mask[from];
          for (const [name, m] of extra)
            out.extraMasks![name][i * H * W + to] = m[i * h * w + from];
        }
      }
    }
    splits[s] = out;
    counts[s] = n;
    emptyMasks[s] = countEmpty(out.masks, H * W);
  }
  return {
    meta: {
      ...input.meta,
      height: H,
      width: W,
      counts,
      emptyMasks,
      source: `${input.meta.source} on ${H}x${W} ${o.background} canvas`,
    },
    splits,
  };
}

function fillBackground(
  img: Uint8Array,
  src: Split,
  self: number,
  c: number,
  h: number,
  w: number,
  o: CanvasSettings,
  rng: Rng,
): void {
  const { H, W } = o;
  if (o.background === 'constant') {
    img.fill(o.value);
    return;
  }
  if (o.background === 'noise') {
    for (let j = 0; j < H * W; j++) {
      const v = Math.floor(rng.next() * (o.noiseLevel + 1));
      for (let k = 0; k < c; k++) img[j * c + k] = v;
    }
    return;
  }
  // Texture: tiles of other images; with a single image it tiles itself.
  const n = src.labels.length;
  const oy = Math.floor(rng.next() * h);
  const ox = Math.floor(rng.next() * w);
  for (let ty = -oy; ty < H; ty += h) {
    for (let tx = -ox; tx < W; tx += w) {
      let other = Math.floor(rng.next() * Math.max(1, n - 1));
      if (n > 1 && other >= self) other++;
      for (let y = Math.max(0, ty); y < Math.min(H, ty + h); y++) {
        for (let x = Math.max(0, tx); x < Math.min(W, tx + w); x++) {
          const from = (other * h * w + (y - ty) * w + (x - tx)) * c;
          for (let k = 0; k < c; k++) img[(y * W + x) * c + k] = src.images[from + k];
        }
      }
    }
  }
}
