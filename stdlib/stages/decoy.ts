/**
 * `decoy`: a square patch outside the object that, in the correlated
 * splits (train by default), gives the label away: class k of K gets gray
 * level round(255 * (1 - k / K)) and sits at anchor k mod 8 (the four
 * corners, then the four edge midpoints, `margin` pixels in). Elsewhere
 * (test by default) each image gets the position and the gray level of
 * two classes drawn at random, independently, so the patch tells nothing.
 * With `correlation` below 1, that share of correlated images is drawn
 * at random as well.
 *
 * The patch never covers the object: when its anchor would touch the
 * object mask it moves to the nearest free position; when none is free
 * the image keeps no patch (warning `decoy-not-placed`). The patch's
 * mask is stored as the extra mask `decoy`; `select-mask` makes it the
 * primary ground truth for stages that read only that one.
 */
import { join } from 'node:path';
import type { Json, StageKind } from '../types.js';
import {
  type Dataset,
  type Split,
  type SplitName,
  SPLITS,
  readDataset,
  splitOf,
  writeDataset,
} from '../data/dataset.js';
import { DataProblems, problemNotice } from '../data/problems.js';
import { Rng } from '../tf/rng.js';

export interface DecoySettings {
  size: number;
  margin: number;
  correlation: number;
  correlated: SplitName[];
}

export const decoy: StageKind = {
  kind: 'decoy',
  version: 1,
  doc: 'Add a class-correlated patch off the object (train), random elsewhere; mask `decoy`.',
  usesEngine: false,
  params: {
    data: {
      type: 'artifact',
      artifact: 'dataset',
      required: true,
      doc: 'the dataset to transform',
    },
    size: {
      type: 'integer',
      min: 1,
      default: null,
      doc: 'patch side in pixels; default an eighth of the smaller image side (at least 2)',
    },
    margin: {
      type: 'integer',
      min: 0,
      default: 1,
      doc: 'distance of the anchors from the image border',
    },
    correlation: {
      type: 'number',
      min: 0,
      max: 1,
      default: 1,
      doc: 'share of correlated-split images whose patch follows the label',
    },
    correlated: {
      type: 'list',
      default: ['train'],
      doc: 'splits where the patch follows the label',
    },
  },
  outputs: {
    dataset: {
      type: 'artifact',
      artifact: 'dataset',
      doc: 'the dataset with patches; extra mask `decoy`',
    },
    summary: { type: 'json', doc: 'patches placed per split, and images that got none' },
  },
  notice: problemNotice,
  async run(ctx, p) {
    const input = await readDataset(p.data as string);
    const { height: h, width: w } = input.meta;
    const correlated = p.correlated as string[];
    for (const s of correlated) {
      if (!(SPLITS as readonly string[]).includes(s)) {
        throw new Error(
          `${ctx.instanceId}: \`correlated\` lists \`${s}\`; splits are train, val and test`,
        );
      }
    }
    const settings: DecoySettings = {
      size: (p.size as number | null) ?? Math.max(2, Math.round(Math.min(h, w) / 8)),
      margin: p.margin as number,
      correlation: p.correlation as number,
      correlated: correlated as SplitName[],
    };
    const problems = new DataProblems(ctx.instanceId, (m) => ctx.log(m));
    const { dataset, placed } = addDecoys(input, settings, ctx.seed, problems);
    await writeDataset(join(ctx.outDir, 'dataset'), dataset);
    return {
      summary: {
        source: dataset.meta.source,
        patch: settings.size,
        placed: placed as unknown as Json,
        counts: dataset.meta.counts as unknown as Json,
        ...(problems.summary() as unknown as Record<string, Json>),
      },
    };
  },
};

/** The 8 anchors (top-left corners of the patch), in class order. */
export function anchors(h: number, w: number, size: number, margin: number): [number, number][] {
  const top = margin;
  const left = margin;
  const bottom = h - size - margin;
  const right = w - size - margin;
  const midY = Math.round((h - size) / 2);
  const midX = Math.round((w - size) / 2);
  return [
    [top, left],
    [top, right],
    [bottom, left],
    [bottom, right],
    [top, midX],
    [midY, right],
    [bottom, midX],
    [midY, left],
  ];
}

