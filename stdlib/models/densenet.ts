/**
 * A DenseNet-style CNN sized for CPU. Inside a dense block every layer sees
 * the concatenation of all earlier feature maps; transitions compress the
 * channels by half and downsample by 2 with space-to-depth + 1x1
 * convolution (no pooling, so gradients of any order exist on wasm).
 *
 *   conv3x3(stem) relu -> down(stem) relu            H/2
 *   -> block(depth x [conv3x3(growth) relu, concat])
 *   -> transition(half) relu                          H/4
 *   -> block(depth x [conv3x3(growth) relu, concat])
 *   -> global average pool -> dense(classes)
 *
 * `spec.widths` = [stem, growth] (default [16, 12]); `spec.depth` = layers
 * per block (default 3).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../tf/rng.js';
import { type Model, type ModelSpec, WeightBuilder, makeModel, spaceToDepth } from './model.js';

interface Conv {
  k: tf.Variable;
  b: tf.Variable;
}

export function buildDenseNet(spec: ModelSpec, rng: Rng): Model {
  const [h, w, c] = spec.input;
  if (h % 4 !== 0 || w % 4 !== 0) {
    throw new Error(`model densenet needs height and width divisible by 4, got ${h}x${w}`);
  }
  const [stem, growth] = spec.widths ?? [16, 12];
  const depth = spec.depth ?? 3;
  const wb = new WeightBuilder(rng);
  const conv = (name: string, size: number, cin: number, cout: number): Conv => ({
    k: wb.he(`${name}/kernel`, [size, size, cin, cout], size * size * cin),
    b: wb.zeros(`${name}/bias`, [cout]),
  });

  const stemConv = conv('stem', 3, c, stem);
  const down = conv('down', 1, 4 * stem, stem);
  const block = (name: string, cin: number) =>
    Array.from({ length: depth }, (_, i) =>
      conv(`${name}/layer${i + 1}`, 3, cin + i * growth, growth),
    );
  const block1 = block('block1', stem);
  const afterBlock1 = stem + depth * growth;
  const half = Math.max(1, Math.floor(afterBlock1 / 2));
  const transition = conv('transition', 1, 4 * afterBlock1, half);
  const block2 = block('block2', half);
  const features = half + depth * growth;
  const head = {
    k: wb.he('head/kernel', [features, spec.classes], features),
    b: wb.zeros('head/bias', [spec.classes]),
  };

  return makeModel(spec, wb.weights, (x, ops) => {
    const layer = (t: tf.Tensor4D, p: Conv) => ops.relu(ops.conv(t, p.k, p.b)) as tf.Tensor4D;
    const dense = (t: tf.Tensor4D, layers: Conv[]) => {
      for (const p of layers) t = tf.concat([t, layer(t, p)], 3);
      return t;
    };
    let y = layer(x, stemConv);
    y = layer(spaceToDepth(y), down);
    y = dense(y, block1);
    y = layer(spaceToDepth(y), transition);
    y = ops.tap(dense(y, block2));
    return ops.dense(tf.mean(y, [1, 2]), head.k, head.b) as tf.Tensor2D;
  });
}
