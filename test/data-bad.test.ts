/**
 * Bad data: each case gives a message naming the stage instance and the
 * file, the summary counts it by reason, and the other images go on.
 */
import test, { type ExecutionContext } from 'ava';
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readDataset } from '../stdlib/data/dataset.js';
import { csvManifest } from '../stdlib/stages/csv-manifest.js';
import { chexlocalize } from '../stdlib/stages/chexlocalize.js';
import { imageFolder } from '../stdlib/stages/image-folder.js';
import type { StageKind } from '../stdlib/types.js';
import { rect, runStage, tempDir, writeJpeg, writePng } from './fixtures/data/helpers.js';

const STAGE = 'faces[seed=1]';

/** root/a/{0..3}.png with masks; `spoil` then damages the folder. */
function folder(spoil: (root: string) => void): string {
  const root = tempDir();
  for (let i = 0; i < 4; i++) {
    writePng(join(root, 'a', `${i}.png`), 8, 8, 1, rect(8, 8, 2, 6, 2, 6, 200));
    writePng(join(root, 'masks', 'a', `${i}.png`), 8, 8, 1, rect(8, 8, 2, 6, 2, 6));
  }
  spoil(root);
  return root;
}

interface Outcome {
  kept: number;
  summary: Record<string, unknown>;
  log: string[];
}

async function run(kind: StageKind, params: Record<string, unknown>): Promise<Outcome> {
  const { out, result, ctx } = await runStage(
    kind,
    { split: { train: 1, val: 0, test: 0 }, ...params },
    { instanceId: STAGE },
  );
  const ds = await readDataset(join(out, 'dataset'));
  return {
    kept: ds.meta.counts.train,
    summary: result.summary as Record<string, unknown>,
    log: ctx.lines,
  };
}

/** The message is in the log and in the summary, counted under `reason`. */
function expectMessage(
  t: ExecutionContext,
  o: Outcome,
  kind: 'skipped' | 'warnings',
  reason: string,
  message: RegExp,
): void {
  const hits = o.log.filter((l) => message.test(l));
  t.is(hits.length, 1, `log:\n${o.log.join('\n')}`);
  t.true(hits[0].startsWith(`${STAGE}: `));
  t.deepEqual(
    (o.summary.messages as string[]).filter((m) => message.test(m)),
    hits,
  );
  t.is((o.summary[kind] as Record<string, number>)[reason], 1);
}

test('a truncated PNG is skipped with its name, saying it is truncated', async (t) => {
  const root = folder((r) => {
    const p = join(r, 'a', '1.png');
    writeFileSync(p, readFileSync(p).subarray(0, 40));
  });
  const o = await run(imageFolder, { root });
  expectMessage(
    t,
    o,
    'skipped',
    'unreadable-image',
    /^faces\[seed=1\]: a\/1\.png: cannot read the image: cannot decode PNG \(truncated: the file ends early\); skipped \(unreadable-image\)$/,
  );
  t.is(o.kept, 3);
  t.is(o.summary.skipped_total, 1);
});

test('a truncated JPEG is skipped, not decoded to gray', async (t) => {
  const root = folder((r) => {
    const bytes = writeJpeg(join(r, 'a', '9.jpg'), 8, 8, new Uint8Array(64).fill(90));
    writeFileSync(join(r, 'a', '9.jpg'), bytes.subarray(0, bytes.length - 40));
    writePng(join(r, 'masks', 'a', '9.png'), 8, 8, 1, rect(8, 8, 0, 2, 0, 2));
  });
  const o = await run(imageFolder, { root });
  expectMessage(
    t,
    o,
    'skipped',
    'unreadable-image',
    /^faces\[seed=1\]: a\/9\.jpg: cannot read the image: cannot decode JPEG/,
  );
  t.is(o.kept, 4);
});

test('a file that is no image at all says so', async (t) => {
  const root = folder((r) => writeFileSync(join(r, 'a', '2.png'), 'hello'));
  const o = await run(imageFolder, { root });
  expectMessage(
    t,
    o,
    'skipped',
    'unreadable-image',
    /a\/2\.png: cannot read the image: not a PNG or JPEG file/,
  );
});

test('an image without its mask is skipped, saying where the mask was looked for', async (t) => {
  const root = folder((r) =>
    writeFileSync(join(r, 'a', '7.png'), readFileSync(join(r, 'a', '0.png'))),
  );
  const o = await run(imageFolder, { root });
  expectMessage(
    t,
    o,
    'skipped',
    'missing-mask',
    /^faces\[seed=1\]: a\/7\.png: no mask for class `a`: none of masks\/a\/7\.png\|jpg\|jpeg exists; skipped \(missing-mask\)$/,
  );
  t.is(o.kept, 4);
});

