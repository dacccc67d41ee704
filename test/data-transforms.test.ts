import test from 'ava';
import { writeFileSync, rmSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Dataset,
  batchTensors,
  disposeBatch,
  readDataset,
  writeDataset,
} from '../stdlib/data/dataset.js';
import { DataProblems } from '../stdlib/data/problems.js';
import { canvas, placeOnCanvas, type CanvasSettings } from '../stdlib/stages/canvas.js';
import { addDecoys, anchors, classLevel, decoy } from '../stdlib/stages/decoy.js';
import { selectMask, swapMask } from '../stdlib/stages/select-mask.js';
import { rect, runStage, tempDir } from './fixtures/data/helpers.js';

/**
 * n images of h x w per split, image i filled with level 10 * (i + 1) and an
 * object (its mask) in rows/cols [1, h - 1) except the border; K classes.
 */
function synthetic(
  n: number,
  h: number,
  w: number,
  K: number,
  object = rect(h, w, 1, h - 1, 1, w - 1, 1),
): Dataset {
  const split = () => {
    const images = new Uint8Array(n * h * w);
    for (let i = 0; i < n; i++) images.fill(10 * (i + 1), i * h * w, (i + 1) * h * w);
    const masks = new Uint8Array(n * h * w);
    for (let i = 0; i < n; i++) masks.set(object, i * h * w);
    return {
      images,
      masks,
      labels: Uint8Array.from({ length: n }, (_, i) => i % K),
      ids: Array.from({ length: n }, (_, i) => `im${i}`),
    };
  };
  return {
    meta: {
      format: 1,
      height: h,
      width: w,
      channels: 1,
      classNames: Array.from({ length: K }, (_, k) => `c${k}`),
      source: 'synthetic',
      counts: { train: n, val: 0, test: n },
      emptyMasks: { train: 0, val: 0, test: 0 },
      ids: true,
    },
    splits: {
      train: split(),
      val: {
        images: new Uint8Array(0),
        labels: new Uint8Array(0),
        masks: new Uint8Array(0),
        ids: [],
      },
      test: split(),
    },
  };
}

const settings = (o: Partial<CanvasSettings>): CanvasSettings => ({
  H: 8,
  W: 8,
  background: 'constant',
  noiseLevel: 128,
  value: 7,
  paste: 'mask',
  ...o,
});

/** Top-left corner of the object's bounding box in image i. */
function objectAt(mask: Uint8Array, i: number, H: number, W: number): [number, number] {
  const m = mask.subarray(i * H * W, (i + 1) * H * W);
  const first = m.indexOf(1);
  let minX = W;
  for (let k = 0; k < m.length; k++) if (m[k]) minX = Math.min(minX, k % W);
  return [Math.floor(first / W), minX];
}

test('canvas: the object and its mask move together; the rest is the constant', (t) => {
  const input = synthetic(6, 4, 4, 2);
  const out = placeOnCanvas(input, settings({}), 3);
  const tr = out.splits.train;
  t.deepEqual([out.meta.height, out.meta.width], [8, 8]);
  const positions = new Set<string>();
  for (let i = 0; i < 6; i++) {
    const [y, x] = objectAt(tr.masks, i, 8, 8);
    positions.add(`${y},${x}`);
    // The 2x2 object sits at (y, x): mask rows 1..3 of the 4x4 image start there.
    t.deepEqual(
      [...tr.masks.subarray(i * 64, (i + 1) * 64)],
      [...rect(8, 8, y, y + 2, x, x + 2, 1)],
    );
    for (let k = 0; k < 64; k++) {
      const want = tr.masks[i * 64 + k] ? 10 * (i + 1) : 7;
      if (tr.images[i * 64 + k] !== want)
        return t.fail(`image ${i} pixel ${k}: ${tr.images[i * 64 + k]} != ${want}`);
    }
  }
  t.true(positions.size > 1, 'seeded positions vary across images');
  t.deepEqual(placeOnCanvas(input, settings({}), 3).splits.train.masks, tr.masks);
  t.notDeepEqual(placeOnCanvas(input, settings({}), 4).splits.train.masks, tr.masks);
});

