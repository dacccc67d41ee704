/**
 * `explain`: relevance maps of the test split, one per image, for the logit
 * of the image's true class. Written as `relevance.f32` (N x h x w x c,
 * little-endian float32) with `relevance.json` describing the shape. Most
 * explainers give maps shaped like the images; gradcam gives one channel at
 * its feature map's resolution, which `metrics` resizes to the masks.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { StageKind } from '../types.js';
import { batchTensors, disposeBatch, readDataset } from '../data/dataset.js';
import { disposeModel, loadModel } from '../models/index.js';
import {
  EXPLAINERS,
  explain,
  explainerOptions,
  explainerParams,
  type ExplainerName,
} from '../explainers/index.js';
import { Rng } from '../tf/rng.js';

/**
 * Images per forward pass. Integrated gradients and SmoothGrad push `steps`
 * or `samples` copies of every image through the model at once, so their
 * batches hold proportionally fewer images: 100 ViT images x 20 path points
 * exhaust the wasm heap.
 */
const IMAGES_PER_PASS = 100;

function batchSize(p: Record<string, unknown>): number {
  const copies =
    p.explainer === 'integrated_gradients'
      ? (p.steps as number)
      : p.explainer === 'smoothgrad'
        ? (p.samples as number)
        : 1;
  return Math.max(1, Math.floor(IMAGES_PER_PASS / copies));
}

export const explainStage: StageKind = {
  kind: 'explain',
  // 2: explainer registry (integrated_gradients, smoothgrad, lrp, gradcam
  //    and their options); gradient maps are unchanged.
  // 3: smaller batches for integrated_gradients and smoothgrad; SmoothGrad
  //    noise streams follow the new batch boundaries.
  version: 3,
  doc: 'Explain the true-class logit of every test image.',
  usesEngine: true,
  params: {
    model: { type: 'artifact', artifact: 'model', required: true, doc: 'model artifact' },
    data: { type: 'artifact', artifact: 'dataset', required: true, doc: 'dataset artifact' },
    ...explainerParams(EXPLAINERS),
    relu: {
      type: 'boolean',
      default: true,
      doc: 'gradcam: keep only the positive part of the map',
    },
  },
  outputs: {
    relevance: { type: 'artifact', artifact: 'relevance', doc: 'relevance maps of the test split' },
  },
  async run(ctx, p) {
    const data = await readDataset(p.data as string);
    const model = await loadModel(p.model as string);
    const name = p.explainer as ExplainerName;
    const n = data.meta.counts.test;
    let shape: number[] | undefined;
    let out = new Float32Array(0);
    const batch = batchSize(p);
    try {
      for (let start = 0; start < n; start += batch) {
        const idx = Array.from({ length: Math.min(batch, n - start) }, (_, i) => start + i);
        const b = batchTensors(data, 'test', idx);
        // Each batch draws its SmoothGrad noise from its own seeded stream,
        // so a map does not depend on how many batches came before.
        const noiseSeed = Rng.derive(ctx.seed, `explain:${start}`).state;
        const r = tf.tidy(() =>
          explain(name, model, b.x, b.y, { ...explainerOptions(p), noiseSeed }),
        );
        if (!shape) {
          shape = [n, ...r.shape.slice(1)];
          out = new Float32Array(shape.reduce((a, v) => a * v, 1));
        }
        out.set(r.dataSync(), start * (out.length / n));
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
      JSON.stringify({ split: 'test', shape: shape ?? [0], explainer: name }),
    );
    return {};
  },
};
