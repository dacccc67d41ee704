/**
 * The dataset artifact every data stage writes and every model stage reads:
 * `dataset.json` (shape, classes, counts, provenance) and per split
 * `<split>-images.u8` (N x H x W x C, 0-255), `<split>-labels.u8` and
 * `<split>-masks.u8` (N x H x W, 0/1 ground truth).
 *
 * Optional parts, each announced in dataset.json so older readers that do
 * not know them still read the rest:
 * - a `val` split (`counts.val`); datasets written before it have none;
 * - `extraMasks: [name, ...]`: further ground truths per image, in
 *   `<split>-mask-<name>.u8` (N x H x W), e.g. `decoy` from the decoy stage;
 * - `targets`: a multi-label task's N x K multi-hot labels in
 *   `<split>-targets.u8`; `labels` then holds the first positive class
 *   (0 when there is none);
 * - `ids`: `<split>-ids.json`, the source id of each image, for messages
 *   and previews;
 * - `normalize: {mean, std}` (per channel, on the 0-1 scale): batchTensors
 *   returns (x / 255 - mean) / std instead of x / 255;
 * - `task` (multi-class when absent) and `maskName`, what the primary mask
 *   marks (`object` when absent; `decoy` after select-mask).
 *
 * The train, align, explain and metrics stages read labels and the primary
 * mask only: a multi-label dataset trains as multi-class on its first
 * positive class until a stage reads `targets`.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

export const SPLITS = ['train', 'val', 'test'] as const;
export type SplitName = (typeof SPLITS)[number];

/** Per split values; `val` is optional so datasets without it stay valid. */
export type SplitRecord<T> = { train: T; test: T; val?: T };

/**
 * `multi-class`: one label per image; `one-vs-rest`: 1 = the positive class;
 * `multi-label`: see targets.
 */
export type Task = 'multi-class' | 'one-vs-rest' | 'multi-label';

export interface DatasetMeta {
  format: 1;
  height: number;
  width: number;
  channels: number;
  classNames: string[];
  /** Where the images came from, e.g. `fashion-mnist sample (data/...)`. */
  source: string;
  counts: SplitRecord<number>;
  /** Images whose mask is empty, per split. */
  emptyMasks: SplitRecord<number>;
  task?: Task;
  /** What the primary mask marks, e.g. `object`; `object` when absent. */
  maskName?: string;
  extraMasks?: string[];
  targets?: boolean;
  ids?: boolean;
  normalize?: { mean: number[]; std: number[] };
}

export interface Split {
  images: Uint8Array;
  labels: Uint8Array;
  masks: Uint8Array;
  /** Named further masks (see DatasetMeta.extraMasks). */
  extraMasks?: Record<string, Uint8Array>;
  /** Multi-hot N x K labels of a multi-label task. */
  targets?: Uint8Array;
  ids?: string[];
}

export interface Dataset {
  meta: DatasetMeta;
  splits: SplitRecord<Split>;
}

/** A split of a dataset, empty when the dataset has none (val). */
export function splitOf(ds: Dataset, s: SplitName): Split {
  return ds.splits[s] ?? emptySplit();
}

export function countOf(meta: DatasetMeta, s: SplitName): number {
  return meta.counts[s] ?? 0;
}

export function emptySplit(): Split {
  return { images: new Uint8Array(0), labels: new Uint8Array(0), masks: new Uint8Array(0) };
}

export async function writeDataset(dir: string, ds: Dataset): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'dataset.json'), JSON.stringify(ds.meta, null, 2));
  for (const s of SPLITS) {
    const sp = splitOf(ds, s);
    await writeFile(join(dir, `${s}-images.u8`), sp.images);
    await writeFile(join(dir, `${s}-labels.u8`), sp.labels);
    await writeFile(join(dir, `${s}-masks.u8`), sp.masks);
    for (const name of ds.meta.extraMasks ?? []) {
      const m = sp.extraMasks?.[name];
      if (m === undefined) throw new Error(`dataset split ${s} lacks its \`${name}\` mask`);
      await writeFile(join(dir, `${s}-mask-${name}.u8`), m);
    }
    if (ds.meta.targets === true)
      await writeFile(join(dir, `${s}-targets.u8`), sp.targets ?? new Uint8Array(0));
    if (ds.meta.ids === true)
      await writeFile(join(dir, `${s}-ids.json`), JSON.stringify(sp.ids ?? []));
  }
}

