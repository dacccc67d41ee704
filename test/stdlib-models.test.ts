import test from 'ava';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { wasm, fakeContext, tinyDataset } from './helpers/stdlib.js';
import {
  createModel,
  loadModel,
  saveModel,
  disposeModel,
  type ModelSpec,
} from '../stdlib/models/index.js';
import { writeDataset } from '../stdlib/data/dataset.js';
import { train } from '../stdlib/stages/train.js';

test.before(wasm);

const x28 = () =>
  tf.tensor4d(
    Array.from({ length: 2 * 784 }, (_, i) => ((i * 7) % 13) / 13),
    [2, 28, 28, 1],
  );

for (const arch of ['cnn', 'densenet', 'vit', 'swin']) {
  test(`${arch} with default sizes maps 28x28 images to 10 logits and saves/loads exactly`, async (t) => {
    const m = createModel({ arch, input: [28, 28, 1], classes: 10 }, 1);
    const x = x28();
    const logits = m.apply(x);
    t.deepEqual(logits.shape, [2, 10]);
    t.true(logits.dataSync().every(Number.isFinite));
    const dir = join(fakeContext().outDir, 'm');
    await saveModel(m, dir);
    const back = await loadModel(dir);
    t.deepEqual(Array.from(back.apply(x).dataSync()), Array.from(logits.dataSync()));
    disposeModel(m);
    disposeModel(back);
  });
}

test('swin: every block has a per-head bias over pairs of window positions', (t) => {
  // The shifted-window arithmetic itself is checked against PyTorch in
  // stdlib-explainers-grad (grid 4, window 2, shift 1).
  const spec: ModelSpec = {
    arch: 'swin',
    input: [8, 8, 1],
    classes: 3,
    widths: [4],
    window: 2,
    depth: 2,
    heads: 2,
  };
  const m = createModel(spec, 2);
  const biases = m.weights.filter((w) => w.name.endsWith('/attn/bias'));
  t.deepEqual(
    biases.map((w) => w.name),
    [
      'stage1/block1/attn/bias',
      'stage1/block2/attn/bias',
      'stage2/block1/attn/bias',
      'stage2/block2/attn/bias',
    ],
  );
  for (const w of biases) t.deepEqual(w.value.shape, [2, 4, 4]);
});

test('model errors say what is wrong', (t) => {
  t.throws(() => createModel({ arch: 'vit', input: [28, 28, 1], classes: 10, patch: 5 }, 0), {
    message: /patch 5 does not divide the 28x28 input/,
  });
  t.throws(
    () =>
      createModel({ arch: 'vit', input: [28, 28, 1], classes: 10, widths: [30, 8], heads: 4 }, 0),
    {
      message: /width 30 is not divisible by 4 heads/,
    },
  );
  t.throws(() => createModel({ arch: 'swin', input: [28, 28, 1], classes: 10, window: 4 }, 0), {
    message: /window 4 does not divide the 14x14 grid/,
  });
  t.throws(() => createModel({ arch: 'resnet', input: [28, 28, 1], classes: 10 }, 0), {
    message: /unknown model `resnet`; known models: cnn, densenet, vit, swin/,
  });
});

async function trainOnce(ctxDir: string, params: Record<string, unknown>, data: string) {
  const ctx = fakeContext({ outDir: ctxDir });
  return train.run(ctx, {
    data,
    epochs: 1,
    batch_size: 6,
    lr: 0.01,
    weight_decay: 0,
    clip_norm: 0,
    checkpoint_every: 0,
    model: 'cnn',
    model_options: { widths: [2, 3, 3, 4] },
    ...params,
  });
}

test('train from a pretrained model: same classes start from its weights', async (t) => {
  const base = fakeContext().outDir;
  await writeDataset(join(base, 'data'), tinyDataset(12));
  await trainOnce(join(base, 'a'), {}, join(base, 'data'));
  // lr 0: the second run must end exactly where the first one ended.
  await trainOnce(
    join(base, 'b'),
    { pretrained: join(base, 'a', 'model'), lr: 0, model: 'vit' },
    join(base, 'data'),
  );
  const a = await loadModel(join(base, 'a', 'model'));
  const b = await loadModel(join(base, 'b', 'model'));
  t.is(b.spec.arch, 'cnn');
  t.deepEqual(b.spec.widths, [2, 3, 3, 4]);
  for (let i = 0; i < a.weights.length; i++) {
    t.deepEqual(
      Array.from(b.weights[i].value.dataSync()),
      Array.from(a.weights[i].value.dataSync()),
    );
  }
});

test('train from a pretrained model with other classes: only the head starts fresh', async (t) => {
  const base = fakeContext().outDir;
  await writeDataset(join(base, 'data'), tinyDataset(12));
  const two = tinyDataset(12);
  two.meta.classNames = ['a', 'b'];
  for (const s of [two.splits.train, two.splits.test]) s.labels = s.labels.map((l) => l % 2);
  await writeDataset(join(base, 'two'), two);
  await trainOnce(join(base, 'a'), {}, join(base, 'data'));
  await trainOnce(
    join(base, 'b'),
    { pretrained: join(base, 'a', 'model'), lr: 0 },
    join(base, 'two'),
  );
  const a = await loadModel(join(base, 'a', 'model'));
  const b = await loadModel(join(base, 'b', 'model'));
  t.is(b.spec.classes, 2);
  for (let i = 0; i < a.weights.length; i++) {
    const name = a.weights[i].name;
    const same = a.weights[i].value.shape.join() === b.weights[i].value.shape.join();
    t.is(same, !name.startsWith('dense/'), name);
    if (same)
      t.deepEqual(
        Array.from(b.weights[i].value.dataSync()),
        Array.from(a.weights[i].value.dataSync()),
      );
  }
});

test('train rejects unknown model options', async (t) => {
  const base = fakeContext().outDir;
  await writeDataset(join(base, 'data'), tinyDataset(12));
  await t.throwsAsync(
    trainOnce(join(base, 'a'), { model_options: { width: [3] } }, join(base, 'data')),
    {
      message: /model_options: unknown option `width`; known: widths, patch, window, depth, heads/,
    },
  );
});
