/**
 * Treatment (dummy) coding of categorical factors: an intercept column, then
 * one 0/1 column per non-reference level of each factor. The first level of
 * a factor (in the order given, else in order of first appearance) is the
 * reference, absorbed into the intercept.
 */

export interface Factor {
  name: string;
  /** The factor's value for every observation. */
  values: readonly string[];
  /** Level order; the first is the reference. Defaults to first appearance. */
  levels?: readonly string[];
}

export interface Design {
  rows: Float64Array[];
  /** Column names: `(intercept)`, then `factor=level`. */
  names: string[];
  /** The reference level of each factor. */
  reference: Record<string, string>;
}

export function treatmentDesign(factors: readonly Factor[], n: number): Design {
  const names = ['(intercept)'];
  const reference: Record<string, string> = {};
  const coders: ((i: number, row: Float64Array) => void)[] = [];

  for (const f of factors) {
    if (f.values.length !== n) {
      throw new Error(`factor \`${f.name}\` has ${f.values.length} values for ${n} observations`);
    }
    const levels = f.levels ?? [...new Set(f.values)];
    const unknown = f.values.find((v) => !levels.includes(v));
    if (unknown !== undefined) {
      throw new Error(`factor \`${f.name}\`: value \`${unknown}\` is not one of its levels`);
    }
    reference[f.name] = levels[0]!;
    const offset = names.length;
    const column = new Map(levels.slice(1).map((l, k) => [l, offset + k]));
    for (const l of levels.slice(1)) names.push(`${f.name}=${l}`);
    coders.push((i, row) => {
      const c = column.get(f.values[i]!);
      if (c !== undefined) row[c] = 1;
    });
  }

  const rows = Array.from({ length: n }, (_, i) => {
    const row = new Float64Array(names.length);
    row[0] = 1;
    for (const code of coders) code(i, row);
    return row;
  });
  return { rows, names, reference };
}
