/**
 * From a source's list of items (image file, positive classes, a mask per
 * positive class) to a dataset artifact: class selection and task, seeded
 * stratified splits with per-split limits, decoding, size checks, resizing,
 * colour and bad-data accounting. The source stages (image-folder,
 * csv-manifest, chexlocalize) only list their items.
 *
 * Rules, in one place:
 * - multi-class: an item needs exactly one selected class;
 * - one-vs-rest: label 1 when the item has `positive`, else 0; an item
 *   whose classes are all unselected is left out, one with no class at all
 *   (a multi-label "no finding" row) is a negative; the mask is that of
 *   the positive class (empty for negatives);
 * - multi-label: kept as for one-vs-rest; labels are multi-hot targets;
 * - otherwise the mask of an item is the union of the masks of its
 *   selected classes (empty for an item without any);
 * - limits apply in each split's taking order (stratified); items past a
 *   limit are not decoded, and a skipped item makes room for the next one.
 */
import type { Json } from '../types.js';
import {
  type Dataset,
  type DatasetMeta,
  type Split,
  type SplitName,
  type SplitRecord,
  type Task,
  countEmpty,
  SPLITS,
} from './dataset.js';
import { type Raster, decodeImage, hasColour, toChannels, binariseMask } from './image-codec.js';
import { type DataProblems, DataError } from './problems.js';
import { resizeBilinear, resizeNearest } from './resize.js';
import { type Fractions, stratifiedOrder, stratifiedSplit } from './split.js';
import { readRegularFile } from './paths.js';

/** A mask not yet resized, at its native size. */
export interface DecodedMask {
  height: number;
  width: number;
  mask: Uint8Array;
  /** Largest source value seen (to hint at 0/1-valued mask files). */
  max?: number;
}

export interface MaskSource {
  /** Shown in messages. */
  file: string;
  /** Absolute path, for masks read from a file of their own. */
  path?: string;
  /** Throws when the mask cannot be read. */
  load(): Promise<DecodedMask>;
}

export interface SourceItem {
  id: string;
  /** The image as shown in messages (relative to the data root). */
  file: string;
  /** Absolute path of the image. */
  path: string;
  /** Classes present in the image (names from the source's class list). */
  positives: string[];
  /**
   * The mask of each positive class; a string says why there is none (what
   * was looked for), for the message.
   */
  masks: Record<string, MaskSource | string | undefined>;
  /** A split given by the source (e.g. a split column); else seeded. */
  split?: SplitName;
}

export type Colour = 'auto' | 'gray' | 'rgb';
export type MaskMismatch = 'resize' | 'skip' | 'fail';

export interface BuildOptions {
  /** Provenance, e.g. `image-folder (/data/pets)`. */
  source: string;
  seed: number;
  /** Every class of the source, in label order. */
  classNames: string[];
  /** Selected classes (default all), in the order they get label indices. */
  classes: string[] | null;
  task: Task;
  /** The positive class of a one-vs-rest task. */
  positive?: string;
  fractions: Fractions;
  limits: Partial<Record<SplitName, number>>;
  /** Dataset size; default the size of the first image read. */
  height?: number;
  width?: number;
  colour: Colour;
  maskMismatch: MaskMismatch;
  /** Gray level at or above which a mask pixel is on (for the hint in messages). */
  maskThreshold: number;
  normalize?: { mean: number[]; std: number[] };
  problems: DataProblems;
  signal?: AbortSignal;
  progress?: (done: number, total: number) => void;
}

interface Kept {
  item: SourceItem;
  /** The classes whose masks make up the item's mask (and its targets). */
  selected: string[];
  label: number;
  stratum: string;
}

interface Loaded {
  id: string;
  rgb: Raster;
  mask: Uint8Array;
  label: number;
  targets: Uint8Array;
}

