import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { wasm, fakeContext, tinyDataset } from './helpers/stdlib.js';
import { createModel } from '../stdlib/models/index.js';
import { crossEntropy } from '../stdlib/location-loss.js';
import { fit } from '../stdlib/training.js';

test.before(wasm);

const spec = {
  arch: 'cnn',
  input: [8, 8, 1] as [number, number, number],
  classes: 3,
  widths: [2, 3, 3, 4],
};
const settings = {
  epochs: 2,
  batchSize: 4,
  lr: 1e-3,
  weightDecay: 0,
  clipNorm: 0,
  seed: 1,
  checkpointEvery: 0,
};

test('a NaN loss fails the stage naming the instance, metric and step', async (t) => {
  const model = createModel(spec, 1);
  let step = 0;
  const error = await t.throwsAsync(
    fit(fakeContext({ instanceId: 'align[target=in_mask]' }), {
      ...settings,
      model,
      data: tinyDataset(12),
      loss: (b) => {
        const ce = crossEntropy(model.apply(b.x), b.y);
        // The fifth step (epoch 2, step 2) produces NaN.
        return { total: ++step === 5 ? (tf.mul(ce, NaN) as tf.Scalar) : ce };
      },
    }),
  );
  t.is(error?.message, 'align[target=in_mask]: total diverged (NaN) at epoch 2, step 2');
});

test('training reduces the loss and reports progress per step', async (t) => {
  const model = createModel(spec, 2);
  const ctx = fakeContext();
  const history = await fit(ctx, {
    ...settings,
    epochs: 8,
    lr: 1e-2,
    model,
    data: tinyDataset(12),
    loss: (b) => ({ total: crossEntropy(model.apply(b.x), b.y) }),
  });
  t.is(history.length, 8);
  t.true(history[7].total < history[0].total, JSON.stringify(history));
  const last = ctx.events.at(-1)!;
  t.is(last.step, 24);
  t.is(last.total, 24);
  t.is(last.phase, 'epoch 8/8 (epoch means)');
  // The last report of an epoch carries that epoch's mean loss.
  t.true(Math.abs(last.values!.total - history[7].total) < 1e-9);
});