test('canvas: `paste: box` copies the whole image; noise stays within its level', (t) => {
  const input = synthetic(3, 4, 4, 3);
  const box = placeOnCanvas(
    input,
    settings({ paste: 'box', background: 'noise', noiseLevel: 5 }),
    1,
  ).splits.test;
  for (let i = 0; i < 3; i++) {
    const img = box.images.subarray(i * 64, (i + 1) * 64);
    t.is(img.filter((v) => v === 10 * (i + 1)).length, 16);
    t.true(img.every((v) => v === 10 * (i + 1) || v <= 5));
  }
});

test('canvas: a texture background is made of the other images', (t) => {
  const input = synthetic(4, 4, 4, 2);
  const tex = placeOnCanvas(input, settings({ background: 'texture', H: 12, W: 12 }), 2).splits
    .train;
  for (let i = 0; i < 4; i++) {
    const own = 10 * (i + 1);
    const others = [10, 20, 30, 40].filter((v) => v !== own);
    for (let k = 0; k < 144; k++) {
      const v = tex.images[i * 144 + k];
      const ok = tex.masks[i * 144 + k] ? v === own : others.includes(v);
      if (!ok) return t.fail(`image ${i} pixel ${k} = ${v}`);
    }
  }
  t.pass();
});

test('decoy: in train the patch follows the label, at test it does not; never on the object', (t) => {
  const K = 4;
  // 16x16 images, object a 6x6 square in the middle.
  const input = synthetic(200, 16, 16, K, rect(16, 16, 5, 11, 5, 11, 1));
  const problems = new DataProblems('decoy');
  const { dataset, placed } = addDecoys(
    input,
    { size: 2, margin: 1, correlation: 1, correlated: ['train'] },
    0,
    problems,
  );
  t.deepEqual(dataset.meta.extraMasks, ['decoy']);
  t.deepEqual(placed.train, { patches: 200, none: 0 });
  const spots = anchors(16, 16, 2, 1);

  const follows = (s: 'train' | 'test') => {
    const sp = dataset.splits[s];
    let n = 0;
    for (let i = 0; i < 200; i++) {
      const d = sp.extraMasks!.decoy.subarray(i * 256, (i + 1) * 256);
      const obj = sp.masks.subarray(i * 256, (i + 1) * 256);
      t.is(
        d.reduce((a, b) => a + b, 0),
        4,
      );
      t.true(
        d.every((v, k) => !(v && obj[k])),
        'patch off the object',
      );
      const [y, x] = spots[sp.labels[i]];
      const level = sp.images[i * 256 + y * 16 + x];
      if (d[y * 16 + x] === 1 && level === classLevel(sp.labels[i], K)) n++;
    }
    return n;
  };
  t.is(follows('train'), 200);
  const atTest = follows('test');
  // Position and level each match the label 1 time in 4: about 200 / 16.
  t.true(atTest > 2 && atTest < 30, `${atTest} of 200 test patches follow the label`);
  t.deepEqual(classLevel(0, K), 255);
  t.deepEqual(classLevel(3, K), 64);
});

test('decoy: a patch whose anchor touches the object moves to the nearest free place', (t) => {
  // Object covers the top-left corner; class 0's anchor is (1, 1).
  const input = synthetic(1, 10, 10, 2, rect(10, 10, 0, 4, 0, 4, 1));
  const problems = new DataProblems('decoy');
  const { dataset } = addDecoys(
    input,
    { size: 2, margin: 1, correlation: 1, correlated: ['train'] },
    0,
    problems,
  );
  const d = dataset.splits.train.extraMasks!.decoy;
  // The patch grown by one pixel must miss columns 0..3: (1, 5) and (5, 1)
  // are both 4 away; the lower row wins.
  t.deepEqual([...d], [...rect(10, 10, 1, 3, 5, 7, 1)]);
});

test('decoy: no room for a patch leaves the image without one, with a warning', (t) => {
  const input = synthetic(2, 6, 6, 2, rect(6, 6, 0, 6, 0, 6, 1));
  const problems = new DataProblems('dec');
  const { placed } = addDecoys(
    input,
    { size: 2, margin: 1, correlation: 1, correlated: ['train'] },
    0,
    problems,
  );
  t.deepEqual(placed.train, { patches: 0, none: 2 });
  t.is(
    problems.summary().messages[0],
    'dec: train image im0: the object leaves no room for the patch (decoy-not-placed)',
  );
});

