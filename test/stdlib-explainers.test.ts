import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { wasm } from './helpers/stdlib.js';
import { createModel, type Model } from '../stdlib/models/index.js';
import { makeModel } from '../stdlib/models/model.js';
import { explain, type ExplainOptions, type ExplainerName } from '../stdlib/explainers/index.js';

test.before(wasm);

const TOL = 1e-5;

function assertClose(
  t: import('ava').ExecutionContext,
  got: ArrayLike<number>,
  want: number[],
  tol = TOL,
) {
  t.is(got.length, want.length);
  const diff = Math.max(...want.map((w, i) => Math.abs(got[i] - w)));
  t.true(diff <= tol, `got [${Array.from(got)}], want [${want}] (max diff ${diff})`);
}

function setWeights(model: Model, values: Record<string, number[]>) {
  for (const w of model.weights) w.value.assign(tf.tensor(values[w.name], w.value.shape));
}

/** f(x) = w.x + b with w = [1,-2,3], b = 0.5 at x = [2,1,-1] (f = -2.5). */
function linear() {
  const m = createModel({ arch: 'linear', input: [1, 1, 3], classes: 1 }, 0);
  setWeights(m, { 'dense/kernel': [1, -2, 3], 'dense/bias': [0.5] });
  return { m, x: tf.tensor4d([2, 1, -1], [1, 1, 1, 3]), y: tf.tensor1d([0], 'int32') };
}

const linearCases: [string, ExplainerName, Partial<ExplainOptions>, number[]][] = [
  ['gradient is w', 'gradient', {}, [1, -2, 3]],
  ['gradient x input', 'gradient_x_input', {}, [2, -2, -3]],
  ['integrated gradients, 1 step', 'integrated_gradients', { steps: 1 }, [2, -2, -3]],
  ['integrated gradients, 7 steps', 'integrated_gradients', { steps: 7 }, [2, -2, -3]],
  ['smoothgrad with large noise is w', 'smoothgrad', { samples: 5, noise: 3 }, [1, -2, 3]],
  ['lrp epsilon', 'lrp', { rule: 'epsilon' }, [2, -2, -3]],
  ['lrp epsilon_plus (dense layers use epsilon)', 'lrp', { rule: 'epsilon_plus' }, [2, -2, -3]],
  ['gradient, seed output, is -2.5 w', 'gradient', { seed: 'output' }, [-2.5, 5, -7.5]],
  [
    'integrated gradients, seed output',
    'integrated_gradients',
    { seed: 'output', steps: 1 },
    [-5, 5, 7.5],
  ],
];

for (const [title, name, opts, want] of linearCases) {
  test(`linear model: ${title}`, (t) => {
    const { m, x, y } = linear();
    assertClose(t, explain(name, m, x, y, opts).dataSync(), want);
  });
}

/** h = relu(W1 x + b1), f = w2.h; W1 = [[1,-1],[2,1]], b1 = [0,-1], w2 = [1,1], x = [1,2]. */
function twoLayer() {
  const m = createModel({ arch: 'mlp', input: [1, 1, 2], classes: 1, widths: [2] }, 0);
  // A dense kernel is [in, out], so it holds W1 transposed.
  setWeights(m, {
    'hidden/kernel': [1, 2, -1, 1],
    'hidden/bias': [0, -1],
    'out/kernel': [1, 1],
    'out/bias': [0],
  });
  return { m, x: tf.tensor4d([1, 2], [1, 1, 1, 2]), y: tf.tensor1d([0], 'int32') };
}

test('two-layer ReLU net: f = 3', (t) => {
  const { m, x } = twoLayer();
  assertClose(t, m.apply(x).dataSync(), [3]);
});

const mlpCases: [string, ExplainerName, Partial<ExplainOptions>, number[]][] = [
  ['gradient', 'gradient', {}, [2, 1]],
  ['gradient x input', 'gradient_x_input', {}, [2, 2]],
  ['lrp epsilon (LRP-0 up to 1e-6)', 'lrp', { rule: 'epsilon' }, [2, 2]],
];
for (const [title, name, opts, want] of mlpCases) {
  test(`two-layer ReLU net: ${title}`, (t) => {
    const { m, x, y } = twoLayer();
    assertClose(t, explain(name, m, x, y, opts).dataSync(), want);
  });
}

/** Global-average head over the input itself, weights [1, -1]. */
function gapModel(): Model {
  const k = tf.variable(tf.tensor2d([[1], [-1]]));
  const b = tf.variable(tf.zeros([1]));
  return makeModel(
    { arch: 'gap', input: [2, 2, 2], classes: 1 },
    [
      { name: 'head/kernel', value: k },
      { name: 'head/bias', value: b },
    ],
    (x, ops) => ops.dense(tf.mean(ops.tap(x), [1, 2]), k, b) as tf.Tensor2D,
  );
}

test('gradcam of A1 = [[1,0],[0,0]], A2 = [[0,0],[0,2]] with head [1,-1]', (t) => {
  // Channels-last: pixel (i, j) holds [A1, A2].
  const x = tf.tensor4d([1, 0, 0, 0, 0, 0, 0, 2], [1, 2, 2, 2]);
  const y = tf.tensor1d([0], 'int32');
  const m = gapModel();
  const raw = explain('gradcam', m, x, y, { relu: false });
  t.deepEqual(raw.shape, [1, 2, 2, 1]);
  assertClose(t, raw.dataSync(), [0.25, 0, 0, -0.5]);
  assertClose(t, explain('gradcam', m, x, y).dataSync(), [0.25, 0, 0, 0]);
});

