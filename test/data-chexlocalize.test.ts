import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDataset } from '../stdlib/data/dataset.js';
import { encodeRle } from '../stdlib/data/rle.js';
import { imageIdOf, segmentationName } from '../stdlib/data/chexlocalize-names.js';
import { chexlocalize } from '../stdlib/stages/chexlocalize.js';
import { rect, runStage, tempDir, writeJpeg } from './fixtures/data/helpers.js';

const PATHOLOGIES =
  'Enlarged Cardiomediastinum,Cardiomegaly,Lung Lesion,Lung Opacity,Edema,Consolidation,' +
  'Atelectasis,Pneumothorax,Pleural Effusion,Support Devices';

/** A row of the label CSV: `Path` plus 1 for the named pathologies, 0 elsewhere. */
function row(path: string, positive: string[]): string {
  const cells = PATHOLOGIES.split(',').map((p) => (positive.includes(p) ? '1.0' : '0.0'));
  return [path, 'Female', '60', 'Frontal', 'AP', ...cells].join(',');
}

/**
 * A two-patient CheXlocalize layout: val and test label CSVs, 12x10 JPEGs
 * under CheXpert-v1.0/, and RLE segmentations keyed by image id, with the
 * JSON's `Airspace Opacity` for the CSV's `Lung Opacity`.
 */
function chexFixture(): string {
  const root = tempDir();
  const header = `Path,Sex,Age,Frontal/Lateral,AP/PA,${PATHOLOGIES}\n`;
  const images: [string, 'val' | 'test', string[]][] = [
    [
      'CheXpert-v1.0/valid/patient1/study1/view1_frontal.jpg',
      'val',
      ['Cardiomegaly', 'Lung Opacity'],
    ],
    ['CheXpert-v1.0/valid/patient2/study1/view1_frontal.jpg', 'val', []],
    ['CheXpert-v1.0/test/patient3/study2/view1_frontal.jpg', 'test', ['Cardiomegaly']],
    ['CheXpert-v1.0/test/patient4/study1/view1_frontal.jpg', 'test', ['Edema']],
  ];
  const csv = { val: header, test: header };
  const segs: Record<'val' | 'test', Record<string, Record<string, unknown>>> = {
    val: {},
    test: {},
  };
  images.forEach(([path, split, positive], i) => {
    writeJpeg(join(root, path), 12, 10, new Uint8Array(120).fill(40 + 40 * i));
    csv[split] += row(path, positive) + '\n';
    const id = imageIdOf(path);
    segs[split][id] = {
      Cardiomegaly: encodeRle(
        positive.includes('Cardiomegaly') ? rect(12, 10, 4, 8, 3, 7, 1) : new Uint8Array(120),
        12,
        10,
      ),
      'Airspace Opacity': encodeRle(rect(12, 10, 0, 2, 0, 10, 1), 12, 10),
      Edema: encodeRle(rect(12, 10, 10, 12, 0, 10, 1), 12, 10),
    };
  });
  writeFileSync(join(root, 'val_labels.csv'), csv.val);
  writeFileSync(join(root, 'test_labels.csv'), csv.test);
  writeFileSync(join(root, 'gt_segmentations_val.json'), JSON.stringify(segs.val));
  writeFileSync(join(root, 'gt_segmentations_test.json'), JSON.stringify(segs.test));
  return root;
}

test('image ids and the one renamed pathology', (t) => {
  t.is(
    imageIdOf('CheXpert-v1.0/valid/patient64541/study1/view1_frontal.jpg'),
    'patient64541_study1_view1_frontal',
  );
  t.is(segmentationName('Lung Opacity'), 'Airspace Opacity');
  t.is(segmentationName('Edema'), 'Edema');
});

