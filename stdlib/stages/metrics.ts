/**
 * `metrics`: how well a model classifies the test split (accuracy, AUROC,
 * macro F1) and how well its explanations agree with the masks: relevance
 * mass and rank accuracy, pointing game (plain and weighted), attribution
 * localisation, top-k intersection, ROC-AUC, IoU and hit rate.
 *
 * Relevance maps of another resolution than the masks (gradcam) are resized
 * bilinearly per channel first, then pooled over channels. An image whose
 * mask is empty or whose relevance is all zero gets null for a localisation
 * metric; the summary's means skip those and `undefined` counts them.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { StageKind } from '../types.js';
import { batchTensors, disposeBatch, readDataset } from '../data/dataset.js';
import { disposeModel, loadModel } from '../models/index.js';
import {
  attributionLocalisation,
  hitRate,
  iou,
  maskAuc,
  massAccuracy,
  meanFinite,
  pointingGame,
  poolChannels,
  rankAccuracy,
  resizeBilinear,
  topKIntersection,
  type Pooling,
} from '../metrics/localization.js';
import {
  accuracy,
  argmaxRows,
  macroF1,
  modelAuroc,
  softmaxRows,
} from '../metrics/classification.js';

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

/** Localisation metrics by output name, each (pooled map, mask) -> score or NaN. */
function localisationMetrics(k: number, threshold: number) {
  return {
    mass: massAccuracy,
    rank: rankAccuracy,
    pointing_game: (r, m) => pointingGame(r, m),
    pointing_game_weighted: (r, m) => pointingGame(r, m, true),
    attribution_localisation: attributionLocalisation,
    top_k_intersection: (r, m) => topKIntersection(r, m, k),
    auc: maskAuc,
    iou: (r, m) => iou(r, m, threshold),
    hit_rate: hitRate,
  } satisfies Record<string, (r: ArrayLike<number>, m: ArrayLike<number>) => number>;
}

interface RelevanceMeta {
  shape: [number, number, number, number];
}

/** The relevance artifact's maps, checked against the test split. */
async function readRelevance(dir: string, n: number, h: number, w: number, c: number) {
  const relFile = join(dir, 'relevance.f32');
  let shape: RelevanceMeta['shape'] = [n, h, w, c];
  try {
    shape = (JSON.parse(await readFile(join(dir, 'relevance.json'), 'utf8')) as RelevanceMeta)
      .shape;
  } catch {
    // Artifacts without a readable description hold image-shaped maps.
  }
  const bytes = await readFile(relFile);
  const size = shape.reduce((a, v) => a * v, 1);
  if (shape[0] !== n || shape.length !== 4 || bytes.byteLength !== size * 4) {
    throw new Error(`${relFile}: relevance does not match the dataset's test split`);
  }
  return { rel: new Float32Array(bytes.buffer, bytes.byteOffset, size), shape };
}

export const metricsStage: StageKind = {
  kind: 'metrics',
  // 2: pointing game, attribution localisation, top-k, AUC, IoU, hit rate,
  //    F1; relevance of another resolution is resized to the masks.
  // 3: undefined counts only under `undefined` (no `undefined_mass` copies).
  version: 3,
  doc: 'Accuracy, AUROC, F1 and explanation-mask agreement on the test split.',
  usesEngine: true,
  params: {
    model: { type: 'artifact', artifact: 'model', required: true, doc: 'model artifact' },
    data: { type: 'artifact', artifact: 'dataset', required: true, doc: 'dataset artifact' },
    relevance: {
      type: 'artifact',
      artifact: 'relevance',
      required: true,
      doc: 'relevance artifact of an explain stage',
    },
    pooling: {
      type: 'string',
      enum: ['pos_sum', 'sum_pos'],
      default: 'pos_sum',
      doc: 'channel pooling of relevance before scoring',
    },
    k: { type: 'integer', min: 1, default: 50, doc: 'pixels counted by top_k_intersection' },
    iou_threshold: {
      type: 'number',
      min: 0,
      max: 1,
      default: 0.5,
      doc: 'iou: threshold on min-max normalised relevance',
    },
  },
  outputs: {
    summary: { type: 'json', doc: 'mean scores over the test split' },
    per_image: { type: 'json', doc: 'per-image localisation scores (null: undefined)' },
  },
  async run(ctx, p) {
    const { data, logits, k } = await logitsOf(p.model as string, p.data as string);
    const { height: h, width: w, channels: c, counts } = data.meta;
    const n = counts.test;
    const { rel, shape } = await readRelevance(p.relevance as string, n, h, w, c);
    const [, rh, rw, rc] = shape;
    const labels = data.splits.test.labels;
    const metrics = localisationMetrics(p.k as number, p.iou_threshold as number);
    const names = Object.keys(metrics) as (keyof typeof metrics)[];
    const scores = Object.fromEntries(names.map((m) => [m, new Float64Array(n)]));
    const px = h * w;
    const rpx = rh * rw * rc;
    for (let i = 0; i < n; i++) {
      let one: ArrayLike<number> = rel.subarray(i * rpx, (i + 1) * rpx);
      if (rh !== h || rw !== w) one = resizeChannels(one, rh, rw, rc, h, w);
      const r = poolChannels(one, rc, p.pooling as Pooling);
      const m = data.splits.test.masks.subarray(i * px, (i + 1) * px);
      for (const name of names) scores[name][i] = metrics[name](r, m);
    }
    const pred = argmaxRows(logits, k);
    const means = Object.fromEntries(names.map((m) => [m, meanFinite(scores[m])]));
    const summary = {
      n,
      accuracy: r6(accuracy(pred, labels)),
      auroc: r6(modelAuroc(softmaxRows(logits, k), labels, k)),
      f1: r6(macroF1(pred, labels, k)),
      mass_accuracy: r6(means.mass.mean),
      rank_accuracy: r6(means.rank.mean),
      ...Object.fromEntries(names.slice(2).map((m) => [m, r6(means[m].mean)])),
      undefined: Object.fromEntries(names.map((m) => [m, means[m].nan])),
    };
    ctx.log(`metrics: ${JSON.stringify(summary)}`);
    return {
      summary,
      per_image: Object.fromEntries(names.map((m) => [m, Array.from(scores[m], r6)])),
    };
  },
};

/** Resize each channel of a channels-last map to H x W; returns channels-last. */
function resizeChannels(
  r: ArrayLike<number>,
  h: number,
  w: number,
  c: number,
  outH: number,
  outW: number,
) {
  const out = new Float64Array(outH * outW * c);
  const plane = new Float64Array(h * w);
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < h * w; i++) plane[i] = r[i * c + ch];
    const big = resizeBilinear(plane, h, w, outH, outW);
    for (let i = 0; i < outH * outW; i++) out[i * c + ch] = big[i];
  }
  return out;
}
