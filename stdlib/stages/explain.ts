/**
 * `explain`: relevance maps of the test split, one per image, for the logit
 * of the image's true class. Written as `relevance.f32` (N x H x W x C,
 * little-endian float32) with `relevance.json` describing the shape.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { StageKind } from '../types.js';
import { batchTensors, disposeBatch, readDataset } from '../data/dataset.js';
import { disposeModel, loadModel } from '../models/index.js';
import { EXPLAINERS, explain, type ExplainerName, type SeedMode } from '../explainers/gradient.js';

const BATCH = 100;

export const explainStage: StageKind = {
  kind: 'explain',
  version: 1,
  doc: 'Explain the true-class logit of every test image.',
  usesEngine: true,
  params: {
    model: { type: 'artifact', required: true, doc: 'model artifact' },
    data: { type: 'artifact', required: true, doc: 'dataset artifact' },
    explainer: { type: 'string', enum: EXPLAINERS, default: 'gradient', doc: 'explanation method' },
    seed_mode: {
      type: 'string',
      enum: ['logit', 'output'],
      default: 'logit',
      doc: 'start the backward pass from the logit (textbook) or logit x its value',
    },
  },
  outputs: {
    relevance: { type: 'artifact', doc: 'relevance maps of the test split' },
  },
  async run(ctx, p) {
    const data = await readDataset(p.data as string);
    const model = await loadModel(p.model as string);
    const { height: h, width: w, channels: c, counts } = data.meta;
    const n = counts.test;
    const out = new Float32Array(n * h * w * c);
    try {
      for (let start = 0; start < n; start += BATCH) {
        const idx = Array.from({ length: Math.min(BATCH, n - start) }, (_, i) => start + i);
        const b = batchTensors(data, 'test', idx);
        const r = tf.tidy(() =>
          explain(p.explainer as ExplainerName, model, b.x, b.y, {
            seed: p.seed_mode as SeedMode,
          }),
        );
        out.set(r.dataSync(), start * h * w * c);
        r.dispose();
        disposeBatch(b);
        ctx.progress({ step: start + idx.length, total: n, phase: 'explaining' });
      }
    } finally {
      disposeModel(model);
    }
    const dir = join(ctx.outDir, 'relevance');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'relevance.f32'), Buffer.from(out.buffer));
    await writeFile(
      join(dir, 'relevance.json'),
      JSON.stringify({ split: 'test', shape: [n, h, w, c], explainer: p.explainer }),
    );
    return {};
  },
};
