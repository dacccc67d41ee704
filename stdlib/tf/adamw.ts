/**
 * AdamW with optional global gradient-norm clipping. Its state (moments and
 * step count) is plain data so checkpoints can store and restore it exactly.
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamWOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** Clip the global L2 norm of all gradients to this value (0: off). */
  clipNorm?: number;
}

export class AdamW {
  readonly m: tf.Variable[];
  readonly v: tf.Variable[];
  step = 0;

  constructor(
    private readonly params: tf.Variable[],
    private readonly o: AdamWOptions,
  ) {
    this.m = params.map((p) => tf.variable(tf.zerosLike(p), false));
    this.v = params.map((p) => tf.variable(tf.zerosLike(p), false));
  }

  /** Apply one update; grads are in the order of the params. */
  apply(grads: tf.Tensor[]): void {
    const { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0 } = this.o;
    this.step += 1;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    tf.tidy(() => {
      let scale: tf.Scalar | number = 1;
      if (this.o.clipNorm && this.o.clipNorm > 0) {
        const sq = tf.addN(grads.map((g) => tf.sum(tf.square(g))));
        const norm = tf.sqrt(sq);
        scale = tf.minimum(1, tf.div(this.o.clipNorm, tf.add(norm, 1e-12))) as tf.Scalar;
      }
      this.params.forEach((p, i) => {
        const g = tf.mul(grads[i], scale);
        const m = tf.add(tf.mul(beta1, this.m[i]), tf.mul(1 - beta1, g));
        const v = tf.add(tf.mul(beta2, this.v[i]), tf.mul(1 - beta2, tf.square(g)));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), eps));
        const decayed = weightDecay > 0 ? tf.mul(p, 1 - lr * weightDecay) : p;
        p.assign(tf.sub(decayed, tf.mul(lr, update)));
      });
    });
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}