test('gradcam rejects a model without a feature map', (t) => {
  const { m, x, y } = linear();
  t.throws(() => explain('gradcam', m, x, y), { message: /model `linear` marks none/ });
});

test('lrp rejects a layer it has no rule for', (t) => {
  const k = tf.variable(tf.ones([3, 1]));
  const b = tf.variable(tf.zeros([1]));
  const m = makeModel({ arch: 'softplus-net', input: [1, 1, 3], classes: 1 }, [], (x, ops) => {
    const h = ops.activation('softplus', tf.reshape(x, [1, 3]), (z) => tf.softplus(z));
    return ops.dense(h, k, b) as tf.Tensor2D;
  });
  const x = tf.tensor4d([1, 2, 3], [1, 1, 1, 3]);
  const y = tf.tensor1d([0], 'int32');
  t.throws(() => explain('lrp', m, x, y), { message: /no rule for the `softplus` layer/ });
  // The gradient explainers go through any layer.
  t.is(explain('gradient', m, x, y).shape.length, 4);
});

// Without biases, relevance is conserved layer by layer: the input relevance
// sums to the target logit (up to the 1e-6 stabiliser).
for (const arch of ['cnn', 'densenet'] as const) {
  // alpha-beta conserves only where both z+ and z- are non-zero, which
  // zero inputs (padding, inactive units) break.
  for (const rule of ['epsilon', 'epsilon_plus'] as const) {
    test(`lrp ${rule} conserves relevance on a bias-free ${arch}`, (t) => {
      const m = createModel(
        { arch, input: [8, 8, 1], classes: 3, widths: arch === 'cnn' ? [3, 4, 4, 5] : [4, 3] },
        11,
      );
      const x = tf.tensor4d(
        Array.from({ length: 128 }, (_, i) => ((i * 37) % 17) / 17),
        [2, 8, 8, 1],
      );
      const y = tf.tensor1d([0, 2], 'int32');
      const z = m.apply(x).arraySync();
      const r = explain('lrp', m, x, y, { rule }).reshape([2, 64]).sum(1).arraySync() as number[];
      const want = [z[0][0], z[1][2]];
      for (let i = 0; i < 2; i++) {
        t.true(
          Math.abs(r[i] - want[i]) <= 1e-4 * Math.max(1, Math.abs(want[i])),
          `${r[i]} vs ${want[i]}`,
        );
      }
      t.true(Math.abs(want[0]) > 1e-3);
    });
  }
}

test('lrp alpha_beta on one 1x1 convolution: a = [1, 2], w = [1, -1] gives [-2, 1]', (t) => {
  // z = -1, z+ = 1, z- = -2: R_1 = 2 * 1 / 1 * z, R_2 = -1 * (-2) / (-2) * z.
  const k = tf.variable(tf.tensor4d([1, -1], [1, 1, 2, 1]));
  const b = tf.variable(tf.zeros([1]));
  const m = makeModel(
    { arch: 'conv1x1', input: [1, 1, 2], classes: 1 },
    [],
    (x, ops) => tf.reshape(ops.conv(x, k, b), [-1, 1]) as tf.Tensor2D,
  );
  const x = tf.tensor4d([1, 2], [1, 1, 1, 2]);
  const y = tf.tensor1d([0], 'int32');
  assertClose(t, explain('lrp', m, x, y, { rule: 'alpha_beta' }).dataSync(), [-2, 1]);
  assertClose(t, explain('lrp', m, x, y, { rule: 'epsilon_plus' }).dataSync(), [-1, 0]);
});

test('lrp alpha_beta differs from epsilon_plus on a CNN', (t) => {
  const m = createModel({ arch: 'cnn', input: [8, 8, 1], classes: 3, widths: [3, 4, 4, 5] }, 11);
  const x = tf.tensor4d(
    Array.from({ length: 64 }, (_, i) => ((i * 37) % 17) / 17),
    [1, 8, 8, 1],
  );
  const y = tf.tensor1d([1], 'int32');
  const a = explain('lrp', m, x, y, { rule: 'alpha_beta' });
  const b = explain('lrp', m, x, y, { rule: 'epsilon_plus' });
  t.true(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] > 1e-3);
});

test('smoothgrad draws the same noise for the same seed and other noise for another', (t) => {
  const m = createModel({ arch: 'mlp', input: [4, 4, 1], classes: 2, widths: [6] }, 3);
  const x = tf.tensor4d(
    Array.from({ length: 16 }, (_, i) => i / 16),
    [1, 4, 4, 1],
  );
  const y = tf.tensor1d([1], 'int32');
  // Noise large enough to change which ReLUs are active.
  const run = (noiseSeed: number) =>
    explain('smoothgrad', m, x, y, { samples: 4, noise: 1, noiseSeed }).dataSync();
  t.deepEqual(run(5), run(5));
  t.notDeepEqual(run(5), run(6));
});
