import test from 'ava';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDataset } from '../stdlib/data/dataset.js';
import { imageFolder } from '../stdlib/stages/image-folder.js';
import { csvManifest } from '../stdlib/stages/csv-manifest.js';
import { rect, runStage, tempDir, writeJpeg, writePng } from './fixtures/data/helpers.js';

/**
 * root/<class>/<i>.png, 8x8 gray: class `a` has a bright 2x2 square at
 * row i, class `b` a 3x3 one; masks/<class>/<i>.png mark the squares.
 */
function imageFolderFixture(perClass = 5): string {
  const root = tempDir();
  for (const [cls, side, level] of [
    ['a', 2, 200],
    ['b', 3, 100],
  ] as const) {
    for (let i = 0; i < perClass; i++) {
      writePng(
        join(root, cls, `${i}.png`),
        8,
        8,
        1,
        rect(8, 8, i, i + side, 1, 1 + side, level, 10),
      );
      writePng(join(root, 'masks', cls, `${i}.png`), 8, 8, 1, rect(8, 8, i, i + side, 1, 1 + side));
    }
  }
  writeFileSync(join(root, 'a', 'notes.txt'), 'not an image');
  return root;
}

test('image-folder: classes from folders, masks binarised, seeded stratified split', async (t) => {
  const root = imageFolderFixture();
  const { out, result } = await runStage(imageFolder, { root });
  const ds = await readDataset(join(out, 'dataset'));

  t.deepEqual(ds.meta.classNames, ['a', 'b']);
  t.deepEqual(ds.meta.counts, { train: 8, val: 0, test: 2 });
  t.is(ds.meta.channels, 1);
  // Stratified: each split holds both classes equally.
  t.deepEqual([...ds.splits.test.labels].sort(), [0, 1]);
  t.is([...ds.splits.train.labels].filter((l) => l === 1).length, 4);

  // Image, mask and id of the first test item agree with the fixture.
  const id = ds.splits.test.ids![0];
  const [cls, i] = id.split('/');
  const side = cls === 'a' ? 2 : 3;
  const level = cls === 'a' ? 200 : 100;
  t.deepEqual(
    [...ds.splits.test.masks.subarray(0, 64)],
    [...rect(8, 8, +i, +i + side, 1, 1 + side, 1)],
  );
  t.deepEqual(
    [...ds.splits.test.images.subarray(0, 64)],
    [...rect(8, 8, +i, +i + side, 1, 1 + side, level, 10)],
  );
  t.is(result.summary && (result.summary as Record<string, unknown>).other_files, 1);
  t.deepEqual((result.summary as Record<string, unknown>).skipped_total, 0);
});

test('image-folder: the same seed gives the same split, another seed another one', async (t) => {
  const root = imageFolderFixture(10);
  const ids = async (seed: number) => {
    const { out } = await runStage(imageFolder, { root }, { seed });
    return (await readDataset(join(out, 'dataset'))).splits.test.ids!;
  };
  const first = await ids(1);
  t.deepEqual(await ids(1), first);
  t.notDeepEqual(await ids(2), first);
});

test('image-folder: class selection, one-vs-rest and per-split limits', async (t) => {
  const root = imageFolderFixture(10);
  const sel = await runStage(imageFolder, { root, classes: ['b'], limit: { train: 3 } });
  const one = await readDataset(join(sel.out, 'dataset'));
  t.deepEqual(one.meta.classNames, ['b']);
  t.deepEqual(one.meta.counts, { train: 3, val: 0, test: 2 });
  t.deepEqual((sel.result.summary as Record<string, unknown>).not_selected, {
    'not-selected': 10,
    'over-limit': 5,
  });

  const ovr = await runStage(imageFolder, {
    root,
    task: 'one-vs-rest',
    positive: 'b',
    split: { train: 0.6, val: 0.2, test: 0.2 },
  });
  const ds = await readDataset(join(ovr.out, 'dataset'));
  t.deepEqual(ds.meta.classNames, ['not b', 'b']);
  t.deepEqual(ds.meta.counts, { train: 12, val: 4, test: 4 });
  t.deepEqual([...ds.splits.val!.labels].sort(), [0, 0, 1, 1]);
});