const smallMask = (r: string) =>
  writePng(join(r, 'masks', 'a', '3.png'), 4, 4, 1, rect(4, 4, 1, 3, 1, 3));

test('a mask of another size is resized with a warning by default', async (t) => {
  const o = await run(imageFolder, { root: folder(smallMask) });
  expectMessage(
    t,
    o,
    'warnings',
    'mask-resized',
    /^faces\[seed=1\]: masks\/a\/3\.png: mask is 4x4 but its image a\/3\.png is 8x8; resized \(nearest neighbour\) \(mask-resized\)$/,
  );
  t.is(o.kept, 4);
});

test('a mask of another size is skipped with `mask_mismatch: skip`', async (t) => {
  const o = await run(imageFolder, { root: folder(smallMask), mask_mismatch: 'skip' });
  expectMessage(
    t,
    o,
    'skipped',
    'mask-size-mismatch',
    /^faces\[seed=1\]: masks\/a\/3\.png: mask is 4x4 but its image a\/3\.png is 8x8; skipped \(mask-size-mismatch\)$/,
  );
  t.is(o.kept, 3);
});

test('a mask of another size stops the stage with `mask_mismatch: fail`', async (t) => {
  await t.throwsAsync(run(imageFolder, { root: folder(smallMask), mask_mismatch: 'fail' }), {
    name: 'DataError',
    message:
      'faces[seed=1]: masks/a/3.png: mask is 4x4 but its image a/3.png is 8x8; set `mask_mismatch: resize` or `skip` to go on',
  });
});

test('an empty mask of a positive image is kept and counted', async (t) => {
  const root = folder((r) => writePng(join(r, 'masks', 'a', '0.png'), 8, 8, 1, new Uint8Array(64)));
  const o = await run(imageFolder, { root });
  expectMessage(
    t,
    o,
    'warnings',
    'empty-mask',
    /^faces\[seed=1\]: masks\/a\/0\.png: mask of positive class `a` is empty; kept \(empty-mask\)$/,
  );
  t.is(o.kept, 4);
  t.deepEqual(o.summary.empty_masks, { train: 1, val: 0, test: 0 });
});

test('a 0/1-valued mask file read at threshold 128 is empty, and the message says why', async (t) => {
  const root = folder((r) =>
    writePng(join(r, 'masks', 'a', '0.png'), 8, 8, 1, rect(8, 8, 2, 6, 2, 6, 1)),
  );
  const o = await run(imageFolder, { root });
  expectMessage(
    t,
    o,
    'warnings',
    'empty-mask',
    /its largest value is 1, below mask_threshold 128 \(for 0\/1 mask files set mask_threshold: 1\)/,
  );
  const fixed = await run(imageFolder, { root, mask_threshold: 1 });
  t.deepEqual(fixed.summary.empty_masks, { train: 0, val: 0, test: 0 });
});

/** A CSV manifest in root/set/ with images 1..3 and a `cat` label and mask column. */
function manifest(rows: string, header = 'id,image,cat,cat_mask'): string {
  const root = tempDir();
  for (const n of [1, 2, 3]) {
    writePng(join(root, 'set', `${n}.png`), 4, 4, 1, new Uint8Array(16).fill(30 * n));
    writePng(join(root, 'set', `${n}-m.png`), 4, 4, 1, rect(4, 4, 0, 2, 0, 2));
  }
  writePng(join(root, 'outside.png'), 4, 4, 1, new Uint8Array(16));
  writeFileSync(join(root, 'set', 'list.csv'), `${header}\n${rows}`);
  return join(root, 'set', 'list.csv');
}

test('a path leaving the data root is skipped', async (t) => {
  const csv = manifest('x1,1.png,1,1-m.png\nx2,../outside.png,0,\nx3,3.png,1,../outside.png\n');
  const o = await run(csvManifest, { csv, label_columns: ['cat'], task: 'multi-label' });
  const re =
    /^faces\[seed=1\]: list\.csv:(\d) \((\.\.\/outside\.png)\): (image|mask) path leaves the data root .+; skipped \(path-escapes-root\)$/;
  const hits = o.log.filter((l) => re.test(l));
  t.deepEqual(
    hits.map((l) => l.match(re)!.slice(1, 4)),
    [
      ['3', '../outside.png', 'image'],
      ['4', '../outside.png', 'mask'],
    ],
  );
  t.is((o.summary.skipped as Record<string, number>)['path-escapes-root'], 2);
  t.is(o.kept, 1);
});

