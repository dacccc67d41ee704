/**
 * The explainer registry: every explanation method by name, whether the
 * alignment loss can train through it, and the stage parameters that carry
 * its options.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Model } from '../models/index.js';
import type { ParamSpec } from '../types.js';
import { gradient, gradientXInput } from './gradient.js';
import { integratedGradients } from './integrated-gradients.js';
import { smoothGrad } from './smoothgrad.js';
import { lrp } from './lrp.js';
import { gradCam } from './gradcam.js';
import { DEFAULT_OPTIONS, type ExplainOptions, LRP_RULES, withDefaults } from './options.js';
import { SEED_MODES } from './seed.js';

export type { ExplainOptions, LrpRule } from './options.js';
export type { SeedMode } from './seed.js';

export interface Explainer {
  /** One line for the stage parameter's documentation. */
  doc: string;
  /** Built from twice-differentiable ops, so `align` can train through it. */
  trainable: boolean;
  /** Relevance [B, H, W, C] (or [B, h, w, 1] for feature-map methods). */
  explain(model: Model, x: tf.Tensor4D, labels: tf.Tensor1D, opts: ExplainOptions): tf.Tensor4D;
}

export const EXPLAINER_REGISTRY = {
  gradient: { doc: 'input gradient', trainable: true, explain: gradient },
  gradient_x_input: { doc: 'input gradient times input', trainable: true, explain: gradientXInput },
  integrated_gradients: {
    doc: 'integrated gradients from a constant baseline',
    trainable: true,
    explain: integratedGradients,
  },
  smoothgrad: { doc: 'gradient averaged over noisy copies', trainable: true, explain: smoothGrad },
  lrp: { doc: 'layer-wise relevance propagation', trainable: true, explain: lrp },
  gradcam: {
    doc: 'class activation map of the last feature map',
    trainable: false,
    explain: gradCam,
  },
} satisfies Record<string, Explainer>;

export type ExplainerName = keyof typeof EXPLAINER_REGISTRY;
export const EXPLAINERS = Object.keys(EXPLAINER_REGISTRY) as ExplainerName[];
export const TRAINABLE_EXPLAINERS = EXPLAINERS.filter((n) => EXPLAINER_REGISTRY[n].trainable);

export function explain(
  name: ExplainerName,
  model: Model,
  x: tf.Tensor4D,
  labels: tf.Tensor1D,
  opts: Partial<ExplainOptions> = {},
): tf.Tensor4D {
  const e: Explainer | undefined = EXPLAINER_REGISTRY[name];
  if (!e) {
    throw new Error(`unknown explainer \`${name}\`; known explainers: ${EXPLAINERS.join(', ')}`);
  }
  return e.explain(model, x, labels, withDefaults(opts));
}

/** Stage parameters for the explainer and its options. */
export function explainerParams(names: readonly ExplainerName[]): Record<string, ParamSpec> {
  const d = DEFAULT_OPTIONS;
  return {
    explainer: { type: 'string', enum: names, default: 'gradient', doc: 'explanation method' },
    seed_mode: {
      type: 'string',
      enum: SEED_MODES,
      default: d.seed,
      doc: 'start the backward pass from the logit (textbook) or logit x its value',
    },
    steps: { type: 'integer', min: 1, default: d.steps, doc: 'integrated_gradients: path points' },
    baseline: {
      type: 'number',
      default: d.baseline,
      doc: 'integrated_gradients: value of the constant baseline image',
    },
    samples: { type: 'integer', min: 1, default: d.samples, doc: 'smoothgrad: noisy copies' },
    noise: {
      type: 'number',
      min: 0,
      default: d.noise,
      doc: "smoothgrad: noise std as a fraction of each image's value range",
    },
    rule: {
      type: 'string',
      enum: LRP_RULES,
      default: d.rule,
      doc: 'lrp: epsilon (all layers), epsilon_plus (conv z+), alpha_beta (conv alpha 2 beta 1)',
    },
  };
}

/** Explainer options from resolved stage parameters. */
export function explainerOptions(p: Record<string, unknown>): Partial<ExplainOptions> {
  return {
    seed: p.seed_mode as ExplainOptions['seed'],
    steps: p.steps as number,
    baseline: p.baseline as number,
    samples: p.samples as number,
    noise: p.noise as number,
    rule: p.rule as ExplainOptions['rule'],
    relu: p.relu as boolean | undefined,
  };
}
