/**
 * The dataset artifact every data stage writes and every model stage reads:
 * `dataset.json` (shape, classes, counts, provenance) and per split
 * `<split>-images.u8` (N x H x W x C, 0-255), `<split>-labels.u8` and
 * `<split>-masks.u8` (N x H x W, 0/1 ground truth).
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

export const SPLITS = ['train', 'test'] as const;
export type SplitName = (typeof SPLITS)[number];

export interface DatasetMeta {
  format: 1;
  height: number;
  width: number;
  channels: number;
  classNames: string[];
  /** Where the images came from, e.g. `fashion-mnist sample (data/...)`. */
  source: string;
  counts: Record<SplitName, number>;
  /** Images whose mask is empty, per split. */
  emptyMasks: Record<SplitName, number>;
}

export interface Split {
  images: Uint8Array;
  labels: Uint8Array;
  masks: Uint8Array;
}

export interface Dataset {
  meta: DatasetMeta;
  splits: Record<SplitName, Split>;
}

export async function writeDataset(dir: string, ds: Dataset): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'dataset.json'), JSON.stringify(ds.meta, null, 2));
  for (const s of SPLITS) {
    const sp = ds.splits[s];
    await writeFile(join(dir, `${s}-images.u8`), sp.images);
    await writeFile(join(dir, `${s}-labels.u8`), sp.labels);
    await writeFile(join(dir, `${s}-masks.u8`), sp.masks);
  }
}

export async function readDataset(dir: string): Promise<Dataset> {
  const meta = JSON.parse(await readFile(join(dir, 'dataset.json'), 'utf8')) as DatasetMeta;
  const px = meta.height * meta.width;
  const splits = {} as Record<SplitName, Split>;
  for (const s of SPLITS) {
    const n = meta.counts[s];
    const load = async (name: string, size: number) => {
      const file = join(dir, `${s}-${name}.u8`);
      const b = new Uint8Array(await readFile(file));
      if (b.length !== size) {
        throw new Error(`${file}: expected ${size} bytes, found ${b.length}`);
      }
      return b;
    };
    splits[s] = {
      images: await load('images', n * px * meta.channels),
      labels: await load('labels', n),
      masks: await load('masks', n * px),
    };
  }
  return { meta, splits };
}

/** A batch as tensors: images scaled to [0, 1], labels int32, masks 0/1. */
export interface Batch {
  x: tf.Tensor4D;
  y: tf.Tensor1D;
  mask: tf.Tensor3D;
}

export function batchTensors(ds: Dataset, split: SplitName, index: number[]): Batch {
  const { height: h, width: w, channels: c } = ds.meta;
  const sp = ds.splits[split];
  const n = index.length;
  const x = new Float32Array(n * h * w * c);
  const m = new Float32Array(n * h * w);
  const y = new Int32Array(n);
  index.forEach((src, i) => {
    const img = sp.images.subarray(src * h * w * c, (src + 1) * h * w * c);
    for (let k = 0; k < img.length; k++) x[i * h * w * c + k] = img[k] / 255;
    const mk = sp.masks.subarray(src * h * w, (src + 1) * h * w);
    for (let k = 0; k < mk.length; k++) m[i * h * w + k] = mk[k];
    y[i] = sp.labels[src];
  });
  return {
    x: tf.tensor4d(x, [n, h, w, c]),
    y: tf.tensor1d(y, 'int32'),
    mask: tf.tensor3d(m, [n, h, w]),
  };
}

export function disposeBatch(b: Batch): void {
  b.x.dispose();
  b.y.dispose();
  b.mask.dispose();
}
