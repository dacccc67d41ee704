/**
 * `fashion-mnist`: real Fashion-MNIST images with masks = pixel > 0.
 * `source: sample` reads the committed 3,000/1,000 sample; `source: full`
 * reads the 70,000 images of Debian's dataset-fashion-mnist; `source: auto`
 * takes the full set when its files are there and the sample otherwise.
 * The summary's `used` says which one it was.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Json, StageKind } from '../types.js';
import { readIdx } from '../data/idx.js';
import {
  type Dataset,
  type Split,
  type SplitRecord,
  emptySplit,
  writeDataset,
} from '../data/dataset.js';
import { normalizeParam } from '../data/source-params.js';
import { Rng } from '../tf/rng.js';

export const FASHION_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** The committed sample, found relative to the installed package. */
export const SAMPLE_DIR = fileURLToPath(
  new URL('../../../data/fashion-mnist-sample/', import.meta.url),
);
export const FULL_DIR = '/usr/share/datasets/fashion-mnist';

const FILES: Record<'train' | 'test', string> = { train: 'train', test: 't10k' };

const hasSet = (dir: string) => existsSync(join(dir, 'train-images-idx3-ubyte.gz'));

/** Which set a stage reads and from where: `auto` takes the full set when it is there. */
function chooseSet(p: Record<string, unknown>) {
  const asked = p.source as 'auto' | 'sample' | 'full';
  const source = asked === 'auto' ? (hasSet(p.root as string) ? 'full' : 'sample') : asked;
  return { source, dir: source === 'sample' ? SAMPLE_DIR : (p.root as string) };
}

async function readSplit(dir: string, prefix: string) {
  const images = await readIdx(join(dir, `${prefix}-images-idx3-ubyte.gz`));
  const labels = await readIdx(join(dir, `${prefix}-labels-idx1-ubyte.gz`));
  if (images.dims[0] !== labels.dims[0]) {
    throw new Error(`${dir}: ${prefix} has ${images.dims[0]} images but ${labels.dims[0]} labels`);
  }
  return { images, labels };
}

/**
 * Pick `count` items of the allowed classes: all of them in file order when
 * count covers them, else a seeded random subset kept in file order.
 */
function select(
  labels: Uint8Array,
  classes: number[],
  count: number,
  rng: Rng,
  exclude: ReadonlySet<number> = new Set(),
): number[] {
  const allowed = new Set(classes);
  const pool: number[] = [];
  labels.forEach((l, i) => allowed.has(l) && !exclude.has(i) && pool.push(i));
  if (count >= pool.length) return pool;
  const perm = rng.permutation(pool.length).slice(0, count);
  return perm.map((j) => pool[j]).sort((a, b) => a - b);
}

