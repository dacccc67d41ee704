/**
 * `align`: fine-tune a trained classifier with the location loss, pulling
 * its explanation toward the mask (`in_mask`) or its complement (`out_mask`):
 *
 *   L = mean cross-entropy + lambda * mean over positive samples of the
 *       per-image location loss
 *
 * Every sample of a multi-class task counts as positive.
 *
 * Any trainable explainer works (all but gradcam). Integrated gradients and
 * SmoothGrad cost about `steps` / `samples` forward and double-backward
 * passes per step, so studies use fewer of them here than for evaluation.
 * SmoothGrad's noise for a batch is drawn from a stream seeded by the stage
 * seed and the batch's pixels, so a resumed run draws the same noise.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { StageKind } from '../types.js';
import { readDataset } from '../data/dataset.js';
import { disposeModel, loadModel, saveModel } from '../models/index.js';
import {
  TRAINABLE_EXPLAINERS,
  explain,
  explainerOptions,
  explainerParams,
  type ExplainerName,
} from '../explainers/index.js';
import { Rng } from '../tf/rng.js';
import { crossEntropy, locationLoss, type AlignTarget } from '../location-loss.js';
import { fit } from '../training.js';
import { FIT_PARAMS, fitSettings } from './fit-params.js';

export const align: StageKind = {
  kind: 'align',
  // 2: explainer registry (integrated_gradients, smoothgrad, lrp and their
  //    options); gradient alignment is unchanged.
  version: 2,
  doc: 'Fine-tune a model so its explanations move into or out of the mask.',
  usesEngine: true,
  params: {
    ...FIT_PARAMS,
    epochs: { ...FIT_PARAMS.epochs, default: 5 },
    model: {
      type: 'artifact',
      artifact: 'model',
      required: true,
      doc: 'model artifact to start from',
    },
    target: {
      type: 'string',
      enum: ['in_mask', 'out_mask'],
      required: true,
      doc: 'pull relevance into the mask or into its complement',
    },
    lambda: { type: 'number', min: 0, default: 1, doc: 'weight of the location loss' },
    ...explainerParams(TRAINABLE_EXPLAINERS),
  },
  outputs: {
    model: { type: 'artifact', artifact: 'model', doc: 'fine-tuned weights' },
    history: { type: 'json', doc: 'mean losses per epoch' },
  },
  async run(ctx, p) {
    const data = await readDataset(p.data as string);
    const model = await loadModel(p.model as string);
    const target = p.target as AlignTarget;
    const lambda = p.lambda as number;
    const name = p.explainer as ExplainerName;
    const opts = explainerOptions(p);
    try {
      const history = await fit(ctx, {
        ...fitSettings(p),
        model,
        data,
        seed: ctx.seed,
        loss: (b) => {
          const ce = crossEntropy(model.apply(b.x), b.y);
          const noiseSeed = name === 'smoothgrad' ? batchSeed(ctx.seed, b.x) : 0;
          const rel = explain(name, model, b.x, b.y, { ...opts, noiseSeed });
          const loc = locationLoss(rel, b.mask, target);
          return { total: tf.add(ce, tf.mul(lambda, loc)) as tf.Scalar, ce, location: loc };
        },
      });
      await saveModel(model, join(ctx.outDir, 'model'));
      return { history: history as unknown as Record<string, number>[] };
    } finally {
      disposeModel(model);
    }
  },
};

/** A seed from the stage seed and a sample of the batch's pixels. */
function batchSeed(seed: number, x: tf.Tensor): number {
  const d = x.dataSync();
  const bits = new Uint32Array(d.buffer, d.byteOffset, d.length);
  let h = Rng.derive(seed, 'smoothgrad').state;
  for (let i = 0; i < bits.length; i += 7) h = Math.imul(h ^ bits[i], 0x01000193) >>> 0;
  return h;
}
