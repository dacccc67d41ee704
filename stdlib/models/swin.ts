/**
 * A small Swin-style transformer: attention inside non-overlapping windows,
 * every second block shifting the windows by half a window (a cyclic roll
 * plus a mask that keeps tokens from attending across the roll seam), and a
 * patch-merging step between the two stages.
 *
 *   patches (p x p, 1x1 conv, layer norm)                    grid G
 *   stage 1: depth blocks, width D, windows of w x w
 *   merge: space-to-depth, layer norm, dense(4D -> 2D)       grid G/2
 *   stage 2: depth blocks, width 2D, windows of min(w, G/2)
 *   layer norm -> mean over tokens -> dense(classes)
 *
 * Each block has a learned additive attention bias per head and pair of
 * window positions ([heads, w*w, w*w]); it plays the role of Swin's
 * relative position bias without a gather (whose gradient needs a kernel
 * that wasm lacks).
 *
 * `spec.widths` = [D] (default [24]); `spec.patch` (2), `spec.window` (7),
 * `spec.depth` blocks per stage (2), `spec.heads` (2).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../tf/rng.js';
import { type Model, type ModelSpec, WeightBuilder, makeModel, spaceToDepth } from './model.js';
import type { LayerOps } from './layers.js';
import {
  type BlockParams,
  blockParams,
  checkHeads,
  denseParams,
  mlp,
  normParams,
  selfAttention,
} from './transformer.js';

/** Added to attention scores across the roll seam. */
const MASKED = -1e4;

interface Stage {
  grid: number;
  window: number;
  blocks: { p: BlockParams; bias: tf.Variable; shift: number }[];
}

export function buildSwin(spec: ModelSpec, rng: Rng): Model {
  const [h, w, c] = spec.input;
  const p = spec.patch ?? 2;
  const win = spec.window ?? 7;
  const depth = spec.depth ?? 2;
  const heads = spec.heads ?? 2;
  const [dim] = spec.widths ?? [24];
  if (h !== w || h % p !== 0) {
    throw new Error(`model swin needs a square input divisible by the patch ${p}, got ${h}x${w}`);
  }
  const grid = h / p;
  if (grid % 2 !== 0) throw new Error(`model swin: the patch grid ${grid} must be even`);
  checkHeads('swin', dim, heads);

  const wb = new WeightBuilder(rng);
  const embedK = wb.normal('embed/kernel', [1, 1, p * p * c, dim], Math.sqrt(1 / (p * p * c)));
  const embedB = wb.zeros('embed/bias', [dim]);
  const embedNorm = normParams(wb, 'embed/norm', dim);
  const stage = (name: string, g: number, d: number): Stage => {
    const size = Math.min(win, g);
    if (g % size !== 0) {
      throw new Error(`model swin: window ${size} does not divide the ${g}x${g} grid of ${name}`);
    }
    const blocks = Array.from({ length: depth }, (_, i) => ({
      p: blockParams(wb, `${name}/block${i + 1}`, d, 2 * d),
      bias: wb.zeros(`${name}/block${i + 1}/attn/bias`, [heads, size * size, size * size]),
      shift: i % 2 === 1 && size < g ? Math.floor(size / 2) : 0,
    }));
    return { grid: g, window: size, blocks };
  };
  const stage1 = stage('stage1', grid, dim);
  const mergeNorm = normParams(wb, 'merge/norm', 4 * dim);
  const merge = denseParams(wb, 'merge', 4 * dim, 2 * dim);
  const stage2 = stage('stage2', grid / 2, 2 * dim);
  const norm = normParams(wb, 'norm', 2 * dim);
  const head = denseParams(wb, 'head', 2 * dim, spec.classes);
  const masks = new Map<string, tf.Tensor>();

  return makeModel(spec, wb.weights, (x, ops) => {
    let t = ops.conv(spaceToDepth(x, p), embedK, embedB);
    t = ops.layerNorm(t, embedNorm.g, embedNorm.b) as tf.Tensor4D;
    t = runStage(ops, t, stage1, heads, masks);
    t = spaceToDepth(t);
    t = ops.dense(ops.layerNorm(t, mergeNorm.g, mergeNorm.b), merge.k, merge.b) as tf.Tensor4D;
    t = ops.tap(runStage(ops, t, stage2, heads, masks));
    const pooled = tf.mean(ops.layerNorm(t, norm.g, norm.b), [1, 2]);
    return ops.dense(pooled, head.k, head.b) as tf.Tensor2D;
  });
}

