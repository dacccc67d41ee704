/**
 * Explanations as differentiable tensor functions: each returns a relevance
 * map shaped like the input, built from ops that tfjs can differentiate
 * again, so the alignment loss can train through it.
 */
import * as tf from '@tensorflow/tfjs';
import type { Model } from '../models/index.js';

/**
 * What the backward pass starts from. `logit`: the gradient of the target
 * logit (textbook saliency). `output`: the logit's value times its gradient,
 * which is what libraries that seed the backward pass with the model output
 * compute.
 */
export type SeedMode = 'logit' | 'output';

export const EXPLAINERS = ['gradient'] as const;
export type ExplainerName = (typeof EXPLAINERS)[number];

export interface ExplainOptions {
  seed: SeedMode;
}

/** Sum over the batch of each image's target logit (or its square / 2). */
function targetScore(model: Model, x: tf.Tensor4D, labels: tf.Tensor1D, seed: SeedMode) {
  const logits = model.apply(x);
  const onehot = tf.oneHot(labels, model.spec.classes);
  const z = tf.sum(tf.mul(logits, onehot), 1);
  return seed === 'output' ? tf.mul(0.5, tf.sum(tf.square(z))) : tf.sum(z);
}

/** d(target logit)/d(input) per image; images do not interact. */
export function gradient(
  model: Model,
  x: tf.Tensor4D,
  labels: tf.Tensor1D,
  opts: ExplainOptions = { seed: 'logit' },
): tf.Tensor4D {
  return tf.grad((xx: tf.Tensor) =>
    targetScore(model, xx as tf.Tensor4D, labels, opts.seed),
  )(x) as tf.Tensor4D;
}

export function explain(
  name: ExplainerName,
  model: Model,
  x: tf.Tensor4D,
  labels: tf.Tensor1D,
  opts?: ExplainOptions,
): tf.Tensor4D {
  switch (name) {
    case 'gradient':
      return gradient(model, x, labels, opts);
  }
}
