/** Options shared by all explainers; each explainer reads the ones it needs. */
import type * as tf from '@tensorflow/tfjs';
import type { SeedMode } from './seed.js';

export type LrpRule = 'epsilon' | 'epsilon_plus' | 'alpha_beta';
export const LRP_RULES: readonly LrpRule[] = ['epsilon', 'epsilon_plus', 'alpha_beta'];

export interface ExplainOptions {
  seed: SeedMode;
  /** Integrated gradients: points on the path, alpha = k / steps, k = 1..steps. */
  steps: number;
  /** Integrated gradients: the constant value of the baseline image. */
  baseline: number;
  /** SmoothGrad: noisy copies per image. */
  samples: number;
  /** SmoothGrad: noise standard deviation as a fraction of each image's value range. */
  noise: number;
  /** SmoothGrad: seed of the noise stream. */
  noiseSeed: number;
  /**
   * SmoothGrad: standard normal draws [samples, B, H, W, C] to use instead of
   * the seeded stream (tests and comparisons with other frameworks).
   */
  fixedNoise?: tf.Tensor;
  /** LRP: which rule each layer kind uses. */
  rule: LrpRule;
  /** GradCAM: keep only the positive part of the map. */
  relu: boolean;
}

export const DEFAULT_OPTIONS: ExplainOptions = {
  seed: 'logit',
  steps: 20,
  baseline: 0,
  samples: 20,
  noise: 0.1,
  noiseSeed: 0,
  rule: 'epsilon',
  relu: true,
};

export function withDefaults(o: Partial<ExplainOptions> = {}): ExplainOptions {
  const out = { ...DEFAULT_OPTIONS };
  for (const [k, v] of Object.entries(o))
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