test('image-folder: RGB images, JPEG, resize to a set size and mean/std', async (t) => {
  const root = tempDir();
  // 16x16 RGB PNG whose left half is red: bilinear halving keeps it exact.
  const rgb = new Uint8Array(16 * 16 * 3);
  for (let y = 0; y < 16; y++) for (let x = 0; x < 8; x++) rgb[(y * 16 + x) * 3] = 255;
  writePng(join(root, 'red', 'x.png'), 16, 16, 3, rgb);
  writePng(join(root, 'masks', 'red', 'x.png'), 16, 16, 1, rect(16, 16, 4, 12, 4, 12));
  writeJpeg(join(root, 'gray', 'y.jpg'), 16, 16, new Uint8Array(256).fill(128));
  writePng(join(root, 'masks', 'gray', 'y.png'), 16, 16, 1, rect(16, 16, 0, 16, 0, 16));

  const { out } = await runStage(imageFolder, {
    root,
    height: 8,
    width: 8,
    split: { train: 1, val: 0, test: 0 },
    mean: [0.5],
    std: [0.25],
  });
  const ds = await readDataset(join(out, 'dataset'));
  t.is(ds.meta.channels, 3);
  t.deepEqual(ds.meta.normalize, { mean: [0.5], std: [0.25] });
  const ids = ds.splits.train.ids!;
  const red = ids.indexOf('red/x');
  const img = ds.splits.train.images.subarray(red * 192, (red + 1) * 192);
  t.deepEqual([img[0], img[1], img[2]], [255, 0, 0]);
  t.deepEqual([img[3 * 3], img[4 * 3]], [255, 0]);
  // Nearest resize of the 8x8 square at (4..12) gives rows/cols 2..6.
  const mask = ds.splits.train.masks.subarray(red * 64, (red + 1) * 64);
  t.deepEqual([...mask], [...rect(8, 8, 2, 6, 2, 6, 1)]);
  const gray = ids.indexOf('gray/y');
  const g = ds.splits.train.images.subarray(gray * 192, (gray + 1) * 192);
  t.true(
    g.every((v) => Math.abs(v - 128) <= 2),
    `JPEG gray level ${g[0]}`,
  );
});

test('csv-manifest: multi-label columns, mask per label, paths relative to the CSV', async (t) => {
  const root = tempDir();
  const dir = join(root, 'set');
  writePng(join(dir, 'img', '1.png'), 4, 4, 1, new Uint8Array(16).fill(50));
  writePng(join(dir, 'img', '2.png'), 4, 4, 1, new Uint8Array(16).fill(60));
  writePng(join(dir, 'img', '3.png'), 4, 4, 1, new Uint8Array(16).fill(70));
  writePng(join(dir, 'm', '1-cat.png'), 4, 4, 1, rect(4, 4, 0, 1, 0, 4));
  writePng(join(dir, 'm', '1-dog.png'), 4, 4, 1, rect(4, 4, 3, 4, 0, 4));
  writePng(join(dir, 'm', '2-dog.png'), 4, 4, 1, rect(4, 4, 0, 4, 0, 1));
  writeFileSync(
    join(dir, 'list.csv'),
    'image,cat,dog,cat_mask,dog_mask,split\n' +
      'img/1.png,1,1,m/1-cat.png,m/1-dog.png,train\n' +
      'img/2.png,0,1,,m/2-dog.png,test\n' +
      '"img/3.png",0,0,,,train\n',
  );
  const { out } = await runStage(csvManifest, {
    csv: join(dir, 'list.csv'),
    label_columns: ['cat', 'dog'],
    task: 'multi-label',
    split_column: 'split',
  });
  const ds = await readDataset(join(out, 'dataset'));
  t.deepEqual(ds.meta.counts, { train: 2, val: 0, test: 1 });
  t.is(ds.meta.task, 'multi-label');
  const tr = ds.splits.train;
  const first = tr.ids!.indexOf('img/1.png');
  const none = tr.ids!.indexOf('img/3.png');
  t.deepEqual([...tr.targets!.subarray(first * 2, first * 2 + 2)], [1, 1]);
  t.deepEqual([...tr.targets!.subarray(none * 2, none * 2 + 2)], [0, 0]);
  // The union of the cat (top row) and dog (bottom row) masks.
  t.deepEqual(
    [...tr.masks.subarray(first * 16, first * 16 + 16)],
    [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1],
  );
  t.true(tr.masks.subarray(none * 16, none * 16 + 16).every((v) => v === 0));
  t.deepEqual([...ds.splits.test.targets!], [0, 1]);
  t.is(ds.splits.test.labels[0], 1);
});