export async function readDataset(dir: string): Promise<Dataset> {
  const meta = JSON.parse(await readFile(join(dir, 'dataset.json'), 'utf8')) as DatasetMeta;
  // Datasets written before the val split existed have no val files.
  meta.counts.val ??= 0;
  meta.emptyMasks.val ??= 0;
  const px = meta.height * meta.width;
  const splits = {} as SplitRecord<Split>;
  for (const s of SPLITS) {
    const n = countOf(meta, s);
    const load = async (name: string, size: number) => {
      const file = join(dir, `${s}-${name}.u8`);
      if (size === 0 && !existsSync(file)) return new Uint8Array(0);
      const b = new Uint8Array(await readFile(file));
      if (b.length !== size) {
        throw new Error(`${file}: expected ${size} bytes, found ${b.length}`);
      }
      return b;
    };
    const split: Split = {
      images: await load('images', n * px * meta.channels),
      labels: await load('labels', n),
      masks: await load('masks', n * px),
    };
    if (meta.extraMasks !== undefined && meta.extraMasks.length > 0) {
      split.extraMasks = {};
      for (const name of meta.extraMasks)
        split.extraMasks[name] = await load(`mask-${name}`, n * px);
    }
    if (meta.targets === true) split.targets = await load('targets', n * meta.classNames.length);
    if (meta.ids === true) {
      split.ids = JSON.parse(await readFile(join(dir, `${s}-ids.json`), 'utf8')) as string[];
    }
    splits[s] = split;
  }
  return { meta, splits };
}

/** A batch as tensors: images scaled to [0, 1] (or normalised), labels int32, masks 0/1. */
export interface Batch {
  x: tf.Tensor4D;
  y: tf.Tensor1D;
  mask: tf.Tensor3D;
}

export interface BatchOptions {
  /** Use this extra mask (DatasetMeta.extraMasks) instead of the primary one. */
  mask?: string;
}

export function batchTensors(
  ds: Dataset,
  split: SplitName,
  index: number[],
  options: BatchOptions = {},
): Batch {
  const { height: h, width: w, channels: c } = ds.meta;
  const sp = splitOf(ds, split);
  const masks = options.mask === undefined ? sp.masks : sp.extraMasks?.[options.mask];
  if (masks === undefined) {
    throw new Error(
      `the dataset has no mask \`${options.mask}\`; it has: ` +
        ['(primary)', ...(ds.meta.extraMasks ?? [])].join(', '),
    );
  }
  const norm = ds.meta.normalize;
  const mean = Array.from({ length: c }, (_, k) => norm?.mean[k % norm.mean.length] ?? 0);
  const std = Array.from({ length: c }, (_, k) => norm?.std[k % norm.std.length] ?? 1);
  const n = index.length;
  const x = new Float32Array(n * h * w * c);
  const m = new Float32Array(n * h * w);
  const y = new Int32Array(n);
  index.forEach((src, i) => {
    const img = sp.images.subarray(src * h * w * c, (src + 1) * h * w * c);
    for (let k = 0; k < img.length; k++) {
      const ch = k % c;
      x[i * h * w * c + k] =
        norm === undefined ? img[k] / 255 : (img[k] / 255 - mean[ch]) / std[ch];
    }
    const mk = masks.subarray(src * h * w, (src + 1) * h * w);
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

/** Count images whose mask has no pixel set. */
export function countEmpty(masks: Uint8Array, px: number): number {
  let empty = 0;
  for (let i = 0; i * px < masks.length; i++) {
    if (!masks.subarray(i * px, (i + 1) * px).some((v) => v !== 0)) empty++;
  }
  return empty;
}
