/**
 * The bootstrap interval against a second implementation written from the
 * description alone: the same seeded stream (re-derived here with BigInt
 * arithmetic), the same resampling (index ⌊u·n⌋), and type-7 percentiles.
 */
import test from 'ava';
import { bootstrapMean, labelSeed } from '../stdlib/stats/bootstrap.js';

const M32 = (1n << 32n) - 1n;
const mul = (a: bigint, b: bigint) => (a * b) & M32;

/** The stream of stdlib/tf/rng.ts, purpose `bootstrap`, in BigInt. */
function stream(seed: number): () => number {
  let h = BigInt(seed >>> 0) ^ 0x9e3779b9n;
  for (const ch of 'bootstrap') {
    h = mul(h ^ BigInt(ch.charCodeAt(0)), 0x85ebca6bn);
    h ^= h >> 13n;
  }
  let state = h & M32;
  return () => {
    state = (state + 0x9e3779b9n) & M32;
    let z = state;
    z = mul(z ^ (z >> 16n), 0x85ebca6bn);
    z = mul(z ^ (z >> 13n), 0xc2b2ae35n);
    z ^= z >> 16n;
    return Number(z) / 2 ** 32;
  };
}

function quantile7(values: number[], p: number): number {
  const x = [...values].sort((a, b) => a - b);
  const h = (x.length - 1) * p;
  const lo = Math.floor(h);
  return lo + 1 < x.length ? x[lo]! + (h - lo) * (x[lo + 1]! - x[lo]!) : x[lo]!;
}

function reference(values: number[], replicates: number, seed: number) {
  const u = stream(seed);
  const means: number[] = [];
  for (let b = 0; b < replicates; b++) {
    let s = 0;
    for (let i = 0; i < values.length; i++) s += values[Math.floor(u() * values.length)]!;
    means.push(s / values.length);
  }
  return { lo: quantile7(means, 0.025), hi: quantile7(means, 0.975) };
}

const samples: [string, number[], number, number][] = [
  ['skewed', [0.1, 0.2, 0.2, 0.3, 0.9, 1.7, 0.05, 0.4, 0.33, 2.5], 1000, 0],
  ['signed', Array.from({ length: 57 }, (_, i) => Math.sin(i * 1.3) * (1 + (i % 4))), 2000, 12345],
  ['two values', [0, 1, 0, 0, 1, 1, 1, 0, 1], 1500, 4294967295],
];
for (const [name, values, replicates, seed] of samples) {
  test(`bootstrap matches an independent implementation: ${name}`, (t) => {
    const got = bootstrapMean(values, replicates, seed);
    const want = reference(values, replicates, seed);
    t.true(Math.abs(got.lo - want.lo) < 1e-12, `lo ${got.lo} vs ${want.lo}`);
    t.true(Math.abs(got.hi - want.hi) < 1e-12, `hi ${got.hi} vs ${want.hi}`);
    t.is(got.n, values.length);
    t.true(got.lo < got.mean && got.mean < got.hi);
  });
}

test('bootstrap of constant data collapses to the value', (t) => {
  for (const v of [0.1, -3.7, 0]) {
    const got = bootstrapMean(new Array(250).fill(v), 1000, 3);
    t.is(got.lo, got.hi);
    t.true(
      Math.abs(got.lo - v) < 1e-12 && Math.abs(got.mean - v) < 1e-12,
      `${v}: ${JSON.stringify(got)}`,
    );
  }
});

test('each labelled interval draws its own stream', (t) => {
  t.not(labelSeed(0, 'mass/all'), labelSeed(0, 'rank/all'));
  t.not(labelSeed(0, 'mass/all'), labelSeed(1, 'mass/all'));
  t.is(labelSeed(5, 'mass/model=cnn'), labelSeed(5, 'mass/model=cnn'));
});