test('csv-manifest: a class-name column with `;` between classes, multi-class drops multi-labelled rows', async (t) => {
  const dir = tempDir();
  for (const n of ['p', 'q', 'r']) {
    writePng(join(dir, `${n}.png`), 2, 2, 1, [9, 9, 9, 9]);
    writePng(join(dir, `${n}-m.png`), 2, 2, 1, [255, 0, 0, 0]);
  }
  writeFileSync(
    join(dir, 'l.csv'),
    'image,label,mask\np.png,x,p-m.png\nq.png,y,q-m.png\nr.png,x;y,r-m.png;r-m.png\n',
  );
  const { out, result } = await runStage(csvManifest, {
    csv: join(dir, 'l.csv'),
    split: { train: 1, val: 0, test: 0 },
  });
  const ds = await readDataset(join(out, 'dataset'));
  t.deepEqual(ds.meta.classNames, ['x', 'y']);
  t.deepEqual(ds.splits.train.ids!.slice().sort(), ['p.png', 'q.png']);
  t.deepEqual((result.summary as Record<string, unknown>).not_selected, { 'several-labels': 1 });
});

test('image-folder: masks beside their images, found by a suffix', async (t) => {
  const root = tempDir();
  writePng(join(root, 'k', 'p.png'), 4, 4, 1, new Uint8Array(16).fill(99));
  writePng(join(root, 'k', 'p_mask.png'), 4, 4, 1, rect(4, 4, 0, 4, 0, 1));
  const { out } = await runStage(imageFolder, {
    root,
    masks: '.',
    mask_suffix: '_mask',
    split: { train: 1, val: 0, test: 0 },
  });
  const ds = await readDataset(join(out, 'dataset'));
  // The mask file is not taken for an image of its own.
  t.deepEqual(ds.splits.train.ids, ['k/p']);
  t.deepEqual([...ds.splits.train.masks], [...rect(4, 4, 0, 4, 0, 1, 1)]);
});

test('image-folder: linked images and linked class folders are read like real ones', async (t) => {
  const root = tempDir();
  const elsewhere = tempDir();
  writePng(join(root, 'a', '0.png'), 4, 4, 1, new Uint8Array(16).fill(10));
  writePng(join(elsewhere, 'one.png'), 4, 4, 1, new Uint8Array(16).fill(20));
  writePng(join(elsewhere, 'c', '0.png'), 4, 4, 1, new Uint8Array(16).fill(30));
  symlinkSync(join(elsewhere, 'one.png'), join(root, 'a', '1.png'));
  symlinkSync(join(elsewhere, 'c'), join(root, 'c'));
  for (const id of ['a/0', 'a/1', 'c/0']) {
    writePng(join(root, 'masks', `${id}.png`), 4, 4, 1, rect(4, 4, 0, 2, 0, 2));
  }
  // A folder inside a class folder is not an image: counted, not read.
  mkdirSync(join(root, 'a', 'nested'));
  const { out, result } = await runStage(imageFolder, {
    root,
    split: { train: 3, val: 0, test: 0 },
  });
  const ds = await readDataset(join(out, 'dataset'));
  t.deepEqual([...ds.splits.train.ids!].sort(), ['a/0', 'a/1', 'c/0']);
  t.deepEqual(ds.meta.classNames, ['a', 'c']);
  t.is((result.summary as { other_files: number }).other_files, 1);
});
