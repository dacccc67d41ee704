/**
 * `chexlocalize`: the CheXlocalize chest X-ray localisation benchmark as
 * distributed: label CSVs with a `Path` column and one column per
 * pathology (1 = present), and `gt_segmentations_{val,test}.json` mapping
 * image id -> pathology -> `{size: [h, w], counts: <COCO compressed RLE>}`.
 * Image ids and the names that differ between CSV and JSON are derived in
 * stdlib/data/chexlocalize-names.ts. The CSVs are pooled and split with the
 * seed like any other source.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { StageKind } from '../types.js';
import { buildDataset, type MaskSource, type SourceItem } from '../data/build.js';
import { CHEX_PATHOLOGIES, imageIdOf, segmentationName } from '../data/chexlocalize-names.js';
import { parseCsvFile } from '../data/csv.js';
import { writeDataset } from '../data/dataset.js';
import { resolveInside } from '../data/paths.js';
import { DataProblems, problemNotice } from '../data/problems.js';
import { type Rle, decodeRle } from '../data/rle.js';
import { SOURCE_OUTPUTS, SOURCE_PARAMS, sourceOptions } from '../data/source-params.js';
import { missingPath } from '../data/check-paths.js';

type Segmentations = Record<string, Record<string, Rle>>;

/** A finding cell: 1 present; 0, -1 (uncertain) or empty absent; by value. */
function finding(cell: string): boolean | undefined {
  if (cell.trim() === '') return false;
  const n = Number(cell);
  return n === 1 ? true : n === 0 || n === -1 ? false : undefined;
}

export const chexlocalize: StageKind = {
  kind: 'chexlocalize',
  // 2: `Path`s with backslashes are read; an empty one is its own message.
  version: 2,
  doc: 'CheXlocalize chest X-rays: label CSVs plus RLE segmentations per pathology.',
  usesEngine: false,
  params: {
    root: {
      type: 'string',
      required: true,
      doc: 'folder with the label CSVs and segmentation JSONs (relative: to where alignlab runs)',
    },
    label_csvs: {
      type: 'list',
      default: ['val_labels.csv', 'test_labels.csv'],
      doc: 'label CSVs, relative to root',
    },
    segmentations: {
      type: 'list',
      default: ['gt_segmentations_val.json', 'gt_segmentations_test.json'],
      doc: 'segmentation JSONs, relative to root',
    },
    image_root: {
      type: 'string',
      default: null,
      doc: 'folder the CSV `Path`s are relative to; default root',
    },
    path_prefix: {
      type: 'string',
      default: '',
      doc: 'leading part of `Path` to drop, e.g. `CheXpert-v1.0/`',
    },
    ...SOURCE_PARAMS,
    task: { ...SOURCE_PARAMS.task, default: 'multi-label' },
    color: { ...SOURCE_PARAMS.color, default: 'gray' },
  },
  outputs: {
    ...SOURCE_OUTPUTS,
    dataset: { ...SOURCE_OUTPUTS.dataset!, doc: 'images, labels, targets and masks per split' },
  },
  notice: problemNotice,
  checkInstance: (p) => missingPath('root', p.root, 'folder'),
  // Label CSVs and segmentation files may sit outside root (`../x.csv`);
  // inside it they are hashed twice, which changes nothing.
  inputFiles: (p) => {
    const root = resolve(p.root as string);
    return [
      root,
      ...(p.image_root === null ? [] : [resolve(root, p.image_root as string)]),
      ...[...(p.label_csvs as string[]), ...(p.segmentations as string[])].map((f) =>
        resolve(root, f),
      ),
    ];
  },
  async run(ctx, p) {
    const root = resolve(p.root as string);
    const problems = new DataProblems(ctx.instanceId, (m) => ctx.log(m));
    const segs = await readSegmentations(root, p.segmentations as string[], problems);
    const items = await listImages(root, p, segs, problems);
    const { dataset, summary } = await buildDataset(items, {
      ...sourceOptions(ctx, p, problems),
      source: `chexlocalize (${root})`,
      classNames: [...CHEX_PATHOLOGIES],
    });
    await writeDataset(join(ctx.outDir, 'dataset'), dataset);
    return { summary };
  },
};

