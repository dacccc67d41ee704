/**
 * Agreement between a relevance map and a ground-truth mask, per image.
 * Maps are flat arrays of H*W (already pooled over channels); masks are 0/1.
 * An image whose mask is empty or whose relevance is all zero gets NaN: it is
 * counted and reported by the caller, never averaged in as 0.
 */

/** Channel pooling: Σ_c max(r_c, 0) (`pos_sum`) or max(Σ_c r_c, 0) (`sum_pos`). */
export type Pooling = 'pos_sum' | 'sum_pos';

/** [H*W*C] channels-last relevance -> [H*W] pooled map. */
export function poolChannels(
  r: ArrayLike<number>,
  channels: number,
  pooling: Pooling,
): Float64Array {
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

/**
 * Bilinear resize of an h x w map to H x W with half-pixel centres (the
 * convention of PyTorch's interpolate with align_corners=False and of
 * tf.image.resizeBilinear with halfPixelCenters): output pixel (i, j) samples
 * the input at ((i + 0.5) h / H - 0.5, (j + 0.5) w / W - 0.5), clamped to
 * the edges.
 */
export function resizeBilinear(
  r: ArrayLike<number>,
  h: number,
  w: number,
  outH: number,
  outW: number,
): Float64Array {
  const out = new Float64Array(outH * outW);
  const coord = (i: number, n: number, m: number) => {
    const s = Math.min(Math.max(((i + 0.5) * n) / m - 0.5, 0), n - 1);
    const lo = Math.floor(s);
    const hi = Math.min(lo + 1, n - 1);
    return { lo, hi, t: s - lo };
  };
  for (let i = 0; i < outH; i++) {
    const y = coord(i, h, outH);
    for (let j = 0; j < outW; j++) {
      const x = coord(j, w, outW);
      const top = r[y.lo * w + x.lo] * (1 - x.t) + r[y.lo * w + x.hi] * x.t;
      const bottom = r[y.hi * w + x.lo] * (1 - x.t) + r[y.hi * w + x.hi] * x.t;
      out[i * outW + j] = top * (1 - y.t) + bottom * y.t;
    }
  }
  return out;
}

/** Mask area, or 0 when the relevance is all zero (both make a metric undefined). */
function defined(r: ArrayLike<number>, mask: ArrayLike<number>): number {
  let area = 0;
  let any = false;
  for (let i = 0; i < r.length; i++) {
    if (mask[i]) area++;
    if (r[i] !== 0) any = true;
  }
  return any ? area : 0;
}

/**
 * Pointing game: 1 when any pixel of maximal relevance lies in the mask,
 * else 0. The weighted variant scores a hit 1 - |M| / N (a hit is worth
 * less the more of the image the mask covers); a miss stays 0.
 */
export function pointingGame(
  r: ArrayLike<number>,
  mask: ArrayLike<number>,
  weighted = false,
): number {
  const area = defined(r, mask);
  if (area === 0) return NaN;
  let max = -Infinity;
  for (let i = 0; i < r.length; i++) max = Math.max(max, r[i]);
  let hit = false;
  for (let i = 0; i < r.length; i++) if (r[i] === max && mask[i]) hit = true;
  if (!hit) return 0;
  return weighted ? 1 - area / r.length : 1;
}

/**
 * Hit rate of the argmax: 1 when the most relevant pixel (the lowest flat
 * index among ties) lies in the mask. Unlike the pointing game, ties do not
 * get a second chance.
 */
export function hitRate(r: ArrayLike<number>, mask: ArrayLike<number>): number {
  if (defined(r, mask) === 0) return NaN;
  let best = 0;
  for (let i = 1; i < r.length; i++) if (r[i] > r[best]) best = i;
  return mask[best] ? 1 : 0;
}

/** Attribution localisation: share of absolute relevance inside the mask, Σ_M |R| / Σ |R|. */
export function attributionLocalisation(r: ArrayLike<number>, mask: ArrayLike<number>): number {
  if (defined(r, mask) === 0) return NaN;
  let inside = 0;
  let total = 0;
  for (let i = 0; i < r.length; i++) {
    const a = Math.abs(r[i]);
    total += a;
    if (mask[i]) inside += a;
  }
  return inside / total;
}

/** |top-k ∩ M| / k, with the rank order's tie rule (lower flat index first). */
export function topKIntersection(r: ArrayLike<number>, mask: ArrayLike<number>, k: number): number {
  if (defined(r, mask) === 0) return NaN;
  const kk = Math.min(Math.max(1, Math.floor(k)), r.length);
  const order = rankOrder(r);
  let hits = 0;
  for (let j = 0; j < kk; j++) if (mask[order[j]]) hits++;
  return hits / kk;
}

/**
 * ROC-AUC of the relevance as a score for "pixel in mask" (rank-sum formula,
 * ties count ½). NaN for an empty or full mask or all-zero relevance.
 */
export function maskAuc(r: ArrayLike<number>, mask: ArrayLike<number>): number {
  if (defined(r, mask) === 0) return NaN;
  const idx = Array.from({ length: r.length }, (_, i) => i).sort((a, b) => r[a] - r[b]);
  let nPos = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && r[idx[j + 1]] === r[idx[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let q = i; q <= j; q++) {
      if (mask[idx[q]]) {
        nPos++;
        rankSum += avg;
      }
    }
    i = j + 1;
  }
  const nNeg = r.length - nPos;
  if (nNeg === 0) return NaN;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * Intersection over union of the mask and the pixels whose min-max
 * normalised relevance is at least `threshold`. NaN when the relevance is
 * constant (normalisation undefined) or the mask is empty.
 */
export function iou(r: ArrayLike<number>, mask: ArrayLike<number>, threshold = 0.5): number {
  if (defined(r, mask) === 0) return NaN;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < r.length; i++) {
    lo = Math.min(lo, r[i]);
    hi = Math.max(hi, r[i]);
  }
  if (hi === lo) return NaN;
  let inter = 0;
  let union = 0;
  for (let i = 0; i < r.length; i++) {
    const on = (r[i] - lo) / (hi - lo) >= threshold;
    const m = mask[i] !== 0;
    if (on && m) inter++;
    if (on || m) union++;
  }
  return inter / union;
}
