/**
 * `csv-manifest`: a CSV listing images, their labels and their masks. Paths
 * in it are relative to the CSV's folder and must stay inside `root`
 * (default that folder).
 *
 * Two ways to give labels:
 * - `label_column` (default `label`): the cell names the class; several
 *   classes are separated by `;`. The mask path is in `mask_column`
 *   (default `mask`), one path per class in the same order.
 * - `label_columns: [a, b, ...]`: one column per class, 1/true/yes meaning
 *   present and 0/false/no/empty absent (multi-label). The mask of class
 *   `a` is in column `a_mask`, or as `mask_columns: {a: col}` says.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { StageKind } from '../types.js';
import { buildDataset, type SourceItem } from '../data/build.js';
import { parseCsvFile } from '../data/csv.js';
import { type SplitName, writeDataset } from '../data/dataset.js';
import { resolveInside } from '../data/paths.js';
import { DataProblems, problemNotice } from '../data/problems.js';
import { fileMask, SOURCE_OUTPUTS, SOURCE_PARAMS, sourceOptions } from '../data/source-params.js';
import { missingPath } from '../data/check-paths.js';

/** A 0/1 cell: numbers by value (`1.00` is 1), or true/yes, false/no, empty. */
function flag(cell: string): boolean | undefined {
  const word = cell.trim().toLowerCase();
  if (['true', 'yes'].includes(word)) return true;
  if (['', 'false', 'no'].includes(word)) return false;
  const n = Number(word);
  return n === 1 ? true : n === 0 ? false : undefined;
}
const SPLIT_NAMES: Record<string, SplitName> = {
  train: 'train',
  val: 'val',
  valid: 'val',
  validation: 'val',
  test: 'test',
};

export const csvManifest: StageKind = {
  kind: 'csv-manifest',
  // 2: default ids are the resolved path (`./a.png` is `a.png`).
  version: 2,
  doc: 'Images, labels (multi-label allowed) and mask paths listed in a CSV.',
  usesEngine: false,
  params: {
    csv: {
      type: 'string',
      required: true,
      doc: 'the CSV file (relative: to where alignlab runs); paths in it are relative to it',
    },
    root: {
      type: 'string',
      default: null,
      doc: "folder every listed path must stay in; default the CSV's folder",
    },
    image_column: { type: 'string', default: 'image', doc: 'column with the image path' },
    id_column: {
      type: 'string',
      default: null,
      doc: 'column with a unique id; default the image path',
    },
    label_column: {
      type: 'string',
      default: 'label',
      doc: 'column naming the class (`;` between several)',
    },
    mask_column: {
      type: 'string',
      default: 'mask',
      doc: 'column with the mask path(s) for `label_column`',
    },
    label_columns: {
      type: 'list',
      default: null,
      doc: 'one 0/1 column per class (multi-label); overrides label_column',
    },
    mask_columns: {
      type: 'map',
      default: {},
      doc: 'class -> mask path column for label_columns; default `<class>_mask`',
    },
    split_column: {
      type: 'string',
      default: null,
      doc: 'column giving train/val/test; default a seeded split',
    },
    ...SOURCE_PARAMS,
  },
  outputs: SOURCE_OUTPUTS,
  notice: problemNotice,
  checkInstance: (p) => missingPath('csv', p.csv, 'file'),
  // The CSV and exactly the files it lists (never the rest of `root`).
  async inputFiles(p) {
    const csvPath = resolve(p.csv as string);
    try {
      const { items } = await listManifest(csvPath, p, new DataProblems('csv-manifest'));
      const files = items.flatMap((item) => [
        item.path,
        ...Object.values(item.masks).flatMap((m) =>
          typeof m === 'object' && m.path !== undefined ? [m.path] : [],
        ),
      ]);
      return [csvPath, ...[...new Set(files)].sort()];
    } catch {
      // A CSV that cannot be listed fails the stage itself, with its message.
      return [csvPath];
    }
  },
  async run(ctx, p) {
    const csvPath = resolve(p.csv as string);
    if (!existsSync(csvPath))
      throw new Error(`${ctx.instanceId}: CSV file ${csvPath} does not exist`);
    const problems = new DataProblems(ctx.instanceId, (m) => ctx.log(m));
    const { items, classNames } = await listManifest(csvPath, p, problems);
    const { dataset, summary } = await buildDataset(items, {
      ...sourceOptions(ctx, p, problems),
      source: `csv-manifest (${csvPath})`,
      classNames,
    });
    await writeDataset(join(ctx.outDir, 'dataset'), dataset);
    return { summary };
  },
};