function runStage(
  ops: LayerOps,
  x: tf.Tensor4D,
  s: Stage,
  heads: number,
  masks: Map<string, tf.Tensor>,
): tf.Tensor4D {
  for (const blk of s.blocks) {
    let y = ops.layerNorm(x, blk.p.norm1.g, blk.p.norm1.b) as tf.Tensor4D;
    if (blk.shift > 0) y = roll(y, blk.shift);
    const windows = partition(y, s.window);
    let bias: tf.Tensor = tf.expandDims(blk.bias, 0);
    if (blk.shift > 0) {
      const m = seamMask(s.grid, s.window, blk.shift, masks);
      bias = tf.add(bias, tf.tile(m, [x.shape[0], 1, 1, 1]));
    }
    const a = selfAttention(ops, windows, blk.p, heads, bias);
    y = unpartition(a, x.shape, s.window);
    if (blk.shift > 0) y = roll(y, s.grid - blk.shift);
    x = tf.add(x, y) as tf.Tensor4D;
    x = tf.add(x, mlp(ops, x, blk.p)) as tf.Tensor4D;
  }
  return x;
}

/** Cyclic shift of rows and columns: out[i, j] = x[(i + s) % H, (j + s) % W]. */
function roll(x: tf.Tensor4D, s: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const rows = tf.concat(
    [tf.slice(x, [0, s, 0, 0], [b, h - s, w, c]), tf.slice(x, [0, 0, 0, 0], [b, s, w, c])],
    1,
  );
  return tf.concat(
    [tf.slice(rows, [0, 0, s, 0], [b, h, w - s, c]), tf.slice(rows, [0, 0, 0, 0], [b, h, s, c])],
    2,
  ) as tf.Tensor4D;
}

/** [B, H, W, C] -> [B * windows, w*w, C], windows in row-major order. */
function partition(x: tf.Tensor4D, w: number): tf.Tensor3D {
  const [b, h, wd, c] = x.shape;
  const y = tf.reshape(x, [b, h / w, w, wd / w, w, c]);
  return tf.reshape(tf.transpose(y, [0, 1, 3, 2, 4, 5]), [(b * h * wd) / (w * w), w * w, c]);
}

function unpartition(t: tf.Tensor, shape: number[], w: number): tf.Tensor4D {
  const [b, h, wd] = shape;
  const c = t.shape[t.rank - 1];
  const y = tf.reshape(t, [b, h / w, wd / w, w, w, c]);
  return tf.reshape(tf.transpose(y, [0, 1, 3, 2, 4, 5]), [b, h, wd, c]) as tf.Tensor4D;
}

/**
 * [windows, 1, w*w, w*w] additive mask for a rolled grid: tokens that came
 * from different regions of the unrolled image do not attend to each other.
 */
function seamMask(g: number, w: number, s: number, cache: Map<string, tf.Tensor>): tf.Tensor {
  const key = `${g}/${w}/${s}`;
  const hit = cache.get(key);
  if (hit && !hit.isDisposed) return hit;
  const region = (i: number) => (i < g - w ? 0 : i < g - s ? 1 : 2);
  const per = g / w;
  const n = w * w;
  const data = new Float32Array(per * per * n * n);
  for (let wy = 0; wy < per; wy++) {
    for (let wx = 0; wx < per; wx++) {
      const label = (k: number) =>
        region(wy * w + Math.floor(k / w)) * 3 + region(wx * w + (k % w));
      const base = (wy * per + wx) * n * n;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) data[base + i * n + j] = label(i) === label(j) ? 0 : MASKED;
      }
    }
  }
  const m = tf.keep(tf.tensor4d(data, [per * per, 1, n, n]));
  cache.set(key, m);
  return m;
}
