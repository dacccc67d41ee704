/**
 * `align`: fine-tune a trained classifier with the location loss, pulling
 * its explanation toward the mask (`in_mask`) or its complement (`out_mask`):
 *
 *   L = mean cross-entropy + lambda * mean over positive samples of the
 *       per-image location loss
 *
 * Every sample of a multi-class task counts as positive.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { StageKind } from '../types.js';
import { readDataset } from '../data/dataset.js';
import { disposeModel, loadModel, saveModel } from '../models/index.js';
import { EXPLAINERS, explain, type ExplainerName, type SeedMode } from '../explainers/gradient.js';
import { crossEntropy, locationLoss, type AlignTarget } from '../location-loss.js';
import { fit } from '../training.js';
import { FIT_PARAMS, fitSettings } from './fit-params.js';

export const align: StageKind = {
  kind: 'align',
  version: 1,
  doc: 'Fine-tune a model so its explanations move into or out of the mask.',
  usesEngine: true,
  params: {
    ...FIT_PARAMS,
    epochs: { ...FIT_PARAMS.epochs, default: 5 },
    model: { type: 'artifact', required: true, doc: 'model artifact to start from' },
    target: {
      type: 'string',
      enum: ['in_mask', 'out_mask'],
      required: true,
      doc: 'pull relevance into the mask or into its complement',
    },
    lambda: { type: 'number', min: 0, default: 1, doc: 'weight of the location loss' },
    explainer: {
      type: 'string',
      enum: EXPLAINERS,
      default: 'gradient',
      doc: 'explanation the location loss is computed on',
    },
    seed_mode: {
      type: 'string',
      enum: ['logit', 'output'],
      default: 'logit',
      doc: 'start the backward pass from the logit (textbook) or logit x its value',
    },
  },
  outputs: {
    model: { type: 'artifact', doc: 'fine-tuned weights' },
    history: { type: 'json', doc: 'mean losses per epoch' },
  },
  async run(ctx, p) {
    const data = await readDataset(p.data as string);
    const model = await loadModel(p.model as string);
    const target = p.target as AlignTarget;
    const lambda = p.lambda as number;
    const opts = { seed: p.seed_mode as SeedMode };
    try {
      const history = await fit(ctx, {
        ...fitSettings(p),
        model,
        data,
        seed: ctx.seed,
        loss: (b) => {
          const ce = crossEntropy(model.apply(b.x), b.y);
          const rel = explain(p.explainer as ExplainerName, model, b.x, b.y, opts);
          const loc = locationLoss(rel, b.mask, target);
          return { total: tf.add(ce, tf.mul(lambda, loc)) as tf.Scalar, ce, location: loc };
        },
      });
      await saveModel(model, join(ctx.outDir, 'model'));
      return { history: history as unknown as Record<string, number>[] };
    } finally {
      disposeModel(model);
      tf.disposeVariables();
    }
  },
};
