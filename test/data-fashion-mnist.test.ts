import test from 'ava';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readDataset } from '../stdlib/data/dataset.js';
import { fashionMnist } from '../stdlib/stages/fashion-mnist.js';
import { runStage, tempDir } from './fixtures/data/helpers.js';

/** An IDX file of unsigned bytes, gzip-compressed. */
function idx(dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(0x0800 | dims.length, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return gzipSync(Buffer.concat([head, data]));
}

/** A stand-in "full set": n train and n test images, image i filled with i + 1, label i % 10. */
function fakeFull(n: number): string {
  const dir = tempDir();
  mkdirSync(dir, { recursive: true });
  const images = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) images.fill(i + 1, i * 784, (i + 1) * 784);
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  for (const prefix of ['train', 't10k']) {
    writeFileSync(join(dir, `${prefix}-images-idx3-ubyte.gz`), idx([n, 28, 28], images));
    writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte.gz`), idx([n], labels));
  }
  return dir;
}

test('source auto takes the full set when its files are there, and says so', async (t) => {
  const root = fakeFull(20);
  const { out, result } = await runStage(fashionMnist, {
    source: 'auto',
    root,
    train: 12,
    test: 5,
    val: 4,
  });
  const summary = result.summary as Record<string, unknown>;
  t.is(summary.used, 'full');
  t.is(summary.source, `fashion-mnist full (${root})`);
  const ds = await readDataset(join(out, 'dataset'));
  t.deepEqual(ds.meta.counts, { train: 12, val: 4, test: 5 });
  // Validation images are drawn apart from the training images.
  const train = new Set(ds.splits.train.ids);
  t.true(ds.splits.val!.ids!.every((id) => !train.has(id)));
  // Image k of the file is filled with k + 1, its label is k % 10.
  const id = Number(ds.splits.val!.ids![0]);
  t.is(ds.splits.val!.images[0], id + 1);
  t.is(ds.splits.val!.labels[0], id % 10);
});

test('source auto falls back to the committed sample', async (t) => {
  const { out, result } = await runStage(fashionMnist, {
    source: 'auto',
    root: join(tempDir(), 'absent'),
    train: 30,
    test: 10,
  });
  const summary = result.summary as Record<string, unknown>;
  t.is(summary.used, 'sample');
  t.regex(summary.source as string, /^fashion-mnist sample \(/);
  const ds = await readDataset(join(out, 'dataset'));
  t.deepEqual(ds.meta.counts, { train: 30, val: 0, test: 10 });
});

test('the committed sample is the default source', async (t) => {
  const { result } = await runStage(fashionMnist, { root: fakeFull(20), train: 30, test: 10 });
  t.is((result.summary as Record<string, unknown>).used, 'sample');
});

test('asking for more images than the source holds fails and says what to do', async (t) => {
  await t.throwsAsync(runStage(fashionMnist, { train: 100000, test: 10 }, { instanceId: 'fm' }), {
    message:
      'fm: asked for 100000 train images, but the sample set has only 3000 of the chosen ' +
      'classes; lower `train:` or read the full set with `source: full`',
  });
});

test('source full without the files says how to get them', async (t) => {
  const root = join(tempDir(), 'absent');
  await t.throwsAsync(runStage(fashionMnist, { source: 'full', root }, { instanceId: 'fm' }), {
    message: new RegExp(`^fm: the full Fashion-MNIST set is not at ${root}; install it`),
  });
});
