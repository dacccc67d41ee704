/**
 * Pieces shared by the transformers: multi-head self-attention and the
 * pre-norm block  x + attn(LN(x)), then  x + mlp(LN(x)).
 *
 * Layouts: the qkv kernel is [D, 3D] with columns [q | k | v]; each of them
 * splits into heads as contiguous chunks of D / heads.
 */
import * as tf from '@tensorflow/tfjs';
import type { WeightBuilder } from './model.js';
import type { LayerOps } from './layers.js';

export interface Dense {
  k: tf.Variable;
  b: tf.Variable;
}

export interface BlockParams {
  norm1: { g: tf.Variable; b: tf.Variable };
  qkv: Dense;
  proj: Dense;
  norm2: { g: tf.Variable; b: tf.Variable };
  fc1: Dense;
  fc2: Dense;
}

/** Dense weights with std sqrt(1 / fanIn). */
export function denseParams(wb: WeightBuilder, name: string, cin: number, cout: number): Dense {
  return {
    k: wb.normal(`${name}/kernel`, [cin, cout], Math.sqrt(1 / cin)),
    b: wb.zeros(`${name}/bias`, [cout]),
  };
}

export function normParams(wb: WeightBuilder, name: string, dim: number) {
  return { g: wb.ones(`${name}/gamma`, [dim]), b: wb.zeros(`${name}/beta`, [dim]) };
}

export function blockParams(
  wb: WeightBuilder,
  name: string,
  dim: number,
  hidden: number,
): BlockParams {
  return {
    norm1: normParams(wb, `${name}/norm1`, dim),
    qkv: denseParams(wb, `${name}/qkv`, dim, 3 * dim),
    proj: denseParams(wb, `${name}/proj`, dim, dim),
    norm2: normParams(wb, `${name}/norm2`, dim),
    fc1: denseParams(wb, `${name}/fc1`, dim, hidden),
    fc2: denseParams(wb, `${name}/fc2`, hidden, dim),
  };
}

/** Multi-head self-attention over x [G, N, D]; bias broadcasts to [G, heads, N, N]. */
export function selfAttention(
  ops: LayerOps,
  x: tf.Tensor,
  p: BlockParams,
  heads: number,
  bias?: tf.Tensor,
): tf.Tensor {
  const [g, n, dim] = x.shape;
  const d = dim / heads;
  const qkv = ops.dense(x, p.qkv.k, p.qkv.b);
  const split = (t: tf.Tensor) =>
    tf.transpose(tf.reshape(t, [g, n, heads, d]), [0, 2, 1, 3]) as tf.Tensor4D;
  const [q, k, v] = tf.split(qkv, 3, 2).map(split);
  const mixed = ops.attention(q, k, v, bias);
  const merged = tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [g, n, dim]);
  return ops.dense(merged, p.proj.k, p.proj.b);
}

/** The pre-norm MLP half of a block, without the residual. */
export function mlp(ops: LayerOps, x: tf.Tensor, p: BlockParams): tf.Tensor {
  const y = ops.layerNorm(x, p.norm2.g, p.norm2.b);
  return ops.dense(ops.gelu(ops.dense(y, p.fc1.k, p.fc1.b)), p.fc2.k, p.fc2.b);
}

/** A whole pre-norm block over x [G, N, D]. */
export function block(ops: LayerOps, x: tf.Tensor, p: BlockParams, heads: number): tf.Tensor {
  const a = selfAttention(ops, ops.layerNorm(x, p.norm1.g, p.norm1.b), p, heads);
  const y = tf.add(x, a);
  return tf.add(y, mlp(ops, y, p));
}

export function checkHeads(arch: string, dim: number, heads: number): void {
  if (dim % heads !== 0) {
    throw new Error(`model ${arch}: width ${dim} is not divisible by ${heads} heads`);
  }
}
