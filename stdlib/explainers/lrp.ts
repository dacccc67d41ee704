/**
 * Layer-wise relevance propagation written as a modified gradient, so that
 * the map stays an ordinary differentiable function of the weights and the
 * alignment loss can train through it.
 *
 * For a layer z = W a + b with relevance R_k = z_k c_k at its output, every
 * rule used here sends back R_j = a_j c_j with
 *
 *   epsilon:     c_j = sum_k w_jk c_k z_k / (z_k + eps sign(z_k))
 *   alpha-beta:  c_j = sum_k c_k z_k (alpha w+_jk / (z+_k + eps)
 *                                     - beta w-_jk / (z-_k - eps))
 *
 * (z+ = sum_j a_j w+_jk and z- = sum_j a_j w-_jk, biases left out; z+ is
 * alpha-beta with alpha 1, beta 0), eps = 1e-6 and sign(0) = +1. The
 * factors z / (...) are per output unit, so c is the gradient of a
 * "surrogate" network in which each layer is the rule's weights followed by
 * a fixed per-unit scale. The explanation is therefore computed in two
 * passes:
 *
 *   1. the real forward pass records each layer's scales (and, below, the
 *      other constants);
 *   2. the surrogate forward pass replays the layers with those scales, and
 *      its input gradient times the input is the relevance.
 *
 * The recorded constants are computed from the weights, so they stay
 * connected to the weights for the training gradient; they are constants
 * only for the input gradient of pass 2.
 *
 * Nonlinearities pass relevance through unchanged: ReLU and GELU act as
 * fixed gates (relu(z) / z = step(z), gelu(z) / z = Phi(z)). Following the
 * common practice for transformers, attention weights and the layer-norm
 * scale 1 / sqrt(var + eps) are treated as constants, so relevance flows
 * only through the values of attention and the centring of layer norm.
 * Any other nonlinearity (`LayerOps.activation`) is rejected.
 *
 * Rules by layer kind:
 *   epsilon       conv epsilon,       dense epsilon
 *   epsilon_plus  conv z+,            dense epsilon
 *   alpha_beta    conv alpha 2 beta 1, dense epsilon
 * The z+ and alpha-beta rules assume non-negative layer inputs (true after
 * ReLU and for images scaled to [0, 1]).
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerOps, Model } from '../models/index.js';
import {
  attentionWeights,
  convOp,
  denseOp,
  layerNormParts,
  mixValues,
  normalCdf,
  plainOps,
} from '../models/layers.js';
import { type SeedMode, targetLogits } from './seed.js';
import type { ExplainOptions, LrpRule } from './options.js';

export const LRP_EPS = 1e-6;

type Saved =
  | { kind: 'scale'; s: tf.Tensor }
  | { kind: 'alpha_beta'; alpha: number; beta: number; sp: tf.Tensor; sn: tf.Tensor }
  | { kind: 'gate'; g: tf.Tensor }
  | { kind: 'norm'; inv: tf.Tensor }
  | { kind: 'attention'; a: tf.Tensor4D };

/**
 * z + eps sign(z), with sign(0) = +1. Written with tf.step, whose gradient
 * exists (zero); comparisons have none and would break the training pass.
 */
function stabilise(z: tf.Tensor): tf.Tensor {
  const sign = tf.sub(1, tf.mul(2, tf.step(tf.neg(z))));
  return tf.add(z, tf.mul(LRP_EPS, sign));
}

function convRule(rule: LrpRule): { alpha: number; beta: number } | undefined {
  if (rule === 'epsilon_plus') return { alpha: 1, beta: 0 };
  if (rule === 'alpha_beta') return { alpha: 2, beta: 1 };
  return undefined;
}

/** Pass 1: the real forward pass, recording each layer's constants. */
class Recorder implements LayerOps {
  readonly records: Saved[] = [];
  constructor(private readonly rule: LrpRule) {}

  conv(x: tf.Tensor4D, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor4D {
    const z = convOp(x, kernel, bias);
    const ab = convRule(this.rule);
    if (!ab) {
      this.records.push({ kind: 'scale', s: tf.div(z, stabilise(z)) });
      return z;
    }
    const zp = convOp(x, tf.relu(kernel));
    const zn = convOp(x, tf.neg(tf.relu(tf.neg(kernel))));
    this.records.push({
      kind: 'alpha_beta',
      ...ab,
      sp: tf.div(z, tf.add(zp, LRP_EPS)),
      sn: tf.div(z, tf.sub(zn, LRP_EPS)),
    });
    return z;
  }

  dense(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor {
    const z = denseOp(x, kernel, bias);
    this.records.push({ kind: 'scale', s: tf.div(z, stabilise(z)) });
    return z;
  }

  relu(z: tf.Tensor): tf.Tensor {
    this.records.push({ kind: 'gate', g: tf.step(z) });
    return tf.relu(z);
  }

  gelu(z: tf.Tensor): tf.Tensor {
    const g = normalCdf(z);
    this.records.push({ kind: 'gate', g });
    return tf.mul(z, g);
  }

  layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
    const { centred, inv } = layerNormParts(x);
    this.records.push({ kind: 'norm', inv });
    return tf.add(tf.mul(tf.mul(centred, inv), gamma), beta);
  }

  attention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, bias?: tf.Tensor): tf.Tensor4D {
    const a = attentionWeights(q, k, bias);
    this.records.push({ kind: 'attention', a });
    return mixValues(a, v);
  }

