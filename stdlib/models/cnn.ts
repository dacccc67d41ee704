/**
 * The small CNN of the quick study. Downsampling is a 2x2 stride-2
 * convolution written as space-to-depth followed by a 1x1 convolution, so
 * every convolution has stride 1 and gradients of any order exist on wasm.
 *
 *   conv3x3(16) relu -> down(32) relu -> conv3x3(32) relu -> down(64) relu
 *   -> flatten -> dense(classes)
 *
 * `spec.widths` overrides the four widths (default [16, 32, 32, 64]).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../tf/rng.js';
import { type Model, type ModelSpec, WeightBuilder, makeModel, spaceToDepth } from './model.js';

export function buildCnn(spec: ModelSpec, rng: Rng): Model {
  const [h, w, c] = spec.input;
  if (h % 4 !== 0 || w % 4 !== 0) {
    throw new Error(`model cnn needs height and width divisible by 4, got ${h}x${w}`);
  }
  const [c1, c2, c3, c4] = spec.widths ?? [16, 32, 32, 64];
  const b = new WeightBuilder(rng);
  const w1 = b.he('conv1/kernel', [3, 3, c, c1], 9 * c);
  const b1 = b.zeros('conv1/bias', [c1]);
  const w2 = b.he('down1/kernel', [1, 1, 4 * c1, c2], 4 * c1);
  const b2 = b.zeros('down1/bias', [c2]);
  const w3 = b.he('conv2/kernel', [3, 3, c2, c3], 9 * c2);
  const b3 = b.zeros('conv2/bias', [c3]);
  const w4 = b.he('down2/kernel', [1, 1, 4 * c3, c4], 4 * c3);
  const b4 = b.zeros('down2/bias', [c4]);
  const flat = (h / 4) * (w / 4) * c4;
  const w5 = b.he('dense/kernel', [flat, spec.classes], flat);
  const b5 = b.zeros('dense/bias', [spec.classes]);

  return makeModel(spec, b.weights, (x, ops) => {
    const conv = (t: tf.Tensor4D, k: tf.Variable, bias: tf.Variable) =>
      ops.relu(ops.conv(t, k, bias)) as tf.Tensor4D;
    let y = conv(x, w1, b1);
    y = conv(spaceToDepth(y), w2, b2);
    y = conv(y, w3, b3);
    y = ops.tap(conv(spaceToDepth(y), w4, b4));
    const f = tf.reshape(y, [x.shape[0], flat]);
    return ops.dense(f, w5, b5) as tf.Tensor2D;
  });
}
