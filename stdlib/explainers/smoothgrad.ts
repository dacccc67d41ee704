/**
 * SmoothGrad: the mean input gradient over `samples` noisy copies of each
 * image, the noise normal with standard deviation `noise` x (max - min) of
 * that image. The draws come from a seeded stream (or are passed in), so
 * the same seed gives the same map, in evaluation and in training.
 */
import * as tf from '@tensorflow/tfjs';
import type { Model } from '../models/index.js';
import { Rng } from '../tf/rng.js';
import { meanGradient } from './gradient.js';
import type { ExplainOptions } from './options.js';

export function smoothGrad(
  model: Model,
  x: tf.Tensor4D,
  labels: tf.Tensor1D,
  opts: ExplainOptions,
): tf.Tensor4D {
  const s = opts.samples;
  if (!Number.isInteger(s) || s < 1) throw new Error(`smoothgrad needs samples >= 1, got ${s}`);
  const [b, h, w, c] = x.shape;
  const draws = opts.fixedNoise ?? standardNormal([s, b, h, w, c], opts.noiseSeed);
  if (draws.size !== s * b * h * w * c) {
    throw new Error(
      `smoothgrad: fixed noise has ${draws.size} values, needs ${s}x${b}x${h}x${w}x${c}`,
    );
  }
  const range = tf.sub(tf.max(x, [1, 2, 3], true), tf.min(x, [1, 2, 3], true));
  const sigma = tf.mul(opts.noise, range);
  const noisy = tf.add(x, tf.mul(sigma, tf.reshape(draws, [s, b, h, w, c])));
  return meanGradient(
    model,
    tf.reshape(noisy, [s * b, h, w, c]) as tf.Tensor4D,
    labels,
    s,
    opts.seed,
  );
}

function standardNormal(shape: number[], seed: number): tf.Tensor {
  const rng = Rng.derive(seed, 'smoothgrad');
  const n = shape.reduce((a, v) => a * v, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.normal();
  return tf.tensor(data, shape);
}