test('a duplicate id is skipped, naming the CSV line that had it first', async (t) => {
  const csv = manifest('x1,1.png,1,1-m.png\nx2,2.png,1,2-m.png\nx1,3.png,1,3-m.png\n');
  const o = await run(csvManifest, {
    csv,
    id_column: 'id',
    label_columns: ['cat'],
    task: 'multi-label',
  });
  expectMessage(
    t,
    o,
    'skipped',
    'duplicate-id',
    /^faces\[seed=1\]: list\.csv:4 \(3\.png\): id `x1` was already used by list\.csv:2 \(1\.png\); skipped \(duplicate-id\)$/,
  );
  t.is(o.kept, 2);
});

test('a missing label column is dropped with a warning; the others go on', async (t) => {
  const csv = manifest('x1,1.png,1,1-m.png\nx2,2.png,0,\n');
  const o = await run(csvManifest, { csv, label_columns: ['cat', 'dog'], task: 'multi-label' });
  expectMessage(
    t,
    o,
    'warnings',
    'missing-label-column',
    /^faces\[seed=1\]: list\.csv: has no label column `dog`; class `dog` dropped \(missing-label-column\)$/,
  );
  t.deepEqual(o.summary.classes, ['cat']);
  t.is(o.kept, 2);
});

test('a missing class-name column stops the stage, listing the columns there are', async (t) => {
  const csv = manifest('x1,1.png,1,1-m.png\n');
  await t.throwsAsync(run(csvManifest, { csv }), {
    name: 'DataError',
    message:
      'faces[seed=1]: list.csv: has no label column `label` (columns: id, image, cat, cat_mask)',
  });
});

