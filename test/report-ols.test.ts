/**
 * OLS coefficients and classical standard errors against closed forms:
 * the two-group case by hand, and a two-factor design through a cofactor
 * (adjugate) inverse of X'X written out independently of the fitter.
 */
import test from 'ava';
import { treatmentDesign } from '../stdlib/stats/design.js';
import { ols, RankDeficientError } from '../stdlib/stats/ols.js';
import { tTwoSided } from '../stdlib/stats/student-t.js';

const close = (
  t: { true(v: boolean, m?: string): void },
  a: number,
  b: number,
  tol: number,
  what: string,
) => t.true(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('one binary factor: intercept = reference mean, slope = difference of means, pooled SEs', (t) => {
  const a = [1, 2, 3, 6];
  const b = [4, 8, 9];
  const design = treatmentDesign(
    [{ name: 'g', values: [...a.map(() => 'a'), ...b.map(() => 'b')] }],
    7,
  );
  const fit = ols(design.rows, [...a, ...b], design.names);

  // Means 3 and 7; within-group sums of squares 14 and 14; σ² = 28 / 5.
  const sigma = Math.sqrt(28 / 5);
  t.deepEqual(design.names, ['(intercept)', 'g=b']);
  close(t, fit.terms[0]!.estimate, 3, 1e-12, 'intercept');
  close(t, fit.terms[1]!.estimate, 4, 1e-12, 'slope');
  close(t, fit.terms[0]!.se, sigma / Math.sqrt(4), 1e-12, 'se intercept');
  close(t, fit.terms[1]!.se, sigma * Math.sqrt(1 / 4 + 1 / 3), 1e-12, 'se slope');
  t.is(fit.df, 5);
  close(t, fit.sigma, sigma, 1e-12, 'sigma');
  // R² = 1 − 28 / TSS, TSS = Σ(y − 33/7)².
  const y = [...a, ...b];
  const tss = y.reduce((s, v) => s + (v - 33 / 7) ** 2, 0);
  close(t, fit.r2, 1 - 28 / tss, 1e-12, 'R²');
});

/** Determinant by cofactor expansion along the first row. */
function det(m: number[][]): number {
  if (m.length === 1) return m[0]![0]!;
  return m[0]!.reduce((s, v, j) => s + (j % 2 === 0 ? 1 : -1) * v * det(minor(m, 0, j)), 0);
}
function minor(m: number[][], r: number, c: number): number[][] {
  return m.filter((_, i) => i !== r).map((row) => row.filter((_, j) => j !== c));
}
/** Inverse as adjugate / determinant. */
function adjugateInverse(m: number[][]): number[][] {
  const d = det(m);
  return m.map((_, i) =>
    m.map((__, j) => (((i + j) % 2 === 0 ? 1 : -1) * det(minor(m, j, i))) / d),
  );
}

test("two factors: coefficients and SEs match (X'X)⁻¹X'y from a cofactor inverse", (t) => {
  const model = ['a', 'a', 'b', 'b', 'c', 'c', 'a', 'b', 'c', 'c'];
  const expl = ['x', 'y', 'x', 'y', 'x', 'y', 'y', 'x', 'x', 'y'];
  const y = [0.3, 0.5, 0.9, 1.4, 0.2, 0.1, 0.65, 1.0, 0.35, 0.05];
  const design = treatmentDesign(
    [
      { name: 'model', values: model },
      { name: 'explainer', values: expl },
    ],
    10,
  );
  t.deepEqual(design.names, ['(intercept)', 'model=b', 'model=c', 'explainer=y']);
  t.deepEqual(design.reference, { model: 'a', explainer: 'x' });

  // The design written out by hand: treatment coding, first level dropped.
  const X = model.map((m, i) => [1, m === 'b' ? 1 : 0, m === 'c' ? 1 : 0, expl[i] === 'y' ? 1 : 0]);
  t.deepEqual(
    design.rows.map((r) => Array.from(r)),
    X,
  );

  const xtx = [0, 1, 2, 3].map((i) =>
    [0, 1, 2, 3].map((j) => X.reduce((s, r) => s + r[i]! * r[j]!, 0)),
  );
  const xty = [0, 1, 2, 3].map((i) => X.reduce((s, r, k) => s + r[i]! * y[k]!, 0));
  const inv = adjugateInverse(xtx);
  const beta = inv.map((row) => row.reduce((s, v, j) => s + v * xty[j]!, 0));
  const rss = X.reduce(
    (s, r, k) => s + (y[k]! - r.reduce((a, v, j) => a + v * beta[j]!, 0)) ** 2,
    0,
  );
  const s2 = rss / (10 - 4);

  const fit = ols(design.rows, y, design.names);
  fit.terms.forEach((term, j) => {
    close(t, term.estimate, beta[j]!, 1e-12, `β ${term.name}`);
    close(t, term.se, Math.sqrt(s2 * inv[j]![j]!), 1e-12, `se ${term.name}`);
    close(t, term.t, beta[j]! / Math.sqrt(s2 * inv[j]![j]!), 1e-9, `t ${term.name}`);
  });
  t.is(fit.n, 10);
  t.is(fit.df, 6);
});

test('a factor that copies another is named as the dependent term', (t) => {
  const g = ['a', 'a', 'b', 'b', 'a'];
  const design = treatmentDesign(
    [
      { name: 'g', values: g },
      { name: 'h', values: g.map((v) => (v === 'a' ? 'p' : 'q')) },
    ],
    5,
  );
  const error = t.throws(() => ols(design.rows, [1, 2, 3, 4, 5], design.names), {
    instanceOf: RankDeficientError,
  });
  t.regex(error!.message, /`h=q` is a linear combination/);
});

const pValues: [number, number, number][] = [
  // t, df, two-sided p (t quantiles from standard tables)
  [1, 1, 0.5],
  [2.228138852, 10, 0.05],
  [2.583487185, 16, 0.02],
  [1.959963985, 1e7, 0.05],
  [0, 5, 1],
];
for (const [tv, df, p] of pValues) {
  test(`t distribution: P(|T_${df}| > ${tv}) = ${p}`, (t) => {
    close(t, tTwoSided(tv, df), p, 1e-7, 'p');
    close(t, tTwoSided(-tv, df), p, 1e-7, 'p of -t');
  });
}