test('chexlocalize: multi-label targets and RLE masks, union over positive pathologies', async (t) => {
  const root = chexFixture();
  const { out, result } = await runStage(chexlocalize, {
    root,
    classes: ['Cardiomegaly', 'Lung Opacity', 'Edema'],
    split: { train: 1, val: 0, test: 0 },
  });
  const ds = await readDataset(join(out, 'dataset'));
  const tr = ds.splits.train;
  t.deepEqual(ds.meta.classNames, ['Cardiomegaly', 'Lung Opacity', 'Edema']);
  t.is(ds.meta.counts.train, 4);
  t.deepEqual([ds.meta.height, ds.meta.width, ds.meta.channels], [12, 10, 1]);

  const at = (id: string) => tr.ids!.indexOf(id);
  const p1 = at('patient1_study1_view1_frontal');
  t.deepEqual([...tr.targets!.subarray(p1 * 3, p1 * 3 + 3)], [1, 1, 0]);
  const union = rect(12, 10, 4, 8, 3, 7, 1);
  union.set(rect(12, 10, 0, 2, 0, 10, 1).subarray(0, 20));
  t.deepEqual([...tr.masks.subarray(p1 * 120, (p1 + 1) * 120)], [...union]);

  // The patient without findings is a negative with an empty mask.
  const p2 = at('patient2_study1_view1_frontal');
  t.deepEqual([...tr.targets!.subarray(p2 * 3, p2 * 3 + 3)], [0, 0, 0]);
  t.is(
    tr.masks.subarray(p2 * 120, (p2 + 1) * 120).reduce((a, b) => a + b, 0),
    0,
  );
  t.is((result.summary as Record<string, unknown>).skipped_total, 0);
});

test('chexlocalize: one-vs-rest on Cardiomegaly, resized with a prefix-stripped image root', async (t) => {
  const root = chexFixture();
  const { out } = await runStage(chexlocalize, {
    root,
    task: 'one-vs-rest',
    positive: 'Cardiomegaly',
    image_root: 'CheXpert-v1.0',
    path_prefix: 'CheXpert-v1.0/',
    height: 6,
    width: 5,
    split: { train: 1, val: 0, test: 0 },
  });
  const ds = await readDataset(join(out, 'dataset'));
  t.deepEqual(ds.meta.classNames, ['not Cardiomegaly', 'Cardiomegaly']);
  const tr = ds.splits.train;
  const p3 = tr.ids!.indexOf('patient3_study2_view1_frontal');
  t.is(tr.labels[p3], 1);
  // Halving samples source rows/cols 1, 3, 5, ...: rows 4..7 keep 5 and 7
  // (rows 2, 3), cols 3..6 keep 3 and 5 (cols 1, 2).
  t.deepEqual([...tr.masks.subarray(p3 * 30, (p3 + 1) * 30)], [...rect(6, 5, 2, 4, 1, 3, 1)]);
  // Edema alone: a negative, whose mask (that of Cardiomegaly) is empty.
  const p4 = tr.ids!.indexOf('patient4_study1_view1_frontal');
  t.is(tr.labels[p4], 0);
  t.true(tr.masks.subarray(p4 * 30, (p4 + 1) * 30).every((v) => v === 0));
  // Patient 1 has Lung Opacity too; only the Cardiomegaly mask counts.
  const p1 = tr.ids!.indexOf('patient1_study1_view1_frontal');
  t.deepEqual([...tr.masks.subarray(p1 * 30, (p1 + 1) * 30)], [...rect(6, 5, 2, 4, 1, 3, 1)]);
});

test('chexlocalize: Windows-style paths are read; an empty Path cell is skipped saying so', async (t) => {
  const root = chexFixture();
  const csv = join(root, 'test_labels.csv');
  const text = readFileSync(csv, 'utf8');
  writeFileSync(
    csv,
    text.replace('CheXpert-v1.0/test/patient3/study2/', 'CheXpert-v1.0\\test\\patient3\\study2\\') +
      row('', ['Edema']) +
      '\n',
  );
  const { out, result, ctx } = await runStage(chexlocalize, {
    root,
    classes: ['Cardiomegaly', 'Edema'],
    split: { train: 1, val: 0, test: 0 },
  });
  const ds = await readDataset(join(out, 'dataset'));
  t.true(ds.splits.train.ids!.includes('patient3_study2_view1_frontal'));
  t.is(ds.meta.counts.train, 4);
  t.deepEqual((result.summary as { skipped: object }).skipped, { 'unreadable-image': 1 });
  t.true(ctx.lines.some((l) => /test_labels\.csv:4: the `Path` cell is empty; skipped/.test(l)));
});

test('chexlocalize keys on its label CSVs and segmentations, also outside root', async (t) => {
  const files = await chexlocalize.inputFiles!({
    root: '/data/chex',
    image_root: null,
    label_csvs: ['../labels.csv'],
    segmentations: ['gt.json'],
  });
  t.deepEqual(files, ['/data/chex', '/data/labels.csv', '/data/chex/gt.json']);
});
