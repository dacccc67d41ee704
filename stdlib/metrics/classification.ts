/** Model quality from class scores: accuracy and ROC-AUC (ties count ½). */

/** Index of the largest score in each row (first one on ties). */
export function argmaxRows(scores: ArrayLike<number>, classes: number): number[] {
  const n = scores.length / classes;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) {
      if (scores[i * classes + c] > scores[i * classes + best]) best = c;
    }
    out.push(best);
  }
  return out;
}

export function accuracy(pred: ArrayLike<number>, labels: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) hits++;
  return labels.length > 0 ? hits / labels.length : NaN;
}

/**
 * Binary ROC-AUC by the rank-sum formula: the probability that a random
 * positive scores above a random negative, ties counting ½. NaN when one of
 * the two groups is empty.
 */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => scores[a] - scores[b],
  );
  let nPos = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length;) {
    // Average rank (1-based) over a group of tied scores.
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (positive[idx[k]]) {
        nPos++;
        rankSum += avg;
      }
    }
    i = j + 1;
  }
  const nNeg = scores.length - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Macro one-vs-rest AUROC over the classes present in the labels. */
export function macroAuroc(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
): number {
  const n = labels.length;
  const aucs: number[] = [];
  for (let c = 0; c < classes; c++) {
    const col = new Float64Array(n);
    const pos = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      col[i] = scores[i * classes + c];
      pos[i] = labels[i] === c ? 1 : 0;
    }
    const a = rocAuc(col, pos);
    if (Number.isFinite(a)) aucs.push(a);
  }
  return aucs.length ? aucs.reduce((s, a) => s + a, 0) / aucs.length : NaN;
}

/** Softmax of each row of logits. */
export function softmaxRows(logits: ArrayLike<number>, classes: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length / classes; i++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[i * classes + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      out[i * classes + c] = Math.exp(logits[i * classes + c] - max);
      sum += out[i * classes + c];
    }
    for (let c = 0; c < classes; c++) out[i * classes + c] /= sum;
  }
  return out;
}

/**
 * F1 of one class: 2 TP / (2 TP + FP + FN); NaN when the class never
 * occurs in either the predictions or the labels.
 */
export function f1Score(
  pred: ArrayLike<number>,
  labels: ArrayLike<number>,
  positive: number,
): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = pred[i] === positive;
    const l = labels[i] === positive;
    if (p && l) tp++;
    else if (p) fp++;
    else if (l) fn++;
  }
  const d = 2 * tp + fp + fn;
  return d > 0 ? (2 * tp) / d : NaN;
}

/** Macro F1: mean over classes of the per-class F1 (classes that never occur are skipped). */
export function macroF1(
  pred: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
): number {
  const scores: number[] = [];
  for (let c = 0; c < classes; c++) {
    const f = f1Score(pred, labels, c);
    if (Number.isFinite(f)) scores.push(f);
  }
  return scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : NaN;
}

/**
 * Model AUROC: binary (score of class 1 against label 1) for two classes,
 * macro one-vs-rest otherwise. The two agree for two classes; binary is the
 * number users of two-class benchmarks expect to see.
 */
export function modelAuroc(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
): number {
  if (classes !== 2) return macroAuroc(probs, labels, classes);
  const n = labels.length;
  const score = new Float64Array(n);
  const pos = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    score[i] = probs[i * 2 + 1];
    pos[i] = labels[i] === 1 ? 1 : 0;
  }
  return rocAuc(score, pos);
}