export async function buildDataset(
  items: SourceItem[],
  o: BuildOptions,
): Promise<{ dataset: Dataset; summary: Record<string, Json> }> {
  const selected = selectClasses(o);
  const filtered: Record<string, number> = {};
  const drop = (why: string) => (filtered[why] = (filtered[why] ?? 0) + 1);

  // Duplicate ids: the first one listed wins, later ones are reported.
  const firstFile = new Map<string, string>();
  const unique: SourceItem[] = [];
  for (const item of items) {
    const first = firstFile.get(item.id);
    if (first !== undefined) {
      o.problems.skip('duplicate-id', item.file, `id \`${item.id}\` was already used by ${first}`);
      continue;
    }
    firstFile.set(item.id, item.file);
    unique.push(item);
  }

  const kept: Kept[] = [];
  for (const item of unique) {
    const k = keep(item, selected, o);
    if (typeof k === 'string') drop(k);
    else kept.push(k);
  }
  const several = filtered['several-labels'] ?? 0;
  if (several > 0) {
    o.problems.warn(
      'several-labels',
      o.source,
      `${several} item${several === 1 ? ' has' : 's have'} several of the selected classes ` +
        'and cannot be one class of a multi-class task; left out (use `task: multi-label` ' +
        'to keep them)',
    );
  }

  // Splits: given by the source, or seeded and stratified.
  const strata = kept.map((k) => k.stratum);
  let order: Record<SplitName, number[]>;
  if (kept.length > 0 && kept.every((k) => k.item.split !== undefined)) {
    order = { train: [], val: [], test: [] };
    kept.forEach((k, i) => order[k.item.split as SplitName].push(i));
    for (const s of SPLITS) order[s] = stratifiedOrder(order[s], strata, o.seed, `order:${s}`);
  } else {
    order = stratifiedSplit(strata, o.fractions, o.seed);
  }

  const size = { height: o.height, width: o.width };
  const loaded: Record<SplitName, Loaded[]> = { train: [], val: [], test: [] };
  const planned = SPLITS.reduce(
    (a, s) => a + Math.min(order[s].length, o.limits[s] ?? Infinity),
    0,
  );
  let done = 0;
  for (const s of SPLITS) {
    const limit = o.limits[s] ?? Infinity;
    let taken = 0;
    for (const i of order[s]) {
      if (taken >= limit) {
        drop('over-limit');
        continue;
      }
      if (o.signal?.aborted) throw new Error('stopped');
      const l = await load(kept[i], selected, size, o);
      if (l !== undefined) {
        loaded[s].push(l);
        taken++;
      }
      o.progress?.(++done, planned);
    }
  }
  return assemble(loaded, selected, size, o, filtered);
}

function selectClasses(o: BuildOptions): string[] {
  const selected = o.classes ?? o.classNames;
  for (const c of selected) {
    if (!o.classNames.includes(c)) {
      throw new DataError(
        `class \`${c}\` is not among this source's classes: ${o.classNames.join(', ')}`,
      );
    }
  }
  if (o.task === 'one-vs-rest' && (o.positive === undefined || !selected.includes(o.positive))) {
    throw new DataError(
      o.positive === undefined
        ? 'a one-vs-rest task needs `positive:` naming one of the classes'
        : `positive class \`${o.positive}\` is not among the selected classes: ` +
            selected.join(', '),
    );
  }
  if (selected.length > 255)
    throw new DataError(`${selected.length} classes; at most 255 fit a label byte`);
  return selected;
}

/** The item's label and stratum, or the reason it is not part of the task. */
function keep(item: SourceItem, selected: string[], o: BuildOptions): Kept | string {
  const sel = selected.filter((c) => item.positives.includes(c));
  if (o.task === 'multi-class') {
    if (sel.length !== 1) return sel.length === 0 ? 'not-selected' : 'several-labels';
    const label = selected.indexOf(sel[0]);
    return { item, selected: sel, label, stratum: String(label) };
  }
  if (item.positives.length > 0 && sel.length === 0) return 'not-selected';
  if (o.task === 'one-vs-rest') {
    const label = sel.includes(o.positive as string) ? 1 : 0;
    return {
      item,
      selected: label === 1 ? [o.positive as string] : [],
      label,
      stratum: String(label),
    };
  }
  const label = sel.length > 0 ? selected.indexOf(sel[0]) : 0;
  return { item, selected: sel, label, stratum: sel.join('|') };
}

