/**
 * A model is a list of named weight variables and a pure forward function.
 * Keeping the forward pass functional (no tf.layers) lets the alignment loss
 * differentiate the explanation of the model w.r.t. its weights.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../tf/rng.js';

export interface ModelSpec {
  /** Architecture name from the model registry, e.g. `cnn`. */
  arch: string;
  /** Input height, width, channels. */
  input: [number, number, number];
  classes: number;
  /** Channel widths of the architecture's layers; each model has a default. */
  widths?: number[];
}

export interface Model {
  spec: ModelSpec;
  /** Weights in a fixed order; names are unique. */
  weights: { name: string; value: tf.Variable }[];
  /** Logits for a batch of NHWC images. */
  apply(x: tf.Tensor4D): tf.Tensor2D;
}

/** Collects weights while an architecture builds itself. */
export class WeightBuilder {
  readonly weights: { name: string; value: tf.Variable }[] = [];
  constructor(private readonly rng: Rng) {}

  /** He-normal weights (std sqrt(2 / fanIn)), drawn from the seeded stream. */
  he(name: string, shape: number[], fanIn: number): tf.Variable {
    const std = Math.sqrt(2 / fanIn);
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

/** 2x2 space-to-depth: [B, H, W, C] -> [B, H/2, W/2, 4C]. */
export function spaceToDepth(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  if (h % 2 !== 0 || w % 2 !== 0) {
    throw new Error(`space-to-depth needs even height and width, got ${h}x${w}`);
  }
  const y = tf.reshape(x, [b, h / 2, 2, w / 2, 2, c]);
  return tf.reshape(tf.transpose(y, [0, 1, 3, 2, 4, 5]), [b, h / 2, w / 2, 4 * c]);
}

export function disposeModel(m: Model): void {
  for (const w of m.weights) w.value.dispose();
}
