/**
 * A model is a list of named weight variables and a pure forward function.
 * Keeping the forward pass functional (no tf.layers) lets the alignment loss
 * differentiate the explanation of the model w.r.t. its weights.
 *
 * Every layer with a relevance rule goes through a `LayerOps` object, so
 * explainers can run the same forward pass with other semantics (LRP replays
 * it with modified layers, GradCAM taps a feature map).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../tf/rng.js';
import { type LayerOps, plainOps } from './layers.js';

export interface ModelSpec {
  /** Architecture name from the model registry, e.g. `cnn`. */
  arch: string;
  /** Input height, width, channels. */
  input: [number, number, number];
  classes: number;
  /** Channel widths of the architecture's layers; each model has a default. */
  widths?: number[];
  /** Patch size of the transformers' patch embedding. */
  patch?: number;
  /** Attention window (tokens per side) of the windowed transformer. */
  window?: number;
  /** Blocks (transformers) or layers per dense block (densenet). */
  depth?: number;
  /** Attention heads. */
  heads?: number;
}

export interface Model {
  spec: ModelSpec;
  /** Weights in a fixed order; names are unique. */
  weights: { name: string; value: tf.Variable }[];
  /** Logits for a batch of NHWC images. */
  apply(x: tf.Tensor4D): tf.Tensor2D;
  /** The same forward pass with every rule-carrying layer routed through ops. */
  forward(x: tf.Tensor4D, ops: LayerOps): tf.Tensor2D;
}

/** Build a Model whose `apply` is `forward` with plain layers. */
export function makeModel(
  spec: ModelSpec,
  weights: Model['weights'],
  forward: Model['forward'],
): Model {
  return { spec, weights, forward, apply: (x) => forward(x, plainOps) };
}

/** Collects weights while an architecture builds itself. */
export class WeightBuilder {
  readonly weights: { name: string; value: tf.Variable }[] = [];
  constructor(private readonly rng: Rng) {}

  /** He-normal weights (std sqrt(2 / fanIn)), drawn from the seeded stream. */
  he(name: string, shape: number[], fanIn: number): tf.Variable {
    return this.normal(name, shape, Math.sqrt(2 / fanIn));
  }

  /** Normal weights with the given standard deviation. */
  normal(name: string, shape: number[], std: number): tf.Variable {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = this.rng.normal() * std;
    return this.add(name, tf.tensor(data, shape));
  }

  zeros(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.zeros(shape));
  }

  ones(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.ones(shape));
  }

  private add(name: string, t: tf.Tensor): tf.Variable {
    const v = tf.variable(t, true, `${name}_${Math.random().toString(36).slice(2)}`);
    t.dispose();
    this.weights.push({ name, value: v });
    return v;
  }
}

/**
 * p x p space-to-depth: [B, H, W, C] -> [B, H/p, W/p, p*p*C], channel order
 * (dh, dw, c). With p = 2 it is the CNN's downsampling; with the patch size
 * it cuts transformer patches.
 */
export function spaceToDepth(x: tf.Tensor4D, p = 2): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  if (h % p !== 0 || w % p !== 0) {
    throw new Error(
      `space-to-depth by ${p} needs height and width divisible by ${p}, got ${h}x${w}`,
    );
  }
  const y = tf.reshape(x, [b, h / p, p, w / p, p, c]);
  return tf.reshape(tf.transpose(y, [0, 1, 3, 2, 4, 5]), [b, h / p, w / p, p * p * c]);
}

export function disposeModel(m: Model): void {
  for (const w of m.weights) w.value.dispose();
}
