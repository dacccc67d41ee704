/**
 * GradCAM (evaluation only): the feature map A [B, h, w, C] an architecture
 * marks with `LayerOps.tap`, weighted per channel by the spatial mean of the
 * target's gradient w.r.t. it:
 *
 *   map = sum_c alpha_c A_c,   alpha_c = mean_ij d(score)/d(A_c,ij)
 *
 * then ReLU (option `relu`, default on). The map has the feature map's
 * resolution, shape [B, h, w, 1]; the metrics stage resizes it bilinearly
 * to the mask's size.
 */
import * as tf from '@tensorflow/tfjs';
import type { Model } from '../models/index.js';
import { plainOps } from '../models/layers.js';
import { targetScore } from './seed.js';
import type { ExplainOptions } from './options.js';

export function gradCam(
  model: Model,
  x: tf.Tensor4D,
  labels: tf.Tensor1D,
  opts: Pick<ExplainOptions, 'seed' | 'relu'>,
): tf.Tensor4D {
  // Pass 1 finds the feature map; pass 2 differentiates w.r.t. a zero
  // offset added to it, which is the gradient w.r.t. the map itself.
  let features: tf.Tensor4D | undefined;
  model.forward(x, { ...plainOps, tap: (a) => (features = a) });
  if (!features) {
    throw new Error(
      `gradcam needs a feature map, and model \`${model.spec.arch}\` marks none; ` +
        `use a convolutional or transformer architecture, or another explainer`,
    );
  }
  const a = features;
  const g = tf.grad((offset: tf.Tensor) => {
    const ops = { ...plainOps, tap: (t: tf.Tensor4D) => tf.add(t, offset) as tf.Tensor4D };
    return targetScore(model.forward(x, ops), labels, opts.seed);
  })(tf.zerosLike(a));
  const alpha = tf.mean(g, [1, 2], true);
  const map = tf.sum(tf.mul(alpha, a), 3, true) as tf.Tensor4D;
  return opts.relu ? tf.relu(map) : map;
}
