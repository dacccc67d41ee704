/**
 * The location loss that pulls an explanation toward a mask:
 * clamp relevance at 0, mean over channels, min-max normalise per image
 * (+1e-6 in the denominator), mean squared error to the mask (or 1 - mask).
 */
import * as tf from '@tensorflow/tfjs';

export type AlignTarget = 'in_mask' | 'out_mask';

/** Per-image loss, shape [B]. relevance: [B, H, W, C]; mask: [B, H, W]. */
export function locationLossPerImage(
  relevance: tf.Tensor4D,
  mask: tf.Tensor3D,
  target: AlignTarget,
): tf.Tensor1D {
  const r = tf.mean(tf.relu(relevance), 3);
  const lo = tf.min(r, [1, 2], true);
  const hi = tf.max(r, [1, 2], true);
  const norm = tf.div(tf.sub(r, lo), tf.add(tf.sub(hi, lo), 1e-6));
  const goal = target === 'in_mask' ? mask : tf.sub(1, mask);
  return tf.mean(tf.square(tf.sub(norm, goal)), [1, 2]) as tf.Tensor1D;
}

/**
 * Mean of the per-image loss over positive samples (positive: [B] of 0/1);
 * 0 when the batch has none.
 */
export function locationLoss(
  relevance: tf.Tensor4D,
  mask: tf.Tensor3D,
  target: AlignTarget,
  positive?: tf.Tensor1D,
): tf.Scalar {
  const per = locationLossPerImage(relevance, mask, target);
  if (!positive) return tf.mean(per);
  const count = tf.sum(positive);
  return tf.div(tf.sum(tf.mul(per, positive)), tf.maximum(count, 1));
}

/** Mean softmax cross-entropy of integer labels. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const onehot = tf.oneHot(labels, logits.shape[1]);
  const picked = tf.sum(tf.mul(logits, onehot), 1);
  return tf.mean(tf.sub(tf.logSumExp(logits, 1), picked));
}