export const fashionMnist: StageKind = {
  kind: 'fashion-mnist',
  // 2: `auto` source, optional val split, mean/std.
  version: 2,
  doc: 'Fashion-MNIST images (28x28 grayscale, 10 classes); mask = pixel > 0.',
  usesEngine: false,
  params: {
    source: {
      type: 'string',
      enum: ['auto', 'sample', 'full'],
      default: 'sample',
      doc:
        '`sample`: the committed 3,000/1,000 images; `full`: 70,000 from the Debian ' +
        'package; `auto`: full when installed, else sample',
    },
    root: {
      type: 'string',
      default: FULL_DIR,
      doc: 'folder holding the full set (IDX + gzip files) for `source: full`',
    },
    train: { type: 'integer', min: 1, default: 3000, doc: 'training images to use' },
    test: { type: 'integer', min: 1, default: 1000, doc: 'test images to use' },
    val: {
      type: 'integer',
      min: 0,
      default: 0,
      doc: 'validation images, drawn from the training file apart from the training images',
    },
    mean: { type: 'list', default: null, doc: 'mean (0-1 scale) subtracted when batching' },
    std: {
      type: 'list',
      default: null,
      doc: 'standard deviation (0-1 scale) divided by when batching',
    },
    classes: {
      type: 'list',
      default: null,
      doc: 'class indices to keep (0-9); default all ten',
    },
  },
  outputs: {
    dataset: { type: 'artifact', artifact: 'dataset', doc: 'images, labels and masks per split' },
    summary: { type: 'json', doc: 'source and counts' },
  },
  checkInstance(p) {
    if (p.source !== 'full' || typeof p.root !== 'string' || hasSet(p.root)) return undefined;
    return {
      message: `\`source: full\` reads ${p.root}, which holds no Fashion-MNIST set`,
      hint:
        'install it with `sudo apt install dataset-fashion-mnist` (Debian), point `root:` ' +
        'at a folder with the four IDX .gz files, or use `source: sample`',
      severity: 'warning',
    };
  },
  inputFiles(p) {
    const { dir } = chooseSet(p);
    return Object.values(FILES).flatMap((prefix) => [
      join(dir, `${prefix}-images-idx3-ubyte.gz`),
      join(dir, `${prefix}-labels-idx1-ubyte.gz`),
    ]);
  },
  async run(ctx, p) {
    const { source, dir } = chooseSet(p);
    if (!hasSet(dir)) {
      throw new Error(
        source === 'full'
          ? `${ctx.instanceId}: the full Fashion-MNIST set is not at ${dir}; ` +
              'install it with `sudo apt install dataset-fashion-mnist` (Debian) ' +
              'or point `root:` at a folder with the four IDX .gz files'
          : `${ctx.instanceId}: the committed sample is missing from ${dir}`,
      );
    }
    const classes = (p.classes as number[] | null) ?? FASHION_CLASSES.map((_, i) => i);
    for (const c of classes) {
      if (!Number.isInteger(c) || c < 0 || c > 9) {
        throw new Error(`${ctx.instanceId}: class ${c} is not an index 0-9`);
      }
    }
    const empty = emptySplit();
    const splits: SplitRecord<Split> = { train: empty, val: empty, test: empty };
    const counts: SplitRecord<number> = { train: 0, val: 0, test: 0 };
    const emptyMasks: SplitRecord<number> = { train: 0, val: 0, test: 0 };
    const val = p.val as number;
    for (const s of ['val', 'train', 'test'] as const) {
      if (s === 'val' && val === 0) continue;
      const raw = await readSplit(dir, FILES[s === 'test' ? 'test' : 'train']);
      const [, h, w] = raw.images.dims;
      const px = h * w;
      // Validation images come out of the training file first; training
      // images are then drawn from the rest, as before when val is 0.
      const exclude = s === 'train' ? new Set(splits.val?.ids?.map(Number) ?? []) : undefined;
      const idx = select(
        raw.labels.data,
        classes,
        p[s] as number,
        Rng.derive(ctx.seed, `data:${s}`),
        exclude,
      );
      if (idx.length < (p[s] as number)) {
        throw new Error(
          `${ctx.instanceId}: asked for ${p[s]} ${s} images, but the ${source} set has ` +
            `only ${idx.length} of the chosen classes` +
            (s === 'train' && val > 0 ? ` once ${val} go to validation` : '') +
            `; lower \`${s}:\`` +
            (source === 'sample' ? ' or read the full set with `source: full`' : ''),
        );
      }
      const images = new Uint8Array(idx.length * px);
      const masks = new Uint8Array(idx.length * px);
      const labels = new Uint8Array(idx.length);
      let empty = 0;
      idx.forEach((src, i) => {
        images.set(raw.images.data.subarray(src * px, (src + 1) * px), i * px);
        let area = 0;
        for (let k = 0; k < px; k++) {
          const on = images[i * px + k] > 0 ? 1 : 0;
          masks[i * px + k] = on;
          area += on;
        }
        if (area === 0) empty++;
        labels[i] = raw.labels.data[src];
      });
      splits[s] = { images, labels, masks, ids: idx.map(String) };
      counts[s] = idx.length;
      emptyMasks[s] = empty;
      ctx.log(`${s}: ${idx.length} images from ${dir} (${empty} with empty masks)`);
    }
    const ds: Dataset = {
      meta: {
        format: 1,
        height: 28,
        width: 28,
        channels: 1,
        classNames: FASHION_CLASSES,
        source:
          source === 'sample' ? `fashion-mnist sample (${dir})` : `fashion-mnist full (${dir})`,
        counts,
        emptyMasks,
        task: 'multi-class',
        ids: true,
      },
      splits,
    };
    const normalize = normalizeParam(ctx.instanceId, p.mean, p.std);
    if (normalize !== undefined) ds.meta.normalize = normalize;
    await writeDataset(join(ctx.outDir, 'dataset'), ds);
    return {
      summary: {
        source: ds.meta.source,
        used: source,
        counts: counts as unknown as Json,
        empty_masks: emptyMasks as unknown as Json,
      },
    };
  },
};