async function readSegmentations(
  root: string,
  files: string[],
  problems: DataProblems,
): Promise<Segmentations> {
  const all: Segmentations = {};
  for (const f of files) {
    const path = resolve(root, f);
    if (!existsSync(path)) throw problems.fatal(f, `segmentation file not found in ${root}`);
    let parsed: Segmentations;
    try {
      parsed = JSON.parse(await readFile(path, 'utf8')) as Segmentations;
    } catch (cause) {
      throw problems.fatal(f, `is not valid JSON (${(cause as Error).message})`);
    }
    Object.assign(all, parsed);
  }
  return all;
}

/** The items of the label CSVs; exported for tests. */
export async function listImages(
  root: string,
  p: Record<string, unknown>,
  segs: Segmentations,
  problems: DataProblems,
): Promise<SourceItem[]> {
  const imageRoot = resolve(root, (p.image_root as string | null) ?? '.');
  const prefix = p.path_prefix as string;
  const items: SourceItem[] = [];
  for (const f of p.label_csvs as string[]) {
    const csvPath = resolve(root, f);
    if (!existsSync(csvPath)) throw problems.fatal(f, `label CSV not found in ${root}`);
    const { header, rows } = parseCsvFile(await readFile(csvPath, 'utf8'), f, (file, what) =>
      problems.fatal(file, what),
    );
    if (!header.includes('Path')) {
      throw problems.fatal(f, `has no \`Path\` column (columns: ${header.join(', ')})`);
    }
    // A missing pathology column: that finding counts as absent in this CSV.
    const columns = CHEX_PATHOLOGIES.filter((c) => {
      if (header.includes(c)) return true;
      const n = rows.length;
      problems.warn(
        'missing-label-column',
        f,
        `has no label column \`${c}\`; taken as absent in its ${n} rows`,
      );
      return false;
    });

    for (const { line, cells } of rows) {
      const at = `${f}:${line}`;
      if (cells.Path === '') {
        problems.skip('unreadable-image', at, 'the `Path` cell is empty');
        continue;
      }
      // Paths written on Windows: the folders are the same, the separator is not.
      const written = cells.Path.includes('\\') ? cells.Path.replaceAll('\\', '/') : cells.Path;
      const rel = written.startsWith(prefix) ? written.slice(prefix.length) : written;
      const path = resolveInside(imageRoot, imageRoot, rel);
      if (path === undefined) {
        problems.skip(
          'path-escapes-root',
          `${at} (${cells.Path})`,
          `image path leaves the image root ${imageRoot}`,
        );
        continue;
      }
      const bad = columns.find((c) => finding(cells[c]) === undefined);
      if (bad !== undefined) {
        problems.skip('bad-label', at, `column \`${bad}\` holds \`${cells[bad]}\`, not 0/1`);
        continue;
      }
      const id = imageIdOf(written);
      const positives = columns.filter((c) => finding(cells[c]) === true);
      const masks: SourceItem['masks'] = {};
      for (const c of positives) masks[c] = rleMask(segs, id, c);
      items.push({ id, file: rel, path, positives, masks });
    }
  }
  return items;
}

function rleMask(segs: Segmentations, id: string, pathology: string): MaskSource | string {
  const key = segmentationName(pathology);
  const rle = segs[id]?.[key];
  if (rle === undefined) {
    return segs[id] === undefined
      ? `image id \`${id}\` is not in the segmentation files`
      : `the segmentation files have no \`${key}\` for image id \`${id}\``;
  }
  return {
    file: `segmentation ${id}/${key}`,
    async load() {
      if (!Array.isArray(rle.size) || typeof rle.counts !== 'string') {
        throw new Error('entry lacks `size: [h, w]` or a `counts` string');
      }
      const [height, width] = rle.size;
      return { height, width, mask: decodeRle(rle) };
    },
  };
}
