/**
 * What the backward pass of an explanation starts from.
 *
 * `logit` (default): the gradient of the target logit z, the textbook
 * saliency.
 *
 * `output`: z times its gradient, i.e. the gradient of z^2 / 2. Attribution
 * libraries that start the backward pass from the model output (rather than
 * from a one-hot vector) compute this; every map is then scaled per image by
 * the logit's own value, so images the model is unsure about (z near 0) get
 * faint maps and a negative logit flips the sign of the whole map.
 */
import * as tf from '@tensorflow/tfjs';

export type SeedMode = 'logit' | 'output';
export const SEED_MODES: readonly SeedMode[] = ['logit', 'output'];

/** Each image's logit of its label, shape [B]. */
export function targetLogits(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  const k = logits.shape[1];
  // tf.oneHot refuses depth 1; a one-output model's target is its output.
  if (k === 1) return tf.reshape(logits, [-1]) as tf.Tensor1D;
  return tf.sum(tf.mul(logits, tf.oneHot(labels, k)), 1) as tf.Tensor1D;
}

/**
 * The scalar whose input gradient is the explanation: the sum over the
 * batch of z (logit) or z^2 / 2 (output). Images do not interact, so the
 * gradient of the sum is each image's own gradient.
 */
export function targetScore(logits: tf.Tensor2D, labels: tf.Tensor1D, seed: SeedMode): tf.Scalar {
  const z = targetLogits(logits, labels);
  return seed === 'output' ? tf.mul(0.5, tf.sum(tf.square(z))) : tf.sum(z);
}
