/**
 * Gradient explanations as differentiable tensor functions: each returns a
 * relevance map shaped like the input, built from ops that tfjs can
 * differentiate again, so the alignment loss can train through it.
 */
import * as tf from '@tensorflow/tfjs';
import type { Model } from '../models/index.js';
import { type SeedMode, targetScore } from './seed.js';

export type { SeedMode } from './seed.js';

/**
 * d(target logit)/d(input) for a batch (or z times it, seed `output`).
 * Works for any batch of images: IG and SmoothGrad pass their stacked
 * copies with labels repeated.
 */
export function gradient(
  model: Model,
  x: tf.Tensor4D,
  labels: tf.Tensor1D,
  opts: { seed: SeedMode } = { seed: 'logit' },
): tf.Tensor4D {
  return tf.grad((xx: tf.Tensor) => targetScore(model.apply(xx as tf.Tensor4D), labels, opts.seed))(
    x,
  ) as tf.Tensor4D;
}

/** Gradient times input. */
export function gradientXInput(
  model: Model,
  x: tf.Tensor4D,
  labels: tf.Tensor1D,
  opts: { seed: SeedMode } = { seed: 'logit' },
): tf.Tensor4D {
  return tf.mul(x, gradient(model, x, labels, opts));
}

/**
 * Mean input gradient over `copies` stacked versions of the batch:
 * stacked is [copies * B, H, W, C] (copy-major); returns [B, H, W, C].
 */
export function meanGradient(
  model: Model,
  stacked: tf.Tensor4D,
  labels: tf.Tensor1D,
  copies: number,
  seed: SeedMode,
): tf.Tensor4D {
  const [, h, w, c] = stacked.shape;
  const b = labels.shape[0];
  const many = tf.tile(labels, [copies]) as tf.Tensor1D;
  const g = gradient(model, stacked, many, { seed });
  return tf.mean(tf.reshape(g, [copies, b, h, w, c]), 0) as tf.Tensor4D;
}
