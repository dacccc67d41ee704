/**
 * The few dense linear-algebra steps the regression needs: X'X, X'y and the
 * inverse of a small symmetric matrix. Matrices are arrays of rows.
 */

export type Matrix = Float64Array[];

/** X'X of an n x p design given as rows. */
export function crossProduct(rows: ArrayLike<number>[], p: number): Matrix {
  const xtx = Array.from({ length: p }, () => new Float64Array(p));
  for (const row of rows) {
    for (let i = 0; i < p; i++) {
      const xi = row[i]!;
      if (xi === 0) continue;
      for (let j = i; j < p; j++) xtx[i]![j]! += xi * row[j]!;
    }
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) xtx[i]![j] = xtx[j]![i]!;
  return xtx;
}

/** X'y. */
export function crossVector(
  rows: ArrayLike<number>[],
  y: ArrayLike<number>,
  p: number,
): Float64Array {
  const out = new Float64Array(p);
  rows.forEach((row, r) => {
    for (let i = 0; i < p; i++) out[i]! += row[i]! * y[r]!;
  });
  return out;
}

/**
 * Inverse by Gauss-Jordan elimination with partial pivoting. Returns the
 * index of the first column found linearly dependent on the earlier ones
 * instead of an inverse, so the caller can name the offending term.
 */
export function invert(a: Matrix): { inverse: Matrix } | { dependent: number } {
  const p = a.length;
  const m = a.map((row, i) => {
    const ext = new Float64Array(2 * p);
    ext.set(row);
    ext[p + i] = 1;
    return ext;
  });
  const scale = Math.max(1e-300, ...a.map((row, i) => Math.abs(row[i]!)));
  for (let col = 0; col < p; col++) {
    let pivot = col;
    for (let r = col + 1; r < p; r++) {
      if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    }
    if (Math.abs(m[pivot]![col]!) <= 1e-10 * scale) return { dependent: col };
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const lead = m[col]!;
    const d = lead[col]!;
    for (let k = 0; k < 2 * p; k++) lead[k]! /= d;
    for (let r = 0; r < p; r++) {
      if (r === col) continue;
      const f = m[r]![col]!;
      if (f === 0) continue;
      const row = m[r]!;
      for (let k = 0; k < 2 * p; k++) row[k]! -= f * lead[k]!;
    }
  }
  return { inverse: m.map((row) => row.slice(p)) };
}
