/**
 * Percentile bootstrap of a mean: resample the values with replacement
 * `replicates` times from a seeded stream, take the 2.5th and 97.5th
 * percentiles (linear interpolation between order statistics) of the
 * resampled means.
 */
import { Rng } from '../tf/rng.js';

export interface Interval {
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

/** Percentile p in [0, 1] of sorted values, linear between neighbours. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const at = p * (sorted.length - 1);
  const i = Math.floor(at);
  const f = at - i;
  return i + 1 < sorted.length ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i];
}

export function bootstrapMean(
  values: ArrayLike<number>,
  replicates: number,
  seed: number,
  level = 0.95,
): Interval {
  const n = values.length;
  if (n === 0) return { mean: NaN, lo: NaN, hi: NaN, n };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const rng = Rng.derive(seed, 'bootstrap');
  const means = new Float64Array(replicates);
  for (let b = 0; b < replicates; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[Math.floor(rng.next() * n)];
    means[b] = s / n;
  }
  means.sort();
  const tail = (1 - level) / 2;
  return { mean: sum / n, lo: percentile(means, tail), hi: percentile(means, 1 - tail), n };
}

/**
 * A seed for one labelled interval (`mass/model=cnn`), so that every
 * interval of a report draws its own stream and adding a row leaves the
 * others unchanged. FNV-1a over the label, mixed with the study seed.
 */
export function labelSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