/** The items of a manifest; exported for tests. */
export async function listManifest(
  csvPath: string,
  p: Record<string, unknown>,
  problems: DataProblems,
): Promise<{ items: SourceItem[]; classNames: string[] }> {
  const base = dirname(csvPath);
  const root = resolve(base, (p.root as string | null) ?? '.');
  const shownCsv = basename(csvPath);
  const { header, rows } = parseCsvFile(await readFile(csvPath, 'utf8'), shownCsv, (f, w) =>
    problems.fatal(f, w),
  );
  const threshold = p.mask_threshold as number;
  const need = (col: string, what: string) => {
    if (!header.includes(col)) {
      throw problems.fatal(
        shownCsv,
        `has no ${what} column \`${col}\` (columns: ${header.join(', ')})`,
      );
    }
  };
  need(p.image_column as string, 'image');
  if (p.id_column !== null) need(p.id_column as string, 'id');
  if (p.split_column !== null) need(p.split_column as string, 'split');

  // Label columns: a missing one is dropped with a warning, the rest go on.
  const multi = p.label_columns as string[] | null;
  let classNames: string[];
  if (multi !== null) {
    classNames = multi.filter((c) => {
      if (header.includes(c)) return true;
      problems.warn(
        'missing-label-column',
        shownCsv,
        `has no label column \`${c}\`; class \`${c}\` dropped`,
      );
      return false;
    });
    if (classNames.length === 0)
      throw problems.fatal(shownCsv, 'has none of the label columns; nothing to label');
  } else {
    need(p.label_column as string, 'label');
    const names = new Set<string>();
    for (const r of rows)
      for (const c of splitCell(r.cells[p.label_column as string])) names.add(c);
    classNames = [...names].sort();
  }

  const maskColumns = p.mask_columns as Record<string, string>;
  // A mask column named on purpose must exist; a default `<class>_mask` may not.
  for (const [cls, col] of Object.entries(maskColumns ?? {})) {
    if (!header.includes(col)) {
      throw problems.fatal(
        shownCsv,
        `has no mask column \`${col}\` (given for class \`${cls}\` in mask_columns; ` +
          `columns: ${header.join(', ')})`,
      );
    }
  }
  const items: SourceItem[] = [];
  for (const { line, cells, fields } of rows) {
    const at = `${shownCsv}:${line}`;
    if (fields > header.length) {
      problems.skip(
        'bad-row',
        at,
        `the row has ${fields} fields but the header ${header.length} ` +
          '(a comma in an unquoted field?)',
      );
      continue;
    }
    const image = cells[p.image_column as string];
    if (image === '') {
      problems.skip('unreadable-image', at, 'the image cell is empty');
      continue;
    }
    const imagePath = resolveInside(root, base, image);
    if (imagePath === undefined) {
      problems.skip(
        'path-escapes-root',
        `${at} (${image})`,
        `image path leaves the data root ${root}`,
      );
      continue;
    }

    // Positive classes and, for each, where its mask is.
    let positives: string[];
    const maskCells: Record<string, string | undefined> = {};
    if (multi !== null) {
      const bad = classNames.find((c) => flag(cells[c]) === undefined);
      if (bad !== undefined) {
        problems.skip('bad-label', at, `column \`${bad}\` holds \`${cells[bad]}\`, not 0/1`);
        continue;
      }
      positives = classNames.filter((c) => flag(cells[c]) === true);
      for (const c of positives) maskCells[c] = cells[maskColumns[c] ?? `${c}_mask`];
    } else {
      positives = splitCell(cells[p.label_column as string]);
      const paths = splitCell(cells[p.mask_column as string]);
      positives.forEach((c, k) => (maskCells[c] = paths[k]));
    }

    let escaped = false;
    const masks: SourceItem['masks'] = {};
    for (const c of positives) {
      const cell = maskCells[c];
      if (cell === undefined || cell === '') {
        masks[c] = `${at} gives no mask path`;
        continue;
      }
      const maskPath = resolveInside(root, base, cell);
      if (maskPath === undefined) {
        problems.skip(
          'path-escapes-root',
          `${at} (${cell})`,
          `mask path leaves the data root ${root}`,
        );
        escaped = true;
        break;
      }
      masks[c] = fileMask(maskPath, relative(base, maskPath), threshold);
    }
    if (escaped) continue;

    const item: SourceItem = {
      // The path as resolved, so `./img/a.png` and `img/a.png` are one image.
      id:
        p.id_column === null
          ? relative(base, imagePath).split(sep).join('/')
          : cells[p.id_column as string],
      // Messages about the image name the CSV line it came from.
      file: `${at} (${image})`,
      path: imagePath,
      positives,
      masks,
    };
    if (p.split_column !== null) {
      const s = SPLIT_NAMES[cells[p.split_column as string].toLowerCase()];
      if (s === undefined) {
        problems.skip(
          'bad-split',
          at,
          `split \`${cells[p.split_column as string]}\` is not train, val or test`,
        );
        continue;
      }
      item.split = s;
    }
    items.push(item);
  }
  if (rows.length === 0) throw problems.fatal(shownCsv, 'lists no images');
  return { items, classNames };
}

function splitCell(cell: string | undefined): string[] {
  return (cell ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