test('select-mask makes the decoy mask primary and keeps the object as an extra mask', (t) => {
  const input = synthetic(4, 10, 10, 2, rect(10, 10, 3, 7, 3, 7, 1));
  const { dataset } = addDecoys(
    input,
    { size: 2, margin: 1, correlation: 1, correlated: ['train'] },
    0,
    new DataProblems('d'),
  );
  const swapped = swapMask(dataset, 'decoy', 'sel');
  t.is(swapped.meta.maskName, 'decoy');
  t.deepEqual(swapped.meta.extraMasks, ['object']);
  t.deepEqual(swapped.splits.train.masks, dataset.splits.train.extraMasks!.decoy);
  t.deepEqual(swapped.splits.train.extraMasks!.object, dataset.splits.train.masks);
  t.throws(() => swapMask(input, 'decoy', 'sel'), {
    message: 'sel: the dataset has no mask `decoy`; its extra masks are: (none)',
  });

  // batchTensors can read an extra mask directly too.
  const b = batchTensors(dataset, 'train', [0], { mask: 'decoy' });
  t.deepEqual(Array.from(b.mask.dataSync()), [
    ...dataset.splits.train.extraMasks!.decoy.subarray(0, 100),
  ]);
  disposeBatch(b);
});

test('canvas, decoy and select-mask as stages: artifact in, artifact out', async (t) => {
  const dir = tempDir();
  await writeDataset(join(dir, 'in'), synthetic(8, 6, 6, 2, rect(6, 6, 2, 4, 2, 4, 1)));
  const c = await runStage(canvas, { data: join(dir, 'in'), height: 16, width: 16 });
  t.deepEqual((c.result.summary as Record<string, unknown>).size, [16, 16, 1]);
  const d = await runStage(decoy, { data: join(c.out, 'dataset') });
  const withDecoy = await readDataset(join(d.out, 'dataset'));
  t.deepEqual(withDecoy.meta.extraMasks, ['decoy']);
  t.deepEqual(withDecoy.splits.train.ids, synthetic(8, 6, 6, 2).splits.train.ids);
  t.deepEqual((d.result.summary as Record<string, unknown>).placed, {
    train: { patches: 8, none: 0 },
    val: { patches: 0, none: 0 },
    test: { patches: 8, none: 0 },
  });
  const s = await runStage(selectMask, { data: join(d.out, 'dataset'), mask: 'decoy' });
  const sel = await readDataset(join(s.out, 'dataset'));
  t.is(
    sel.splits.test.masks.reduce((a, b) => a + b, 0),
    8 * 4,
  );
});

test('normalisation: batchTensors returns (x / 255 - mean) / std per channel', (t) => {
  const ds = synthetic(1, 2, 2, 1);
  ds.meta.normalize = { mean: [0.5], std: [0.25] };
  const b = batchTensors(ds, 'train', [0]);
  // Level 10: (10 / 255 - 0.5) / 0.25.
  t.true(Math.abs(b.x.dataSync()[0] - (10 / 255 - 0.5) / 0.25) < 1e-6);
  disposeBatch(b);
});

test('a dataset written before the val split existed still reads', async (t) => {
  const dir = tempDir();
  const ds = synthetic(2, 3, 3, 2);
  await writeDataset(dir, ds);
  // Remove what the old format lacked: val files, ids and counts.val.
  for (const f of readdirSync(dir))
    if (f.startsWith('val-') || f.endsWith('-ids.json')) rmSync(join(dir, f));
  writeFileSync(
    join(dir, 'dataset.json'),
    JSON.stringify({
      ...ds.meta,
      ids: undefined,
      counts: { train: 2, test: 2 },
      emptyMasks: { train: 0, test: 0 },
    }),
  );
  const back = await readDataset(dir);
  t.is(back.meta.counts.val, 0);
  t.is(back.splits.val!.labels.length, 0);
  t.deepEqual(back.splits.test.images, ds.splits.test.images);
});
