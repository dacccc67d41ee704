import test from 'ava';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { wasm, fakeContext, tinyDataset } from './helpers/stdlib.js';
import { locationLoss, crossEntropy } from '../stdlib/location-loss.js';
import { createModel, weightBytes } from '../stdlib/models/index.js';
import { gradient } from '../stdlib/explainers/gradient.js';
import { fit, Interrupted } from '../stdlib/training.js';

test.before(wasm);

test('location loss of a known map (in-mask and out-mask)', (t) => {
  // One channel [[-1,2],[3,0]] plus two zero channels, mask [[0,1],[1,0]].
  const rel = tf.tensor4d([-1, 0, 0, 2, 0, 0, 3, 0, 0, 0, 0, 0], [1, 2, 2, 3]);
  const mask = tf.tensor3d([0, 1, 1, 0], [1, 2, 2]);
  const inMask = locationLoss(rel, mask, 'in_mask').dataSync()[0];
  const outMask = locationLoss(rel, mask, 'out_mask').dataSync()[0];
  t.true(Math.abs(inMask - 0.027778) < 1e-5, `in_mask ${inMask}`);
  t.true(Math.abs(outMask - 0.861111) < 1e-5, `out_mask ${outMask}`);
});

test('location loss over positives only, 0 when there are none', (t) => {
  const rel = tf.tensor4d([-1, 0, 0, 2, 0, 0, 3, 0, 0, 0, 0, 0], [1, 2, 2, 3]);
  const two = tf.concat([rel, rel]) as tf.Tensor4D;
  const mask = tf.tensor3d([0, 1, 1, 0, 1, 0, 0, 1], [2, 2, 2]);
  const only0 = locationLoss(two, mask, 'in_mask', tf.tensor1d([1, 0])).dataSync()[0];
  t.true(Math.abs(only0 - 0.027778) < 1e-5);
  t.is(locationLoss(two, mask, 'in_mask', tf.tensor1d([0, 0])).dataSync()[0], 0);
});

interface Fixture {
  shape: [number, number, number, number];
  classes: number;
  widths: number[];
  lambda: number;
  weights: Record<string, { shape: number[]; values: number[] }>;
  x: number[];
  labels: number[];
  mask: number[];
  cases: { target: 'in_mask' | 'out_mask'; loss: number; grads: Record<string, number[]> }[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/location-loss-grad.json', import.meta.url), 'utf8'),
) as Fixture;

for (const c of fixture.cases) {
  test(`gradient of CE + lambda * location loss (${c.target}) matches float64 PyTorch`, (t) => {
    const [b, h, w, ch] = fixture.shape;
    const model = createModel(
      { arch: 'cnn', input: [h, w, ch], classes: fixture.classes, widths: fixture.widths },
      0,
    );
    for (const wt of model.weights) {
      wt.value.assign(tf.tensor(fixture.weights[wt.name].values, wt.value.shape));
    }
    const x = tf.tensor4d(fixture.x, [b, h, w, ch]);
    const y = tf.tensor1d(fixture.labels, 'int32');
    const mask = tf.tensor3d(fixture.mask, [b, h, w]);
    const vars = model.weights.map((wt) => wt.value);
    const { value, grads } = tf.variableGrads(() => {
      const ce = crossEntropy(model.apply(x), y);
      const loc = locationLoss(gradient(model, x, y), mask, c.target);
      return tf.add(ce, tf.mul(fixture.lambda, loc)) as tf.Scalar;
    }, vars);
    t.true(Math.abs(value.dataSync()[0] - c.loss) < 1e-5 * Math.abs(c.loss));
    let num = 0;
    let den = 0;
    for (const wt of model.weights) {
      const got = grads[wt.value.name].dataSync();
      const want = c.grads[wt.name];
      want.forEach((v, i) => {
        num += (got[i] - v) ** 2;
        den += v ** 2;
      });
    }
    const rel = Math.sqrt(num / den);
    t.true(den > 0 && rel <= 1e-4, `relative L2 error ${rel}`);
  });
}

// Serial: tf.memory() counts every live tensor in the process, so a concurrent
// async test in this file would show up in the counts.
test.serial('training steps leak no tensors', async (t) => {
  const data = tinyDataset(24);
  const model = createModel({ arch: 'cnn', input: [8, 8, 1], classes: 3, widths: [2, 3, 3, 4] }, 3);
  const counts: number[] = [];
  await fit(fakeContext(), {
    model,
    data,
    epochs: 2,
    batchSize: 4,
    lr: 1e-3,
    weightDecay: 0.01,
    clipNorm: 1,
    seed: 1,
    checkpointEvery: 5,
    loss: (bt) => {
      counts.push(tf.memory().numTensors);
      const ce = crossEntropy(model.apply(bt.x), bt.y);
      const loc = locationLoss(gradient(model, bt.x, bt.y), bt.mask, 'in_mask');
      return { total: tf.add(ce, loc) as tf.Scalar, ce, location: loc };
    },
  });
  t.is(counts.length, 12);
  t.deepEqual(new Set(counts.slice(1)).size, 1, `tensor counts per step: ${counts}`);
});

test('a resumed training run ends bit-identical to an uninterrupted one', async (t) => {
  const data = tinyDataset(20);
  const spec = {
    arch: 'cnn',
    input: [8, 8, 1] as [number, number, number],
    classes: 3,
    widths: [2, 3, 3, 4],
  };
  const run = async (ctx: ReturnType<typeof fakeContext>, stopAfter?: number) => {
    const model = createModel(spec, 5);
    let calls = 0;
    const controller = new AbortController();
    ctx.signal = controller.signal;
    try {
      await fit(ctx, {
        model,
        data,
        epochs: 3,
        batchSize: 6,
        lr: 1e-2,
        weightDecay: 0.01,
        clipNorm: 0,
        seed: 2,
        checkpointEvery: 4,
        loss: (bt) => {
          if (stopAfter !== undefined && ++calls === stopAfter) controller.abort();
          return { total: crossEntropy(model.apply(bt.x), bt.y) };
        },
      });
      return weightBytes(model);
    } catch (e) {
      if (e instanceof Interrupted) return undefined;
      throw e;
    }
  };
  const straight = await run(fakeContext());
  const ctx = fakeContext();
  t.is(await run(ctx, 7), undefined);
  const resumed = await run(ctx);
  t.truthy(straight && resumed);
  t.true(straight!.equals(resumed!));
});
