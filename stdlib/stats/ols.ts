/**
 * Ordinary least squares with classical (homoscedastic) standard errors:
 * β = (X'X)⁻¹X'y, σ² = RSS / (n − p), se = √(σ² diag((X'X)⁻¹)), and
 * two-sided t-test p-values on n − p degrees of freedom.
 */
import { crossProduct, crossVector, invert } from './linalg.js';
import { tTwoSided } from './student-t.js';

export interface OlsTerm {
  name: string;
  estimate: number;
  se: number;
  t: number;
  p: number;
}

export interface OlsFit {
  terms: OlsTerm[];
  n: number;
  /** Residual degrees of freedom, n − p. */
  df: number;
  /** Residual standard error √(RSS / df). */
  sigma: number;
  r2: number;
}

export class RankDeficientError extends Error {
  override name = 'RankDeficientError';
}

/** Fit y on the columns of X (rows of length `names.length`). */
export function ols(rows: ArrayLike<number>[], y: ArrayLike<number>, names: string[]): OlsFit {
  const n = rows.length;
  const p = names.length;
  if (n !== y.length) throw new Error(`ols: ${n} design rows but ${y.length} responses`);
  if (n <= p) {
    throw new RankDeficientError(
      `ols: ${n} observations cannot fit ${p} terms; add observations or drop a factor`,
    );
  }
  const inv = invert(crossProduct(rows, p));
  if ('dependent' in inv) {
    throw new RankDeficientError(
      `ols: term \`${names[inv.dependent]}\` is a linear combination of the terms before it ` +
        '(a level without observations, or two factors that always move together)',
    );
  }
  const xty = crossVector(rows, y, p);
  const beta = inv.inverse.map((row) => row.reduce((s, v, j) => s + v * xty[j]!, 0));

  // Residuals give σ²; the total sum of squares around the mean gives R².
  let rss = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]!;
  mean /= n;
  let tss = 0;
  rows.forEach((row, i) => {
    let fitted = 0;
    for (let j = 0; j < p; j++) fitted += row[j]! * beta[j]!;
    rss += (y[i]! - fitted) ** 2;
    tss += (y[i]! - mean) ** 2;
  });
  const df = n - p;
  const sigma2 = rss / df;
  const terms = names.map((name, j) => {
    const se = Math.sqrt(sigma2 * inv.inverse[j]![j]!);
    const t = beta[j]! / se;
    return { name, estimate: beta[j]!, se, t, p: tTwoSided(t, df) };
  });
  return { terms, n, df, sigma: Math.sqrt(sigma2), r2: tss > 0 ? 1 - rss / tss : NaN };
}
