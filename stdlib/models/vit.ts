/**
 * A small vision transformer: non-overlapping p x p patches embedded by a
 * 1x1 convolution on the space-to-depth image, a learned class token,
 * learned position embeddings, `depth` pre-norm blocks, and a linear head on
 * the normalised class token.
 *
 * `spec.widths` = [dim, mlp hidden] (default [32, 64]); `spec.patch`
 * (default 4), `spec.depth` (default 2), `spec.heads` (default 2).
 * GradCAM taps the patch tokens entering the last block (after it, only the
 * class token reaches the head).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../tf/rng.js';
import { type Model, type ModelSpec, WeightBuilder, makeModel, spaceToDepth } from './model.js';
import { block, blockParams, checkHeads, normParams } from './transformer.js';

export function buildVit(spec: ModelSpec, rng: Rng): Model {
  const [h, w, c] = spec.input;
  const p = spec.patch ?? 4;
  if (h % p !== 0 || w % p !== 0) {
    throw new Error(`model vit: patch ${p} does not divide the ${h}x${w} input`);
  }
  const [dim, hidden] = spec.widths ?? [32, 64];
  const depth = spec.depth ?? 2;
  const heads = spec.heads ?? 2;
  checkHeads('vit', dim, heads);
  const gh = h / p;
  const gw = w / p;
  const n = gh * gw;

  const wb = new WeightBuilder(rng);
  const embedK = wb.normal('embed/kernel', [1, 1, p * p * c, dim], Math.sqrt(1 / (p * p * c)));
  const embedB = wb.zeros('embed/bias', [dim]);
  const cls = wb.normal('cls', [1, 1, dim], 0.02);
  const pos = wb.normal('pos', [n + 1, dim], 0.02);
  const blocks = Array.from({ length: depth }, (_, i) =>
    blockParams(wb, `block${i + 1}`, dim, hidden),
  );
  const norm = normParams(wb, 'norm', dim);
  const headK = wb.normal('head/kernel', [dim, spec.classes], Math.sqrt(1 / dim));
  const headB = wb.zeros('head/bias', [spec.classes]);

  return makeModel(spec, wb.weights, (x, ops) => {
    const b = x.shape[0];
    const patches = ops.conv(spaceToDepth(x, p), embedK, embedB);
    let t: tf.Tensor = tf.concat([tf.tile(cls, [b, 1, 1]), tf.reshape(patches, [b, n, dim])], 1);
    t = tf.add(t, pos);
    blocks.forEach((bp, i) => {
      if (i === blocks.length - 1) t = tapPatches(t, (a) => ops.tap(a), gh, gw);
      t = block(ops, t, bp, heads);
    });
    const first = tf.reshape(tf.slice(t, [0, 0, 0], [b, 1, dim]), [b, dim]);
    return ops.dense(ops.layerNorm(first, norm.g, norm.b), headK, headB) as tf.Tensor2D;
  });
}

/** Route the patch tokens of t [B, 1 + gh*gw, D] through tap as a [B, gh, gw, D] map. */
function tapPatches(
  t: tf.Tensor,
  tap: (a: tf.Tensor4D) => tf.Tensor4D,
  gh: number,
  gw: number,
): tf.Tensor {
  const [b, , dim] = t.shape;
  const first = tf.slice(t, [0, 0, 0], [b, 1, dim]);
  const rest = tf.reshape(tf.slice(t, [0, 1, 0], [b, gh * gw, dim]), [b, gh, gw, dim]);
  return tf.concat([first, tf.reshape(tap(rest as tf.Tensor4D), [b, gh * gw, dim])], 1);
}
