/**
 * Agreement between a relevance map and a ground-truth mask, per image.
 * Maps are flat arrays of H*W (already pooled over channels); masks are 0/1.
 * An image whose mask is empty or whose relevance is all zero gets NaN: it is
 * counted and reported by the caller, never averaged in as 0.
 */

/** Channel pooling: Σ_c max(r_c, 0) (`pos_sum`) or max(Σ_c r_c, 0) (`sum_pos`). */
export type Pooling = 'pos_sum' | 'sum_pos';

/** [H*W*C] channels-last relevance -> [H*W] pooled map. */
export function poolChannels(r: ArrayLike<number>, channels: number, pooling: Pooling): Float64Array {
  const n = r.length / channels;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < channels; c++) {
      const v = r[i * channels + c];
      s += pooling === 'pos_sum' ? Math.max(v, 0) : v;
    }
    out[i] = pooling === 'pos_sum' ? s : Math.max(s, 0);
  }
  return out;
}

/** Relevance mass accuracy: Σ R·M / Σ R. */
export function massAccuracy(r: ArrayLike<number>, mask: ArrayLike<number>): number {
  let inside = 0;
  let total = 0;
  let area = 0;
  for (let i = 0; i < r.length; i++) {
    total += r[i];
    if (mask[i]) {
      inside += r[i];
      area++;
    }
  }
  if (area === 0 || total <= 0) return NaN;
  return inside / total;
}

/**
 * Pixel indices ordered by relevance, highest first; ties keep the lower
 * flat index first (a stable sort).
 */
export function rankOrder(r: ArrayLike<number>): number[] {
  const idx = Array.from({ length: r.length }, (_, i) => i);
  return idx.sort((a, b) => r[b] - r[a] || a - b);
}

/** Relevance rank accuracy: |top-K ∩ M| / K with K = |M|. */
export function rankAccuracy(r: ArrayLike<number>, mask: ArrayLike<number>): number {
  let k = 0;
  let total = 0;
  for (let i = 0; i < r.length; i++) {
    if (mask[i]) k++;
    total += Math.abs(r[i]);
  }
  if (k === 0 || total === 0) return NaN;
  const order = rankOrder(r);
  let hits = 0;
  for (let j = 0; j < k; j++) if (mask[order[j]]) hits++;
  return hits / k;
}

/** Mean of the finite values and how many were NaN. */
export function meanFinite(values: ArrayLike<number>): { mean: number; nan: number } {
  let s = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) {
      s += values[i];
      n++;
    }
  }
  return { mean: n > 0 ? s / n : NaN, nan: values.length - n };
}
