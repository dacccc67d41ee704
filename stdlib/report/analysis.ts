/**
 * The numbers of a robustness report, from metrics already computed: per
 * group (model × explainer × ...), the in-mask and out-mask scores, the
 * per-image discrepancy in − out with a bootstrap interval, the share of
 * images where the in-mask model scores higher, per-class breakdowns, and
 * OLS fits of the discrepancy on the group's factors.
 */
import type { Json } from '../types.js';
import { bootstrapMean, labelSeed, type Interval } from '../stats/bootstrap.js';
import { treatmentDesign } from '../stats/design.js';
import { ols, type OlsFit } from '../stats/ols.js';

export const SCORES = ['mass', 'rank'] as const;
export type Score = (typeof SCORES)[number];

export interface Summary {
  accuracy: number | null;
  auroc: number | null;
  mass_accuracy: number | null;
  rank_accuracy: number | null;
}

/** Per-image scores as metrics writes them (null: undefined for that image). */
export type PerImage = Record<Score, (number | null)[]>;

/** One group's inputs, matched up from the gathered lists. */
export interface GroupInput {
  /** Values of the non-target axes, e.g. { model: 'cnn', explainer: 'gradient' }. */
  axes: Record<string, Json>;
  base?: Summary;
  in: { summary: Summary; perImage: PerImage };
  out: { summary: Summary; perImage: PerImage };
}

export interface Discrepancy extends Interval {
  inMean: number;
  outMean: number;
  /** Share of paired images where in > out (ties count as not). */
  share: number;
}

export interface GroupResult {
  label: string;
  axes: Record<string, Json>;
  scores: Record<Score, Discrepancy>;
  /** Per-image in − out, NaN where either side is undefined. */
  diffs: Record<Score, Float64Array>;
}

export interface AnalysisOptions {
  replicates: number;
  seed: number;
  /** Class index of every test image, for the per-class breakdown. */
  labels?: Uint8Array;
  classNames?: string[];
  /** Factors of the OLS fit (axis names); each needs ≥ 2 levels to enter. */
  factors: string[];
}

export interface ClassResult {
  group: string;
  classIndex: number;
  className: string;
  scores: Record<Score, Discrepancy>;
}

export interface Analysis {
  groups: GroupResult[];
  classes: ClassResult[];
  fits: Partial<Record<Score, OlsFit>>;
  /** Why a fit is missing, per score. */
  fitProblems: Partial<Record<Score, string>>;
  /** Factors that entered the fits, with their levels (first = reference). */
  factors: { name: string; levels: string[] }[];
}

/** `model=cnn,explainer=gradient`, or `all` for a single group. */
export function groupLabel(axes: Record<string, Json>): string {
  const parts = Object.entries(axes).map(([k, v]) => `${k}=${display(v)}`);
  return parts.length === 0 ? 'all' : parts.join(',');
}

export function display(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const num = (v: number | null | undefined) => (v === null || v === undefined ? NaN : v);

/** in − out per image; NaN when either is undefined. */
export function pairedDiffs(a: (number | null)[], b: (number | null)[]): Float64Array {
  if (a.length !== b.length) {
    throw new Error(`per-image scores of ${a.length} and ${b.length} images cannot be paired`);
  }
  return Float64Array.from(a, (x, i) => num(x) - num(b[i]));
}

function discrepancy(
  inS: ArrayLike<number | null>,
  outS: ArrayLike<number | null>,
  pick: (i: number) => boolean,
  replicates: number,
  seed: number,
): Discrepancy {
  const d: number[] = [];
  let inSum = 0;
  let outSum = 0;
  let wins = 0;
  for (let i = 0; i < inS.length; i++) {
    const a = num(inS[i]);
    const b = num(outS[i]);
    if (!pick(i) || !Number.isFinite(a) || !Number.isFinite(b)) continue;
    d.push(a - b);
    inSum += a;
    outSum += b;
    if (a > b) wins++;
  }
  const ci = bootstrapMean(d, replicates, seed);
  const n = d.length;
  return { ...ci, inMean: inSum / n, outMean: outSum / n, share: n > 0 ? wins / n : NaN };
}

export function analyse(inputs: readonly GroupInput[], opts: AnalysisOptions): Analysis {
  const groups: GroupResult[] = inputs.map((g) => {
    const label = groupLabel(g.axes);
    const scores = {} as Record<Score, Discrepancy>;
    const diffs = {} as Record<Score, Float64Array>;
    for (const s of SCORES) {
      const a = g.in.perImage[s];
      const b = g.out.perImage[s];
      diffs[s] = pairedDiffs(a, b);
      scores[s] = discrepancy(
        a,
        b,
        () => true,
        opts.replicates,
        labelSeed(opts.seed, `${s}/${label}`),
      );
    }
    return { label, axes: g.axes, scores, diffs };
  });

  // Per class: the same statistics over the images of one class.
  const classes: ClassResult[] = [];
  const labels = opts.labels;
  const classCount = labels ? Math.max(-1, ...labels) + 1 : 0;
  const scored = inputs[0]?.in.perImage.mass.length;
  if (labels && scored !== undefined && labels.length !== scored) {
    throw new Error(
      `the dataset's test split has ${labels.length} images but the metrics scored ${scored}; ` +
        'pass the dataset the metrics stages read',
    );
  }
  if (labels && classCount > 1) {
    inputs.forEach((g, k) => {
      for (let c = 0; c < classCount; c++) {
        const scores = {} as Record<Score, Discrepancy>;
        for (const s of SCORES) {
          scores[s] = discrepancy(
            g.in.perImage[s],
            g.out.perImage[s],
            (i) => labels[i] === c,
            opts.replicates,
            labelSeed(opts.seed, `${s}/${groups[k]!.label}/class=${c}`),
          );
        }
        const className = opts.classNames?.[c] ?? String(c);
        classes.push({ group: groups[k]!.label, classIndex: c, className, scores });
      }
    });
  }

  // OLS of the per-image discrepancy on the factors that vary.
  const factors = opts.factors
    .map((name) => ({
      name,
      levels: [...new Set(inputs.map((g) => (name in g.axes ? display(g.axes[name]!) : '')))],
    }))
    .filter((f) => f.levels.length > 1 && !f.levels.includes(''));
  const fits: Analysis['fits'] = {};
  const fitProblems: Analysis['fitProblems'] = {};
  for (const s of SCORES) {
    const y: number[] = [];
    const values = factors.map(() => [] as string[]);
    groups.forEach((g) => {
      g.diffs[s].forEach((d) => {
        if (!Number.isFinite(d)) return;
        y.push(d);
        factors.forEach((f, k) => values[k]!.push(display(g.axes[f.name]!)));
      });
    });
    const design = treatmentDesign(
      factors.map((f, k) => ({ name: f.name, levels: f.levels, values: values[k]! })),
      y.length,
    );
    try {
      fits[s] = ols(design.rows, y, design.names);
    } catch (error) {
      fitProblems[s] = (error as Error).message;
    }
  }
  return { groups, classes, fits, fitProblems, factors };
}