async function load(
  k: Kept,
  selected: string[],
  size: { height?: number; width?: number },
  o: BuildOptions,
): Promise<Loaded | undefined> {
  const { item } = k;
  const p = o.problems;

  let image: Raster;
  try {
    image = decodeImage(await readRegularFile(item.path));
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT' ? 'image file not found' : `cannot read the image: ${err.message}`;
    p.skip('unreadable-image', item.file, why);
    return undefined;
  }
  size.height ??= image.height;
  size.width ??= image.width;
  const h = size.height;
  const w = size.width as number;

  // The union of the masks of the item's selected classes, at image size.
  let union: Uint8Array = new Uint8Array(image.height * image.width);
  for (const cls of k.selected) {
    const source = item.masks[cls];
    if (source === undefined || typeof source === 'string') {
      p.skip(
        'missing-mask',
        item.file,
        `no mask for class \`${cls}\`${source ? `: ${source}` : ''}`,
      );
      return undefined;
    }
    let m: DecodedMask;
    try {
      m = await source.load();
    } catch (error) {
      const err = error as NodeJS.ErrnoException;
      const why =
        err.code === 'ENOENT' ? 'mask file not found' : `cannot read the mask: ${err.message}`;
      p.skip('unreadable-mask', source.file, why);
      return undefined;
    }
    if (m.height !== image.height || m.width !== image.width) {
      const what =
        `mask is ${m.height}x${m.width} ` +
        `but its image ${item.file} is ${image.height}x${image.width}`;
      if (o.maskMismatch === 'fail') {
        throw p.fatal(source.file, `${what}; set \`mask_mismatch: resize\` or \`skip\` to go on`);
      }
      if (o.maskMismatch === 'skip') {
        p.skip('mask-size-mismatch', source.file, what);
        return undefined;
      }
      p.warn('mask-resized', source.file, `${what}; resized (nearest neighbour)`);
      m = { ...m, mask: resizeNearest(m.mask, m.height, m.width, image.height, image.width) };
    }
    if (!m.mask.some((v) => v !== 0)) {
      const hint =
        m.max !== undefined && m.max > 0 && m.max < o.maskThreshold
          ? `; its largest value is ${m.max}, below mask_threshold ${o.maskThreshold} ` +
            '(for 0/1 mask files set mask_threshold: 1)'
          : '';
      p.warn('empty-mask', source.file, `mask of positive class \`${cls}\` is empty; kept${hint}`);
    }
    for (let j = 0; j < union.length; j++) union[j] |= m.mask[j];
  }

  const rgb = toChannels(image, 3);
  const targets = new Uint8Array(selected.length);
  for (const c of k.selected) targets[selected.indexOf(c)] = 1;
  if (image.height !== h || image.width !== w) {
    // A size the study set is expected; one taken from the first image is not.
    if (o.height === undefined || o.width === undefined) {
      p.warn(
        'image-resized',
        item.file,
        `image is ${image.height}x${image.width}, not ${h}x${w} like the first image read; ` +
          'resized (bilinear; set `height` and `width` to choose the size)',
      );
    }
    union = resizeNearest(union, image.height, image.width, h, w);
    return {
      id: item.id,
      rgb: {
        height: h,
        width: w,
        channels: 3,
        data: resizeBilinear(rgb.data, image.height, image.width, 3, h, w),
      },
      mask: union,
      label: k.label,
      targets,
    };
  }
  return { id: item.id, rgb, mask: union, label: k.label, targets };
}

function assemble(
  loaded: Record<SplitName, Loaded[]>,
  selected: string[],
  size: { height?: number; width?: number },
  o: BuildOptions,
  filtered: Record<string, number>,
): { dataset: Dataset; summary: Record<string, Json> } {
  const all = SPLITS.flatMap((s) => loaded[s]);
  if (all.length === 0) {
    throw new DataError(
      `no usable images (${o.problems.skippedTotal()} skipped, ` +
        `${JSON.stringify(filtered)} not selected); see the messages above`,
    );
  }
  const h = size.height as number;
  const w = size.width as number;
  const px = h * w;
  const channels =
    o.colour === 'rgb' || (o.colour === 'auto' && all.some((l) => hasColour(l.rgb))) ? 3 : 1;
  const classNames =
    o.task === 'one-vs-rest' ? [`not ${o.positive}`, o.positive as string] : selected;
  const K = selected.length;

  const splits = {} as SplitRecord<Split>;
  const counts = {} as SplitRecord<number>;
  const emptyMasks = {} as SplitRecord<number>;
  for (const s of SPLITS) {
    const list = loaded[s];
    const sp: Split = {
      images: new Uint8Array(list.length * px * channels),
      labels: Uint8Array.from(list, (l) => l.label),
      masks: new Uint8Array(list.length * px),
      ids: list.map((l) => l.id),
    };
    if (o.task === 'multi-label') sp.targets = new Uint8Array(list.length * K);
    list.forEach((l, i) => {
      sp.images.set(toChannels(l.rgb, channels as 1 | 3).data, i * px * channels);
      sp.masks.set(l.mask, i * px);
      sp.targets?.set(l.targets, i * K);
    });
    splits[s] = sp;
    counts[s] = list.length;
    emptyMasks[s] = countEmpty(sp.masks, px);
  }
  const meta: DatasetMeta = {
    format: 1,
    height: h,
    width: w,
    channels,
    classNames,
    source: o.source,
    counts,
    emptyMasks,
    task: o.task,
    maskName: 'object',
    ids: true,
  };
  if (o.task === 'multi-label') meta.targets = true;
  if (o.normalize !== undefined) meta.normalize = o.normalize;

  const problems = o.problems.summary();
  const summary: Record<string, Json> = {
    source: o.source,
    task: o.task,
    classes: classNames,
    size: [h, w, channels],
    counts: counts as unknown as Json,
    empty_masks: emptyMasks as unknown as Json,
    skipped_total: o.problems.skippedTotal(),
    skipped: problems.skipped,
    warnings: problems.warnings,
    not_selected: filtered,
    messages: problems.messages,
    messages_left_off: problems.messages_left_off,
  };
  return { dataset: { meta, splits }, summary };
}
