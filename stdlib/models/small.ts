/**
 * Tiny architectures whose explanations have closed forms, for tests:
 *
 *   linear: flatten -> dense(classes)
 *   mlp:    flatten -> dense(widths[0]) relu -> dense(classes)
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../tf/rng.js';
import { type Model, type ModelSpec, WeightBuilder, makeModel } from './model.js';

const size = (spec: ModelSpec) => spec.input[0] * spec.input[1] * spec.input[2];

export function buildLinear(spec: ModelSpec, rng: Rng): Model {
  const n = size(spec);
  const b = new WeightBuilder(rng);
  const k = b.he('dense/kernel', [n, spec.classes], n);
  const bias = b.zeros('dense/bias', [spec.classes]);
  return makeModel(
    spec,
    b.weights,
    (x, ops) => ops.dense(tf.reshape(x, [x.shape[0], n]), k, bias) as tf.Tensor2D,
  );
}

export function buildMlp(spec: ModelSpec, rng: Rng): Model {
  const n = size(spec);
  const [hidden] = spec.widths ?? [32];
  const b = new WeightBuilder(rng);
  const k1 = b.he('hidden/kernel', [n, hidden], n);
  const b1 = b.zeros('hidden/bias', [hidden]);
  const k2 = b.he('out/kernel', [hidden, spec.classes], hidden);
  const b2 = b.zeros('out/bias', [spec.classes]);
  return makeModel(spec, b.weights, (x, ops) => {
    const h = ops.relu(ops.dense(tf.reshape(x, [x.shape[0], n]), k1, b1));
    return ops.dense(h, k2, b2) as tf.Tensor2D;
  });
}
