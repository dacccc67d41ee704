/** `train`: the base classifier, trained from scratch with cross-entropy. */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { StageKind } from '../types.js';
import { readDataset } from '../data/dataset.js';
import { createModel, disposeModel, saveModel, MODEL_NAMES } from '../models/index.js';
import { crossEntropy } from '../location-loss.js';
import { fit } from '../training.js';
import { FIT_PARAMS, fitSettings } from './fit-params.js';

export const train: StageKind = {
  kind: 'train',
  version: 1,
  doc: 'Train a classifier from scratch on the training split.',
  usesEngine: true,
  params: {
    ...FIT_PARAMS,
    model: { type: 'string', enum: MODEL_NAMES, default: 'cnn', doc: 'architecture' },
  },
  outputs: {
    model: { type: 'artifact', doc: 'trained weights' },
    history: { type: 'json', doc: 'mean loss per epoch' },
  },
  async run(ctx, p) {
    const data = await readDataset(p.data as string);
    const { height, width, channels, classNames } = data.meta;
    const model = createModel(
      { arch: p.model as string, input: [height, width, channels], classes: classNames.length },
      ctx.seed,
    );
    try {
      const history = await fit(ctx, {
        ...fitSettings(p),
        model,
        data,
        seed: ctx.seed,
        loss: (b) => ({ total: crossEntropy(model.apply(b.x), b.y) }),
      });
      await saveModel(model, join(ctx.outDir, 'model'));
      return { history: history.map((h) => ({ epoch: h.epoch, loss: h.total })) };
    } finally {
      disposeModel(model);
      tf.disposeVariables();
    }
  },
};