test('a CheXlocalize CSV without a pathology column takes it as absent, with a warning', async (t) => {
  const root = tempDir();
  writeJpeg(
    join(root, 'p', 'patient1', 'study1', 'view1_frontal.jpg'),
    4,
    4,
    new Uint8Array(16).fill(80),
  );
  writeFileSync(
    join(root, 'val_labels.csv'),
    'Path,Cardiomegaly\np/patient1/study1/view1_frontal.jpg,1.0\n',
  );
  writeFileSync(
    join(root, 'gt_segmentations_val.json'),
    JSON.stringify({
      patient1_study1_view1_frontal: { Cardiomegaly: { size: [4, 4], counts: '02208' } },
    }),
  );
  const { out, result, ctx } = await runStage(
    chexlocalize,
    {
      root,
      label_csvs: ['val_labels.csv'],
      segmentations: ['gt_segmentations_val.json'],
      classes: ['Cardiomegaly', 'Edema'],
      split: { train: 1, val: 0, test: 0 },
    },
    { instanceId: STAGE },
  );
  const hits = ctx.lines.filter((l) =>
    /^faces\[seed=1\]: val_labels\.csv: has no label column `Edema`; taken as absent in its 1 rows \(missing-label-column\)$/.test(
      l,
    ),
  );
  t.is(hits.length, 1);
  // All nine absent columns are counted.
  t.is(
    ((result.summary as Record<string, unknown>).warnings as Record<string, number>)[
      'missing-label-column'
    ],
    9,
  );
  const ds = await readDataset(join(out, 'dataset'));
  t.deepEqual([...ds.splits.train.targets!], [1, 0]);
  t.deepEqual([...ds.splits.train.masks], [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});

test('a missing image file in a manifest is skipped as unreadable', async (t) => {
  const csv = manifest('x1,1.png,1,1-m.png\nx9,9.png,1,1-m.png\n');
  const o = await run(csvManifest, { csv, label_columns: ['cat'], task: 'multi-label' });
  expectMessage(
    t,
    o,
    'skipped',
    'unreadable-image',
    /^faces\[seed=1\]: list\.csv:3 \(9\.png\): image file not found; skipped \(unreadable-image\)$/,
  );
});

test('an image-folder root that is missing, or a file, stops the stage saying so', async (t) => {
  const dir = tempDir();
  const missing = join(dir, 'nowhere');
  await t.throwsAsync(runStage(imageFolder, { root: missing }), {
    message: `data: image folder ${missing} does not exist`,
  });
  const file = join(dir, 'one.png');
  writePng(file, 4, 4, 1, new Uint8Array(16));
  await t.throwsAsync(runStage(imageFolder, { root: file }), {
    message: `data: ${file} is a file; \`root\` names the folder of class folders`,
  });
});

test('the same image written two ways is one id: the second is a duplicate', async (t) => {
  const csv = manifest('x,1.png,1,1-m.png\nx,./1.png,1,1-m.png\nx,2.png,1,2-m.png\n');
  const o = await run(csvManifest, { csv, label_columns: ['cat'], task: 'multi-label' });
  expectMessage(
    t,
    o,
    'skipped',
    'duplicate-id',
    /^faces\[seed=1\]: list\.csv:3 \(\.\/1\.png\): id `1\.png` was already used by list\.csv:2 \(1\.png\); skipped \(duplicate-id\)$/,
  );
  t.is(o.kept, 2);
});

test('rows with several classes of a multi-class task are left out with a warning', async (t) => {
  const csv = manifest(
    'x1,1.png,cat;dog,1-m.png;1-m.png\nx2,2.png,cat,2-m.png\n',
    'id,image,label,mask',
  );
  const o = await run(csvManifest, { csv });
  expectMessage(
    t,
    o,
    'warnings',
    'several-labels',
    /: 1 item has several of the selected classes and cannot be one class of a multi-class task; left out \(use `task: multi-label` to keep them\) \(several-labels\)$/,
  );
  t.is(o.kept, 1);
});

test('an image of another size than the first is resized with a warning, unless the size is set', async (t) => {
  const root = folder((r) => {
    for (const i of [1, 2]) {
      rmSync(join(r, 'a', `${i}.png`));
      rmSync(join(r, 'masks', 'a', `${i}.png`));
    }
    writePng(join(r, 'a', '3.png'), 16, 16, 1, rect(16, 16, 4, 12, 4, 12, 200));
    writePng(join(r, 'masks', 'a', '3.png'), 16, 16, 1, rect(16, 16, 4, 12, 4, 12));
  });
  const split = { train: 2, val: 0, test: 0 };
  const o = await run(imageFolder, { root, split });
  // Which of the two is read first depends on the seeded order.
  expectMessage(
    t,
    o,
    'warnings',
    'image-resized',
    /a\/[03]\.png: image is (8x8, not 16x16|16x16, not 8x8) like the first image read; resized \(bilinear; set `height` and `width` to choose the size\) \(image-resized\)$/,
  );
  t.is(o.kept, 2);
  const set = await run(imageFolder, { root, split, height: 8, width: 8 });
  t.false('image-resized' in (set.summary.warnings as object));
});

test('a CSV row with more fields than the header is skipped; a broken CSV names its file', async (t) => {
  const csv = manifest('x1,1.png,1,1-m.png\nx2,2.png,1,2-m.png,extra\n');
  const o = await run(csvManifest, { csv, label_columns: ['cat'], task: 'multi-label' });
  expectMessage(
    t,
    o,
    'skipped',
    'bad-row',
    /: list\.csv:3: the row has 5 fields but the header 4 \(a comma in an unquoted field\?\); skipped \(bad-row\)$/,
  );
  t.is(o.kept, 1);

  const twice = manifest('x1,1.png,1,1-m.png\n', 'id,image,cat,cat');
  await t.throwsAsync(run(csvManifest, { csv: twice, label_columns: ['cat'] }), {
    message: `${STAGE}: list.csv: the header names column \`cat\` twice (columns 3 and 4)`,
  });
  const open = manifest('x1,"1.png,1,1-m.png\n');
  await t.throwsAsync(run(csvManifest, { csv: open, label_columns: ['cat'] }), {
    message: `${STAGE}: list.csv: a quoted field opened on line 2 is never closed`,
  });
});

test('0/1 cells are read by value; a mask column named in mask_columns must exist', async (t) => {
  const csv = manifest('x1,1.png,1.00,1-m.png\nx2,2.png,0.0,\nx3,3.png,2,3-m.png\n');
  const o = await run(csvManifest, {
    csv,
    label_columns: ['cat'],
    task: 'multi-label',
    split: { train: 2, val: 0, test: 0 },
  });
  expectMessage(t, o, 'skipped', 'bad-label', /: column `cat` holds `2`, not 0\/1; skipped/);
  t.is(o.kept, 2);

  await t.throwsAsync(
    run(csvManifest, { csv, label_columns: ['cat'], mask_columns: { cat: 'catmask' } }),
    {
      message:
        `${STAGE}: list.csv: has no mask column \`catmask\` (given for class \`cat\` in ` +
        'mask_columns; columns: id, image, cat, cat_mask)',
    },
  );
});

test('a listed image that is a device is skipped, not read forever', async (t) => {
  const csv = manifest('x1,1.png,1,1-m.png\nx2,zero.png,1,2-m.png\n');
  symlinkSync('/dev/zero', join(dirname(csv), 'zero.png'));
  const o = await run(csvManifest, { csv, label_columns: ['cat'], task: 'multi-label' });
  expectMessage(
    t,
    o,
    'skipped',
    'unreadable-image',
    /list\.csv:3 \(zero\.png\): cannot read the image: not a regular file \(a device, pipe or folder\); skipped/,
  );
  t.is(o.kept, 1);
});
