/**
 * Routes for the two convolution gradients on the wasm backend, for the
 * shapes of the quick study's CNN (stride 1, 'same', batch 32):
 *
 *   filter gradient: conv2d over batch-as-channels (what tf/gradients.ts
 *     uses) vs im2col (nine shifted slices, then one matMul)
 *   input gradient:  conv2d with the flipped kernel (what we use) vs the
 *     backend's own Conv2DBackpropInput kernel
 *
 *   node dist/bench/conv-grad-routes.js [--reps 20]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { startEngine } from '../stdlib/engine.js';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '20' } } });
const reps = Number(values.reps);
await startEngine('wasm');

function time(label: string, f: () => tf.Tensor): number {
  for (let i = 0; i < 3; i++) tf.tidy(f);
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) tf.tidy(() => f().dataSync());
  const ms = (performance.now() - t0) / reps;
  const leaked = tf.memory().numTensors - before;
  console.log(`  ${label.padEnd(44)} ${ms.toFixed(2).padStart(8)} ms  (leaked ${leaked})`);
  return ms;
}

function filterViaConv(x: tf.Tensor4D, dy: tf.Tensor4D, k: number) {
  const p = (k - 1) / 2;
  const xp = tf.pad(x, [
    [0, 0],
    [p, p],
    [p, p],
    [0, 0],
  ]);
  const xt = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D;
  const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
  return tf.transpose(tf.conv2d(xt, dyt, 1, 'valid'), [1, 2, 0, 3]);
}

function filterViaIm2col(x: tf.Tensor4D, dy: tf.Tensor4D, k: number) {
  const [b, h, w, ci] = x.shape;
  const co = dy.shape[3];
  const p = (k - 1) / 2;
  const xp = tf.pad(x, [
    [0, 0],
    [p, p],
    [p, p],
    [0, 0],
  ]);
  const cols: tf.Tensor[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) cols.push(tf.slice(xp, [0, i, j, 0], [b, h, w, ci]));
  }
  // [k*k, B*H*W, Ci] -> [B*H*W, k*k*Ci]
  const patches = tf.reshape(tf.transpose(tf.stack(cols), [1, 2, 3, 0, 4]), [
    b * h * w,
    k * k * ci,
  ]);
  const g = tf.matMul(patches, tf.reshape(dy, [b * h * w, co]), true, false);
  return tf.reshape(g, [k, k, ci, co]);
}

function inputViaConv(dy: tf.Tensor4D, wt: tf.Tensor4D) {
  const flipped = tf.transpose(tf.reverse(wt, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  return tf.conv2d(dy, flipped, 1, 'same');
}

const shapes: [number, number, number, number, number][] = [
  [32, 28, 1, 16, 3],
  [32, 14, 32, 32, 3],
];
for (const [b, s, ci, co, k] of shapes) {
  console.log(`batch ${b}, ${s}x${s}x${ci} -> ${co}, ${k}x${k}:`);
  const x = tf.randomNormal([b, s, s, ci]) as tf.Tensor4D;
  const dy = tf.randomNormal([b, s, s, co]) as tf.Tensor4D;
  const wt = tf.randomNormal([k, k, ci, co]) as tf.Tensor4D;
  const a = filterViaConv(x, dy, k).dataSync();
  const c = filterViaIm2col(x, dy, k).dataSync();
  const err = Math.max(...a.map((v, i) => Math.abs(v - c[i])));
  time('filter gradient, conv2d (used)', () => filterViaConv(x, dy, k));
  time(`filter gradient, im2col + matMul (max diff ${err.toExponential(1)})`, () =>
    filterViaIm2col(x, dy, k),
  );
  time('input gradient, flipped-kernel conv2d (used)', () => inputViaConv(dy, wt));
  time('input gradient, Conv2DBackpropInput kernel', () =>
    tf.conv2dTranspose(dy, wt, [b, s, s, ci], 1, 'same'),
  );
}
