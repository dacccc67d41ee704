/**
 * `train`: the base classifier, trained with cross-entropy from scratch or
 * from the weights of another `train` stage (`pretrained`).
 *
 * With `pretrained`, the architecture and its options come from the
 * checkpoint (`model` and `model_options` are ignored). Weights whose shape
 * differs from the checkpoint's (the head, when the class count differs)
 * start fresh; every other weight starts from the checkpoint.
 *
 * The optimiser is AdamW (tf/adamw.ts). The stage defaults stay those of
 * the quick study (no weight decay, no clipping); the matrix study sets the
 * reference study's values, weight decay 0.01 and gradient-norm clipping at
 * 1, explicitly.
 */
import { join } from 'node:path';
import type { StageKind } from '../types.js';
import { readDataset } from '../data/dataset.js';
import {
  createModel,
  disposeModel,
  loadModel,
  saveModel,
  MODEL_NAMES,
  type Model,
  type ModelSpec,
} from '../models/index.js';
import { crossEntropy } from '../location-loss.js';
import { fit } from '../training.js';
import { FIT_PARAMS, fitSettings } from './fit-params.js';

const OPTION_KEYS = ['widths', 'patch', 'window', 'depth', 'heads'] as const;

export const train: StageKind = {
  kind: 'train',
  // 2: pretrained starting weights, model options, architectures beyond cnn.
  version: 2,
  doc: 'Train a classifier on the training split, from scratch or from another model.',
  usesEngine: true,
  params: {
    ...FIT_PARAMS,
    model: { type: 'string', enum: MODEL_NAMES, default: 'cnn', doc: 'architecture' },
    model_options: {
      type: 'map',
      default: {},
      doc: 'architecture options: widths (list), patch, window, depth, heads',
    },
    pretrained: {
      type: 'artifact',
      artifact: 'model',
      doc: 'model artifact of another train stage to start from',
    },
  },
  outputs: {
    model: { type: 'artifact', artifact: 'model', doc: 'trained weights' },
    history: { type: 'json', doc: 'mean loss per epoch' },
  },
  async run(ctx, p) {
    const data = await readDataset(p.data as string);
    const { height, width, channels, classNames } = data.meta;
    const input: ModelSpec['input'] = [height, width, channels];
    const model = p.pretrained
      ? await fromPretrained(p.pretrained as string, input, classNames.length, ctx.seed, ctx.log)
      : createModel(
          {
            ...modelOptions(p.model_options),
            arch: p.model as string,
            input,
            classes: classNames.length,
          },
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
    }
  },
};

function modelOptions(raw: unknown): Partial<ModelSpec> {
  const o = (raw ?? {}) as Record<string, unknown>;
  const out: Partial<ModelSpec> = {};
  for (const [k, v] of Object.entries(o)) {
    if (!(OPTION_KEYS as readonly string[]).includes(k)) {
      throw new Error(`model_options: unknown option \`${k}\`; known: ${OPTION_KEYS.join(', ')}`);
    }
    const ok =
      k === 'widths'
        ? Array.isArray(v) && v.every((e) => Number.isInteger(e) && e > 0)
        : Number.isInteger(v) && (v as number) > 0;
    if (!ok) {
      throw new Error(
        `model_options.${k} must be ${k === 'widths' ? 'a list of positive integers' : 'a positive integer'}, got ${JSON.stringify(v)}`,
      );
    }
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

async function fromPretrained(
  dir: string,
  input: ModelSpec['input'],
  classes: number,
  seed: number,
  log: (m: string) => void,
): Promise<Model> {
  const source = await loadModel(dir);
  if (source.spec.input.join('x') !== input.join('x')) {
    disposeModel(source);
    throw new Error(
      `pretrained model takes ${source.spec.input.join('x')} images but the data has ${input.join('x')}`,
    );
  }
  if (source.spec.classes === classes) return source;
  const model = createModel({ ...source.spec, classes }, seed);
  const fresh: string[] = [];
  for (const w of model.weights) {
    const from = source.weights.find((s) => s.name === w.name);
    if (from && from.value.shape.join() === w.value.shape.join()) w.value.assign(from.value);
    else fresh.push(w.name);
  }
  disposeModel(source);
  log(
    `pretrained: ${classes} classes instead of ${source.spec.classes}; fresh weights: ${fresh.join(', ')}`,
  );
  return model;
}