export function classLevel(k: number, K: number): number {
  return Math.round(255 * (1 - k / K));
}

/** The transform on a dataset in memory (exported for tests). */
export function addDecoys(
  input: Dataset,
  o: DecoySettings,
  seed: number,
  problems: DataProblems,
): { dataset: Dataset; placed: Record<string, { patches: number; none: number }> } {
  const { height: h, width: w, channels: c } = input.meta;
  if (input.meta.extraMasks?.includes('decoy')) {
    throw new Error('the dataset already has a `decoy` mask; add decoys once');
  }
  if (o.size + 2 * o.margin > Math.min(h, w)) {
    throw new Error(
      `a ${o.size}-pixel patch with margin ${o.margin} does not fit ${h}x${w} images`,
    );
  }
  const K = input.meta.classNames.length;
  const spots = anchors(h, w, o.size, o.margin);
  const splits = {} as Dataset['splits'];
  const placed: Record<string, { patches: number; none: number }> = {};
  for (const s of SPLITS) {
    const src = splitOf(input, s);
    const n = src.labels.length;
    const rng = Rng.derive(seed, `decoy:${s}`);
    const images = src.images.slice();
    const decoyMasks = new Uint8Array(n * h * w);
    const count = { patches: 0, none: 0 };
    for (let i = 0; i < n; i++) {
      // Three draws for every image, used or not, so one image's choices
      // never shift another's.
      const draw = rng.next();
      const follows = o.correlated.includes(s) && draw < o.correlation;
      const posClass = Math.floor(rng.next() * K);
      const levelClass = Math.floor(rng.next() * K);
      const label = src.labels[i];
      const anchor = spots[(follows ? label : posClass) % spots.length];
      const level = classLevel(follows ? label : levelClass, K);
      const object = src.masks.subarray(i * h * w, (i + 1) * h * w);
      const at = freeSpot(object, h, w, o.size, anchor);
      if (at === undefined) {
        count.none++;
        problems.warn(
          'decoy-not-placed',
          `${s} image ${src.ids?.[i] ?? i}`,
          'the object leaves no room for the patch',
        );
        continue;
      }
      count.patches++;
      for (let y = at[0]; y < at[0] + o.size; y++) {
        for (let x = at[1]; x < at[1] + o.size; x++) {
          decoyMasks[i * h * w + y * w + x] = 1;
          for (let k = 0; k < c; k++) images[(i * h * w + y * w + x) * c + k] = level;
        }
      }
    }
    splits[s] = {
      ...src,
      images,
      extraMasks: { ...(src.extraMasks ?? {}), decoy: decoyMasks },
    } satisfies Split;
    placed[s] = count;
  }
  return {
    dataset: {
      meta: {
        ...input.meta,
        extraMasks: [...(input.meta.extraMasks ?? []), 'decoy'],
        source: `${input.meta.source} with decoys`,
      },
      splits,
    },
    placed,
  };
}

/**
 * The patch position nearest to `anchor` (squared distance, then row, then
 * column) whose patch, grown by one pixel, does not touch the object.
 */
function freeSpot(
  object: Uint8Array,
  h: number,
  w: number,
  size: number,
  anchor: [number, number],
): [number, number] | undefined {
  const clear = (y0: number, x0: number) => {
    for (let y = Math.max(0, y0 - 1); y < Math.min(h, y0 + size + 1); y++) {
      for (let x = Math.max(0, x0 - 1); x < Math.min(w, x0 + size + 1); x++) {
        if (object[y * w + x] !== 0) return false;
      }
    }
    return true;
  };
  if (clear(anchor[0], anchor[1])) return anchor;
  let best: [number, number] | undefined;
  let bestD = Infinity;
  for (let y = 0; y <= h - size; y++) {
    for (let x = 0; x <= w - size; x++) {
      const d = (y - anchor[0]) ** 2 + (x - anchor[1]) ** 2;
      if (d < bestD && clear(y, x)) {
        best = [y, x];
        bestD = d;
      }
    }
  }
  return best;
}
