/**
 * `metrics`: how well a model classifies the test split and how well its
 * explanations agree with the masks (relevance mass and rank accuracy).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { StageKind } from '../types.js';
import { batchTensors, disposeBatch, readDataset } from '../data/dataset.js';
import { disposeModel, loadModel } from '../models/index.js';
import {
  massAccuracy,
  meanFinite,
  poolChannels,
  rankAccuracy,
  type Pooling,
} from '../metrics/localization.js';
import { accuracy, argmaxRows, macroAuroc, softmaxRows } from '../metrics/classification.js';

async function logitsOf(modelDir: string, dataDir: string) {
  const data = await readDataset(dataDir);
  const model = await loadModel(modelDir);
  const n = data.meta.counts.test;
  const k = model.spec.classes;
  const logits = new Float32Array(n * k);
  try {
    for (let start = 0; start < n; start += 200) {
      const idx = Array.from({ length: Math.min(200, n - start) }, (_, i) => start + i);
      const b = batchTensors(data, 'test', idx);
      const out = tf.tidy(() => model.apply(b.x));
      logits.set(out.dataSync(), start * k);
      out.dispose();
      disposeBatch(b);
    }
  } finally {
    disposeModel(model);
  }
  return { data, logits, k };
}

/** Round for storage: 6 significant digits keeps outputs small and stable. */
const r6 = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : null);

export const metricsStage: StageKind = {
  kind: 'metrics',
  version: 1,
  doc: 'Accuracy, AUROC and explanation-mask agreement on the test split.',
  usesEngine: true,
  params: {
    model: { type: 'artifact', required: true, doc: 'model artifact' },
    data: { type: 'artifact', required: true, doc: 'dataset artifact' },
    relevance: { type: 'artifact', required: true, doc: 'relevance artifact of an explain stage' },
    pooling: {
      type: 'string',
      enum: ['pos_sum', 'sum_pos'],
      default: 'pos_sum',
      doc: 'channel pooling of relevance before scoring',
    },
  },
  outputs: {
    summary: { type: 'json', doc: 'mean scores over the test split' },
    per_image: { type: 'json', doc: 'per-image mass and rank accuracy (null: undefined)' },
  },
  async run(ctx, p) {
    const { data, logits, k } = await logitsOf(p.model as string, p.data as string);
    const { height: h, width: w, channels: c, counts } = data.meta;
    const n = counts.test;
    const relFile = join(p.relevance as string, 'relevance.f32');
    const bytes = await readFile(relFile);
    if (bytes.byteLength !== n * h * w * c * 4) {
      throw new Error(`${relFile}: relevance does not match the dataset's test split`);
    }
    const rel = new Float32Array(bytes.buffer, bytes.byteOffset, n * h * w * c);
    const labels = data.splits.test.labels;
    const mass = new Float64Array(n);
    const rank = new Float64Array(n);
    const px = h * w;
    for (let i = 0; i < n; i++) {
      const r = poolChannels(rel.subarray(i * px * c, (i + 1) * px * c), c, p.pooling as Pooling);
      const m = data.splits.test.masks.subarray(i * px, (i + 1) * px);
      mass[i] = massAccuracy(r, m);
      rank[i] = rankAccuracy(r, m);
    }
    const pred = argmaxRows(logits, k);
    const massMean = meanFinite(mass);
    const rankMean = meanFinite(rank);
    const summary = {
      n,
      accuracy: r6(accuracy(pred, labels)),
      auroc: r6(macroAuroc(softmaxRows(logits, k), labels, k)),
      mass_accuracy: r6(massMean.mean),
      rank_accuracy: r6(rankMean.mean),
      undefined_mass: massMean.nan,
      undefined_rank: rankMean.nan,
    };
    ctx.log(`metrics: ${JSON.stringify(summary)}`);
    return {
      summary,
      per_image: { mass: Array.from(mass, r6), rank: Array.from(rank, r6) },
    };
  },
};
