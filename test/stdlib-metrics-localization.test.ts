import test from 'ava';
import type { ExecutionContext } from 'ava';
import {
  attributionLocalisation,
  hitRate,
  iou,
  maskAuc,
  massAccuracy,
  pointingGame,
  poolChannels,
  rankAccuracy,
  resizeBilinear,
  topKIntersection,
} from '../stdlib/metrics/localization.js';
import { f1Score, macroF1, modelAuroc } from '../stdlib/metrics/classification.js';

const TOL = 1e-5;
const close = (t: ExecutionContext, got: number, want: number, what = '') =>
  t.true(Math.abs(got - want) <= TOL, `${what}: got ${got}, want ${want}`);

// R = 4x4 map with values 0..15 in row-major order.
const R = Array.from({ length: 16 }, (_, i) => i);
const square = (rows: number[], cols: number[]) =>
  Array.from({ length: 16 }, (_, i) =>
    rows.includes(Math.floor(i / 4)) && cols.includes(i % 4) ? 1 : 0,
  );
const topLeft = square([0, 1], [0, 1]);
const bottomRight = square([2, 3], [2, 3]);

type Metric = (r: number[], m: number[]) => number;
const known: [string, number[], Metric, number][] = [
  ['mass', topLeft, massAccuracy, 10 / 120],
  ['rank', topLeft, rankAccuracy, 0],
  ['pointing game (miss)', topLeft, (r, m) => pointingGame(r, m), 0],
  ['weighted pointing game (miss)', topLeft, (r, m) => pointingGame(r, m, true), 0],
  ['AUC', topLeft, maskAuc, 4 / 48],
  ['mass', bottomRight, massAccuracy, 50 / 120],
  ['rank', bottomRight, rankAccuracy, 0.5],
  ['pointing game (hit)', bottomRight, (r, m) => pointingGame(r, m), 1],
  ['weighted pointing game (hit)', bottomRight, (r, m) => pointingGame(r, m, true), 0.75],
  ['top-4 intersection', bottomRight, (r, m) => topKIntersection(r, m, 4), 0.5],
  ['AUC', bottomRight, maskAuc, 44 / 48],
  ['hit rate', bottomRight, hitRate, 1],
  ['hit rate', topLeft, hitRate, 0],
  ['attribution localisation', bottomRight, attributionLocalisation, 50 / 120],
  // Normalised R is i / 15; >= 0.5 keeps pixels 8..15, of which 10, 11, 14, 15 are in the mask.
  ['IoU at 0.5', bottomRight, (r, m) => iou(r, m, 0.5), 4 / 8],
  ['IoU at 0.9', bottomRight, (r, m) => iou(r, m, 0.9), 2 / 4],
  ['IoU at 0.5', topLeft, (r, m) => iou(r, m, 0.5), 0],
];

for (const [name, mask, metric, want] of known) {
  const where = mask === topLeft ? 'top-left' : 'bottom-right';
  test(`${name}, ${where} 2x2 mask on R = 0..15`, (t) => close(t, metric(R, mask), want, name));
}

test('attribution localisation uses |R|', (t) => {
  // |R| = [1, 3, 2, 2]; mask covers the first two.
  close(t, attributionLocalisation([-1, 3, 2, -2], [1, 1, 0, 0]), 0.5);
});

test('pointing game: a hit when any of tied maxima lies in the mask; hit rate takes the first', (t) => {
  const r = [5, 1, 5, 0];
  t.is(pointingGame(r, [0, 0, 1, 0]), 1);
  t.is(hitRate(r, [0, 0, 1, 0]), 0);
  t.is(hitRate(r, [1, 0, 0, 0]), 1);
});

test('top-k breaks ties by flat index, lower first', (t) => {
  t.is(topKIntersection([1, 1, 1, 1], [0, 1, 0, 0], 2), 0.5);
  t.is(topKIntersection([1, 1, 1, 1], [0, 0, 1, 1], 2), 0);
});

const undefinedCases: [string, Metric][] = [
  ['pointing game', (r, m) => pointingGame(r, m)],
  ['weighted pointing game', (r, m) => pointingGame(r, m, true)],
  ['attribution localisation', attributionLocalisation],
  ['top-k', (r, m) => topKIntersection(r, m, 3)],
  ['AUC', maskAuc],
  ['IoU', (r, m) => iou(r, m)],
  ['hit rate', hitRate],
  ['mass', massAccuracy],
  ['rank', rankAccuracy],
];
for (const [name, metric] of undefinedCases) {
  test(`${name} is NaN for an empty mask and for all-zero relevance`, (t) => {
    t.true(Number.isNaN(metric(R, new Array(16).fill(0))));
    t.true(Number.isNaN(metric(new Array(16).fill(0), topLeft)));
  });
}

test('AUC is NaN for a mask that covers the whole image', (t) => {
  t.true(Number.isNaN(maskAuc(R, new Array(16).fill(1))));
});

test('pooling: channels [[1,-2],[0,3]] and [[1,1],[-1,0]]', (t) => {
  const r = [1, 1, -2, 1, 0, -1, 3, 0];
  t.deepEqual(Array.from(poolChannels(r, 2, 'pos_sum')), [2, 1, 0, 3]);
  t.deepEqual(Array.from(poolChannels(r, 2, 'sum_pos')), [2, 0, 0, 3]);
});

// Values from PyTorch's F.interpolate(mode='bilinear', align_corners=False).
const resizes: [string, number[], [number, number, number, number], number[]][] = [
  [
    '2x2 to 4x4',
    [1, 2, 3, 5],
    [2, 2, 4, 4],
    [1, 1.25, 1.75, 2, 1.5, 1.8125, 2.4375, 2.75, 2.5, 2.9375, 3.8125, 4.25, 3, 3.5, 4.5, 5],
  ],
  [
    '2x3 to 3x5',
    [0, 1, 2, 3, 4, 5],
    [2, 3, 3, 5],
    [0, 0.4, 1, 1.6, 2, 1.5, 1.9, 2.5, 3.1, 3.5, 3, 3.4, 4, 4.6, 5],
  ],
];
for (const [name, map, [h, w, oh, ow], want] of resizes) {
  test(`bilinear resize ${name} matches PyTorch`, (t) => {
    const got = resizeBilinear(map, h, w, oh, ow);
    t.is(got.length, want.length);
    want.forEach((v, i) => close(t, got[i], v, `pixel ${i}`));
  });
}

test('F1 per class and macro F1', (t) => {
  const labels = [0, 0, 1, 1, 2];
  const pred = [0, 1, 1, 1, 0];
  // class 0: tp 1, fp 1, fn 1 -> 0.5; class 1: tp 2, fp 1 -> 0.8; class 2: fn 1 -> 0.
  close(t, f1Score(pred, labels, 0), 0.5);
  close(t, f1Score(pred, labels, 1), 0.8);
  close(t, macroF1(pred, labels, 3), 1.3 / 3);
  t.true(Number.isNaN(f1Score([0, 0], [0, 0], 1)));
});

test('binary AUROC scores class 1 against label 1', (t) => {
  // p(class 1) = 0.9, 0.4, 0.6, 0.2 for labels 1, 1, 0, 0: pairs (1 vs 0) won 3 of 4.
  const probs = [0.1, 0.9, 0.6, 0.4, 0.4, 0.6, 0.8, 0.2];
  close(t, modelAuroc(probs, [1, 1, 0, 0], 2), 0.75);
});
