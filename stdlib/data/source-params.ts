/**
 * Parameters shared by the file-based source stages (image-folder,
 * csv-manifest, chexlocalize), and reading them into BuildOptions.
 */
import type { OutputSpec, ParamSpec, StageContext } from '../types.js';
import type { BuildOptions, Colour, DecodedMask, MaskMismatch, MaskSource } from './build.js';
import type { Task } from './dataset.js';
import { binariseMask, decodeImage } from './image-codec.js';
import { DataProblems } from './problems.js';
import { readRegularFile } from './paths.js';

/** Outputs of every file-based source stage. */
export const SOURCE_OUTPUTS: Record<string, OutputSpec> = {
  dataset: { type: 'artifact', artifact: 'dataset', doc: 'images, labels and masks per split' },
  summary: { type: 'json', doc: 'source, counts, and every skipped item with its reason' },
};

/** Mask pixels at or above this gray level (0-255) are on. */
export const DEFAULT_MASK_THRESHOLD = 128;

export const SOURCE_PARAMS: Record<string, ParamSpec> = {
  classes: {
    type: 'list',
    default: null,
    doc: 'class names to keep, in label order; default all',
  },
  task: {
    type: 'string',
    enum: ['multi-class', 'one-vs-rest', 'multi-label'],
    default: 'multi-class',
    doc:
      '`multi-class`: one label per image; `one-vs-rest`: `positive` vs the rest; ' +
      '`multi-label`: multi-hot targets',
  },
  positive: { type: 'string', default: null, doc: 'the positive class of a one-vs-rest task' },
  split: {
    type: 'map',
    default: { train: 0.8, val: 0, test: 0.2 },
    doc: 'fractions of each class going to train, val and test (seeded, stratified)',
  },
  limit: {
    type: 'map',
    default: {},
    doc: 'most images per split, e.g. {train: 200, test: 100}, taken stratified',
  },
  height: {
    type: 'integer',
    min: 1,
    default: null,
    doc: "image height after resizing (bilinear); default the first image's",
  },
  width: {
    type: 'integer',
    min: 1,
    default: null,
    doc: "image width after resizing (bilinear); default the first image's",
  },
  color: {
    type: 'string',
    enum: ['auto', 'gray', 'rgb'],
    default: 'auto',
    doc: '`gray` (mean of R, G, B), `rgb`, or `auto`: rgb when any image has colour',
  },
  mask_threshold: {
    type: 'integer',
    min: 1,
    max: 255,
    default: DEFAULT_MASK_THRESHOLD,
    doc: 'a mask pixel is on when its gray level is at least this (use 1 for 0/1 mask files)',
  },
  mask_mismatch: {
    type: 'string',
    enum: ['resize', 'skip', 'fail'],
    default: 'resize',
    doc: 'a mask of another size than its image: resize it with a warning, skip the image, or fail',
  },
  mean: {
    type: 'list',
    default: null,
    doc: 'per-channel mean (0-1 scale) subtracted when batching',
  },
  std: {
    type: 'list',
    default: null,
    doc: 'per-channel standard deviation (0-1 scale) divided by when batching',
  },
  // The cache key holds a stage's parameters, not the contents of the files
  // they name: edited images under `root` are not noticed on their own.
  revision: {
    type: 'string',
    default: '',
    doc: 'any text; change it after editing the data files so the dataset is built again',
  },
};

/** BuildOptions from the shared parameters (classes and source set by the stage). */
export function sourceOptions(
  ctx: StageContext,
  p: Record<string, unknown>,
  problems: DataProblems,
): Omit<BuildOptions, 'source' | 'classNames'> {
  const split = p.split as Record<string, number>;
  const limits = p.limit as Record<string, number>;
  const bad = (what: string) => new Error(`${ctx.instanceId}: ${what}`);
  for (const key of [...Object.keys(split), ...Object.keys(limits)]) {
    if (!['train', 'val', 'test'].includes(key)) {
      throw bad(`\`split\` and \`limit\` take train, val and test, not \`${key}\``);
    }
  }
  for (const [key, v] of Object.entries(split)) {
    if (typeof v !== 'number' || !(v >= 0)) throw bad(`split.${key} must be a number ≥ 0`);
  }
  for (const [key, v] of Object.entries(limits)) {
    if (!Number.isInteger(v) || v < 0) throw bad(`limit.${key} must be a whole number ≥ 0`);
  }
  return {
    seed: ctx.seed,
    classes: (p.classes as string[] | null) ?? null,
    task: p.task as Task,
    positive: (p.positive as string | null) ?? undefined,
    fractions: { train: split.train ?? 0, val: split.val ?? 0, test: split.test ?? 0 },
    limits,
    height: (p.height as number | null) ?? undefined,
    width: (p.width as number | null) ?? undefined,
    colour: p.color as Colour,
    maskMismatch: p.mask_mismatch as MaskMismatch,
    maskThreshold: p.mask_threshold as number,
    normalize: normalizeParam(ctx.instanceId, p.mean, p.std),
    problems,
    signal: ctx.signal,
    progress: (step, total) => {
      if (step % 50 === 0 || step === total) ctx.progress({ step, total, phase: 'decoding' });
    },
  };
}

export function normalizeParam(
  stage: string,
  mean: unknown,
  std: unknown,
): { mean: number[]; std: number[] } | undefined {
  if ((mean ?? null) === null && (std ?? null) === null) return undefined;
  const m = (mean as number[] | null) ?? [0];
  const s = (std as number[] | null) ?? [1];
  if (!m.every((v) => typeof v === 'number') || !s.every((v) => typeof v === 'number' && v > 0)) {
    throw new Error(`${stage}: \`mean\` must list numbers and \`std\` numbers above 0`);
  }
  return { mean: m, std: s };
}

/** A mask stored as an image file, binarised at `threshold`. */
export function fileMask(path: string, shown: string, threshold: number): MaskSource {
  return {
    file: shown,
    path,
    async load(): Promise<DecodedMask> {
      const raster = decodeImage(await readRegularFile(path));
      const { mask, max } = binariseMask(raster, threshold);
      return { height: raster.height, width: raster.width, mask, max };
    },
  };
}
