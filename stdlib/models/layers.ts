/**
 * The layers that carry a relevance rule. Architectures call them through a
 * `LayerOps` object instead of calling tf directly; everything else they do
 * (reshapes, slices, concatenation, residual sums, averages) is linear and
 * needs no rule.
 *
 * `plainOps` is the ordinary forward pass. Explainers substitute other
 * implementations: LRP records each layer's constants and then replays the
 * pass with modified layers; GradCAM taps a feature map.
 */
import * as tf from '@tensorflow/tfjs';

export interface LayerOps {
  /** Stride-1 `same` convolution plus bias; kernel [kh, kw, in, out]. */
  conv(x: tf.Tensor4D, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor4D;
  /** x @ kernel + bias over the last axis of x (any rank). */
  dense(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor;
  relu(z: tf.Tensor): tf.Tensor;
  /** Exact GELU, z * Phi(z). */
  gelu(z: tf.Tensor): tf.Tensor;
  /** Normalise the last axis (eps 1e-5), then scale and shift. */
  layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor;
  /**
   * softmax(q k^T / sqrt(d) + bias) v with q, k, v of shape [G, heads, N, d]
   * and bias broadcastable to [G, heads, N, N].
   */
  attention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, bias?: tf.Tensor): tf.Tensor4D;
  /** Marks the feature map [B, h, w, C] GradCAM explains; returns it. */
  tap(a: tf.Tensor4D): tf.Tensor4D;
  /** Any other elementwise nonlinearity, by name; LRP has no rule for these. */
  activation(name: string, z: tf.Tensor, f: (z: tf.Tensor) => tf.Tensor): tf.Tensor;
}

export const LN_EPS = 1e-5;

export function denseOp(x: tf.Tensor, kernel: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const [inDim, outDim] = kernel.shape;
  const flat = tf.reshape(x, [-1, inDim]) as tf.Tensor2D;
  let y: tf.Tensor = tf.matMul(flat, kernel as tf.Tensor2D);
  if (bias) y = tf.add(y, bias);
  return tf.reshape(y, [...x.shape.slice(0, -1), outDim]);
}

export function convOp(x: tf.Tensor4D, kernel: tf.Tensor, bias?: tf.Tensor): tf.Tensor4D {
  const y = tf.conv2d(x, kernel as tf.Tensor4D, 1, 'same');
  return (bias ? tf.add(y, bias) : y) as tf.Tensor4D;
}

/** Phi(z), the standard normal CDF, written with erf (differentiable twice). */
export function normalCdf(z: tf.Tensor): tf.Tensor {
  return tf.mul(0.5, tf.add(1, tf.erf(tf.mul(z, Math.SQRT1_2))));
}

/** Centred input and 1 / sqrt(var + eps) over the last axis. */
export function layerNormParts(x: tf.Tensor): { centred: tf.Tensor; inv: tf.Tensor } {
  const last = x.rank - 1;
  const centred = tf.sub(x, tf.mean(x, last, true));
  const inv = tf.rsqrt(tf.add(tf.mean(tf.square(centred), last, true), LN_EPS));
  return { centred, inv };
}

/**
 * exp whose gradient recomputes exp from the saved input. tfjs's own
 * gradients of exp, softmax, sigmoid and tanh multiply by the op's saved
 * output, and that saved output is not connected to the tape: their second
 * derivatives come out wrong (checked against PyTorch). This one is right
 * to any order.
 */
export function exp2(t: tf.Tensor): tf.Tensor {
  return expWithGrad(t);
}

const expWithGrad = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const t = args[0] as tf.Tensor;
  (args[1] as tf.GradSaveFunc)([t]);
  return {
    value: tf.exp(t),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, exp2(saved[0])),
  };
}) as (t: tf.Tensor) => tf.Tensor;

/** A row maximum that gradients treat as a constant (zero gradient). */
const constantMax = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.max(x, -1, true), gradFunc: () => tf.zerosLike(x) };
}) as (t: tf.Tensor) => tf.Tensor;

/** Softmax over the last axis, twice differentiable (see exp2). */
export function softmax(s: tf.Tensor): tf.Tensor {
  const e = exp2(tf.sub(s, constantMax(s)));
  return tf.div(e, tf.sum(e, -1, true));
}

/** Attention weights softmax(q k^T / sqrt(d) + bias), shape [G, heads, N, N]. */
export function attentionWeights(q: tf.Tensor4D, k: tf.Tensor4D, bias?: tf.Tensor): tf.Tensor4D {
  const [g, h, n, d] = q.shape;
  const q3 = tf.reshape(q, [g * h, n, d]) as tf.Tensor3D;
  const k3 = tf.reshape(k, [g * h, k.shape[2], d]) as tf.Tensor3D;
  let s: tf.Tensor = tf.reshape(tf.matMul(q3, k3, false, true), [g, h, n, k.shape[2]]);
  s = tf.mul(s, 1 / Math.sqrt(d));
  if (bias) s = tf.add(s, bias);
  return softmax(s) as tf.Tensor4D;
}

/** weights [G, heads, N, M] times v [G, heads, M, d]. */
export function mixValues(a: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D {
  const [g, h, n, m] = a.shape;
  const d = v.shape[3];
  const out = tf.matMul(
    tf.reshape(a, [g * h, n, m]) as tf.Tensor3D,
    tf.reshape(v, [g * h, m, d]) as tf.Tensor3D,
  );
  return tf.reshape(out, [g, h, n, d]) as tf.Tensor4D;
}

export const plainOps: LayerOps = {
  conv: (x, kernel, bias) => convOp(x, kernel, bias),
  dense: (x, kernel, bias) => denseOp(x, kernel, bias),
  relu: (z) => tf.relu(z),
  gelu: (z) => tf.mul(z, normalCdf(z)),
  layerNorm(x, gamma, beta) {
    const { centred, inv } = layerNormParts(x);
    return tf.add(tf.mul(tf.mul(centred, inv), gamma), beta);
  },
  attention: (q, k, v, bias) => mixValues(attentionWeights(q, k, bias), v),
  tap: (a) => a,
  activation: (_name, z, f) => f(z),
};
