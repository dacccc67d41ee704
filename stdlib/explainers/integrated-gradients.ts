/**
 * Integrated gradients with a constant baseline x0 (default zeros), right
 * Riemann sum over alpha = k / steps, k = 1..steps:
 *
 *   IG(x) = (x - x0) * (1 / steps) * sum_k grad f(x0 + alpha_k (x - x0))
 *
 * All path points go through the model as one stacked batch.
 */
import * as tf from '@tensorflow/tfjs';
import type { Model } from '../models/index.js';
import { meanGradient } from './gradient.js';
import type { ExplainOptions } from './options.js';

export function integratedGradients(
  model: Model,
  x: tf.Tensor4D,
  labels: tf.Tensor1D,
  opts: ExplainOptions,
): tf.Tensor4D {
  const steps = opts.steps;
  if (!Number.isInteger(steps) || steps < 1) {
    throw new Error(`integrated_gradients needs steps >= 1, got ${steps}`);
  }
  const diff = tf.sub(x, opts.baseline);
  const alphas = Array.from({ length: steps }, (_, k) => (k + 1) / steps);
  const path = alphas.map((a) => tf.add(opts.baseline, tf.mul(a, diff)));
  const stacked = tf.concat(path, 0) as tf.Tensor4D;
  return tf.mul(diff, meanGradient(model, stacked, labels, steps, opts.seed));
}
