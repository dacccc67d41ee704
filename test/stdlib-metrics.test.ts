import test from 'ava';
import {
  massAccuracy,
  rankAccuracy,
  poolChannels,
  meanFinite,
} from '../stdlib/metrics/localization.js';
import { rocAuc, macroAuroc, accuracy } from '../stdlib/metrics/classification.js';
import { bootstrapMean, percentile } from '../stdlib/stats/bootstrap.js';

// R = 4x4 map with values 0..15 in row-major order.
const R = Array.from({ length: 16 }, (_, i) => i);
const square = (rows: number[], cols: number[]) =>
  Array.from({ length: 16 }, (_, i) =>
    rows.includes(Math.floor(i / 4)) && cols.includes(i % 4) ? 1 : 0,
  );
const topLeft = square([0, 1], [0, 1]);
const bottomRight = square([2, 3], [2, 3]);

test('mass accuracy: top-left 2x2 holds 10 of 120', (t) => {
  t.is(massAccuracy(R, topLeft), 10 / 120);
});

test('mass accuracy: bottom-right 2x2 holds 50 of 120', (t) => {
  t.is(massAccuracy(R, bottomRight), 50 / 120);
});

test('rank accuracy: top-4 pixels are 15,14,11,10', (t) => {
  t.is(rankAccuracy(R, topLeft), 0);
  t.is(rankAccuracy(R, bottomRight), 0.5);
});

test('rank accuracy breaks ties by flat index, lower first', (t) => {
  // All equal: the top-2 are pixels 0 and 1.
  const flat = [1, 1, 1, 1];
  t.is(rankAccuracy(flat, [1, 1, 0, 0]), 1);
  t.is(rankAccuracy(flat, [0, 0, 1, 1]), 0);
  t.is(rankAccuracy(flat, [0, 1, 1, 0]), 0.5);
});

test('empty mask or zero relevance is NaN, not 0', (t) => {
  t.true(Number.isNaN(massAccuracy(R, new Array(16).fill(0))));
  t.true(Number.isNaN(rankAccuracy(R, new Array(16).fill(0))));
  t.true(Number.isNaN(massAccuracy(new Array(16).fill(0), topLeft)));
  t.deepEqual(meanFinite([0.5, NaN, 1]), { mean: 0.75, nan: 1 });
});

test('channel pooling pos_sum and sum_pos', (t) => {
  // channels [[1,-2],[0,3]] and [[1,1],[-1,0]], channels-last.
  const r = [1, 1, -2, 1, 0, -1, 3, 0];
  t.deepEqual(Array.from(poolChannels(r, 2, 'pos_sum')), [2, 1, 0, 3]);
  t.deepEqual(Array.from(poolChannels(r, 2, 'sum_pos')), [2, 0, 0, 3]);
});

test('ROC-AUC with the mask as labels, ties count half', (t) => {
  t.is(rocAuc(R, topLeft), 4 / 48);
  t.is(rocAuc(R, bottomRight), 44 / 48);
  t.is(rocAuc([1, 1], [1, 0]), 0.5);
});

test('macro one-vs-rest AUROC and accuracy', (t) => {
  // Scores put class 0 perfectly, class 1 and 2 swapped once.
  const scores = [0.9, 0.05, 0.05, 0.1, 0.3, 0.6, 0.1, 0.6, 0.3, 0.2, 0.7, 0.1];
  const labels = [0, 1, 2, 1];
  // class 0: perfect (1); class 1: positives {1: .3, 3: .7} vs {0: .05, 2: .6} -> 3/4;
  // class 2: positive {2: .3} vs {0: .05, 1: .6, 3: .1} -> 2/3.
  t.true(Math.abs(macroAuroc(scores, labels, 3) - (1 + 0.75 + 2 / 3) / 3) < 1e-12);
  t.is(accuracy([0, 2, 1, 1], labels), 0.5);
});

test('bootstrap interval collapses on constant data and is reproducible', (t) => {
  const c = bootstrapMean([0.3, 0.3, 0.3], 1000, 5);
  for (const v of [c.mean, c.lo, c.hi]) t.true(Math.abs(v - 0.3) < 1e-15);
  const v = Array.from({ length: 50 }, (_, i) => Math.sin(i));
  t.deepEqual(bootstrapMean(v, 1000, 9), bootstrapMean(v, 1000, 9));
  const a = bootstrapMean(v, 1000, 9);
  t.true(a.lo < a.mean && a.mean < a.hi);
  t.is(percentile([1, 2, 3, 4], 0.5), 2.5);
});