  tap(a: tf.Tensor4D): tf.Tensor4D {
    return a;
  }

  activation(name: string): tf.Tensor {
    throw new Error(
      `lrp has no rule for the \`${name}\` layer; it handles convolutions, dense ` +
        `layers, relu, gelu, layer norm and attention. Use another explainer ` +
        `(gradient, integrated_gradients, smoothgrad) for this model.`,
    );
  }
}

/** Pass 2: the surrogate network, replaying the recorded constants in order. */
class Replayer implements LayerOps {
  private at = 0;
  constructor(private readonly records: Saved[]) {}

  private next<K extends Saved['kind']>(kind: K): Extract<Saved, { kind: K }> {
    const r = this.records[this.at++];
    if (!r || r.kind !== kind) {
      throw new Error(`lrp: the model's forward pass is not repeatable (layer ${this.at})`);
    }
    return r as Extract<Saved, { kind: K }>;
  }

  conv(x: tf.Tensor4D, kernel: tf.Tensor): tf.Tensor4D {
    const r = this.records[this.at];
    if (r?.kind === 'alpha_beta') {
      this.at++;
      let y = tf.mul(r.alpha, tf.mul(convOp(x, tf.relu(kernel)), r.sp));
      if (r.beta !== 0) {
        const neg = convOp(x, tf.neg(tf.relu(tf.neg(kernel))));
        y = tf.sub(y, tf.mul(r.beta, tf.mul(neg, r.sn)));
      }
      return y as tf.Tensor4D;
    }
    return tf.mul(convOp(x, kernel), this.next('scale').s) as tf.Tensor4D;
  }

  dense(x: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    return tf.mul(denseOp(x, kernel), this.next('scale').s);
  }

  relu(z: tf.Tensor): tf.Tensor {
    return tf.mul(z, this.next('gate').g);
  }

  gelu(z: tf.Tensor): tf.Tensor {
    return tf.mul(z, this.next('gate').g);
  }

  layerNorm(x: tf.Tensor, gamma: tf.Tensor): tf.Tensor {
    const centred = tf.sub(x, tf.mean(x, x.rank - 1, true));
    return tf.mul(tf.mul(centred, this.next('norm').inv), gamma);
  }

  attention(_q: tf.Tensor4D, _k: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D {
    return mixValues(this.next('attention').a, v);
  }

  tap(a: tf.Tensor4D): tf.Tensor4D {
    return a;
  }

  activation(name: string, z: tf.Tensor, f: (z: tf.Tensor) => tf.Tensor): tf.Tensor {
    return plainOps.activation(name, z, f);
  }
}

/**
 * Relevance of each input pixel for the target logit. Seed `logit` starts
 * with R = z at the output; `output` with R = z^2 (z times the gradient
 * seed z), matching the gradient explainers' seeds.
 */
export function lrp(
  model: Model,
  x: tf.Tensor4D,
  labels: tf.Tensor1D,
  opts: Pick<ExplainOptions, 'rule' | 'seed'>,
): tf.Tensor4D {
  const rec = new Recorder(opts.rule);
  const z = targetLogits(model.forward(x, rec), labels);
  // Differentiate w.r.t. a copy of x: inside an outer gradient tape (the
  // training step) tfjs shares one tape between nested gradients, and the
  // recorded constants, computed from x itself, would otherwise count as
  // functions of the input.
  const input = tf.clone(x);
  const c = tf.grad((xx: tf.Tensor) => {
    const out = targetLogits(model.forward(xx as tf.Tensor4D, new Replayer(rec.records)), labels);
    return seedScore(out, z, opts.seed);
  })(input);
  return tf.mul(x, c) as tf.Tensor4D;
}

function seedScore(surrogate: tf.Tensor1D, z: tf.Tensor1D, seed: SeedMode): tf.Scalar {
  return seed === 'output' ? tf.sum(tf.mul(z, surrogate)) : tf.sum(surrogate);
}
