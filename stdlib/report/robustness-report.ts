/**
 * The text of a robustness report: blocks for report.md / report.html and
 * the rows of its CSV files, from the analysis.
 */
import type { OlsFit } from '../stats/ols.js';
import {
  SCORES,
  type Analysis,
  type Discrepancy,
  type GroupInput,
  type Score,
  type Summary,
} from './analysis.js';
import type { Block } from './document.js';

/** A number at fixed precision; `n/a` when missing; never `-0.000`. */
export function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a';
  const text = v.toFixed(digits);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}
const fmtCi = (d: Discrepancy) => `${fmt(d.mean)} [${fmt(d.lo)}, ${fmt(d.hi)}]`;
const fmtP = (p: number) => (!Number.isFinite(p) ? 'n/a' : p < 0.001 ? '< 0.001' : p.toFixed(3));
const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
const NAMES: Record<Score, string> = { mass: 'mass accuracy', rank: 'rank accuracy' };

/** Base / in / out rows and the in − out row, as the `report` kind has them. */
function groupTable(g: GroupInput, a: Analysis['groups'][number]): Block {
  const rows: string[][] = [];
  const models: [string, Summary | undefined][] = [
    ['base', g.base],
    ['in_mask', g.in.summary],
    ['out_mask', g.out.summary],
  ];
  for (const [name, s] of models) {
    if (!s) continue;
    rows.push([name, fmt(s.mass_accuracy), fmt(s.rank_accuracy), fmt(s.accuracy), fmt(s.auroc)]);
  }
  rows.push([
    'in − out (95 % CI)',
    fmtCi(a.scores.mass),
    fmtCi(a.scores.rank),
    fmt(diff(g.in.summary.accuracy, g.out.summary.accuracy)),
    fmt(diff(g.in.summary.auroc, g.out.summary.auroc)),
  ]);
  return {
    type: 'table',
    header: ['model', 'mass accuracy', 'rank accuracy', 'accuracy', 'AUROC'],
    rows,
  };
}

function fitTable(score: Score, fit: OlsFit, analysis: Analysis): Block[] {
  const refs = analysis.factors.map((f) => `${f.name}=${f.levels[0]}`);
  return [
    {
      type: 'table',
      caption:
        `Per-image ${NAMES[score]} discrepancy (in − out) regressed on ` +
        (refs.length > 0
          ? `${analysis.factors.map((f) => f.name).join(', ')}; treatment coding, reference ${refs.join(', ')}.`
          : 'an intercept alone (no factor varies): the mean with its classical standard error.'),
      header: ['term', 'estimate', 'std. error', 't', 'p'],
      rows: fit.terms.map((t) => [
        t.name,
        fmt(t.estimate, 4),
        fmt(t.se, 4),
        fmt(t.t, 2),
        fmtP(t.p),
      ]),
    },
    {
      type: 'paragraph',
      text: `n = ${fit.n} images, ${fit.df} residual degrees of freedom, residual standard error ${fmt(fit.sigma, 4)}, R² = ${fit.terms.length > 1 ? fmt(fit.r2, 4) : 'n/a (intercept only)'}.`,
    },
  ];
}

/** True when every defined per-image mass accuracy of both models is 1. */
export function massPinnedAtOne(g: GroupInput): boolean {
  const all = [...g.in.perImage.mass, ...g.out.perImage.mass].filter((v) => v !== null);
  return all.length > 0 && all.every((v) => v === 1);
}

function groupBlocks(g: GroupInput, a: Analysis['groups'][number], replicates: number): Block[] {
  const pinned: Block[] = massPinnedAtOne(g)
    ? [
        {
          type: 'paragraph',
          text:
            'Mass accuracy cannot move here: both models put all of their positive relevance ' +
            'inside the mask on every test image. When the mask covers every non-zero pixel, an ' +
            'explainer that multiplies by the input (integrated gradients with a zero baseline, ' +
            'gradient × input, LRP) is zero outside it by construction, so mass accuracy says ' +
            'nothing about this pipeline; read rank accuracy and the other metrics instead.',
        },
      ]
    : [];
  return [
    groupTable(g, a),
    ...pinned,
    {
      type: 'paragraph',
      text:
        `Over ${a.scores.mass.n} test images the in-mask model beats the out-mask model on ` +
        `mass accuracy for ${fmt(100 * a.scores.mass.share, 1)} % of the images and on rank ` +
        `accuracy for ${fmt(100 * a.scores.rank.share, 1)} %. Intervals: percentile bootstrap ` +
        `over images, ${replicates} replicates.`,
    },
  ];
}

/** All groups in one table: in, out, in − out with its interval, share, accuracy. */
function headlineBlocks(inputs: readonly GroupInput[], analysis: Analysis): Block[] {
  return [
    { type: 'heading', level: 2, text: 'Discrepancy by model and explainer' },
    {
      type: 'table',
      header: [
        'group',
        'score',
        'in',
        'out',
        'in − out [95 % CI]',
        'share in > out',
        'accuracy in / out',
        'AUROC in / out',
      ],
      rows: analysis.groups.flatMap((a, k) =>
        SCORES.map((s) => [
          a.label,
          NAMES[s],
          fmt(a.scores[s].inMean),
          fmt(a.scores[s].outMean),
          fmtCi(a.scores[s]),
          fmt(a.scores[s].share),
          `${fmt(inputs[k]!.in.summary.accuracy)} / ${fmt(inputs[k]!.out.summary.accuracy)}`,
          `${fmt(inputs[k]!.in.summary.auroc)} / ${fmt(inputs[k]!.out.summary.auroc)}`,
        ]),
      ),
    },
  ];
}

/**
 * Groups whose models classify little better than chance (within 5 points
 * of 1/classes), with their lowest accuracy: their explanations' agreement
 * with a mask says little.
 */
export function nearChance(
  inputs: readonly GroupInput[],
  analysis: Analysis,
  classes: number,
): { label: string; accuracy: number }[] {
  const chance = 1 / classes;
  return inputs.flatMap((g, k) => {
    const accs = [g.base?.accuracy, g.in.summary.accuracy, g.out.summary.accuracy].filter(
      (a): a is number => typeof a === 'number',
    );
    const worst = Math.min(...accs);
    return accs.length > 0 && worst < chance + 0.05
      ? [{ label: analysis.groups[k]!.label, accuracy: worst }]
      : [];
  });
}

export function reportBlocks(
  title: string,
  inputs: readonly GroupInput[],
  analysis: Analysis,
  replicates: number,
  classes?: number,
): Block[] {
  const blocks: Block[] = [{ type: 'heading', level: 1, text: title }];
  const single = analysis.groups.length === 1 && analysis.groups[0]!.label === 'all';
  const weak = classes === undefined || classes < 2 ? [] : nearChance(inputs, analysis, classes);
  if (weak.length > 0) {
    const which = single
      ? `a model classifies at about chance level (accuracy ${fmt(weak[0]!.accuracy)}`
      : 'models classify at about chance level in ' +
        weak.map((w) => `${w.label} (accuracy down to ${fmt(w.accuracy)})`).join(', ') +
        ' (';
    blocks.push({
      type: 'paragraph',
      text:
        `**Caution:** ${which}; chance is ${fmt(1 / classes!)} for ${classes} classes). ` +
        'A model that has not learned the task says little through its explanations; see ' +
        'which one in the table, and train it longer, on more images or with other settings.',
    });
  }

  // One group: its table leads. Several: the comparison of all leads.
  if (single) blocks.push(...groupBlocks(inputs[0]!, analysis.groups[0]!, replicates));
  else blocks.push(...headlineBlocks(inputs, analysis));
  analysis.groups.forEach((a, k) => {
    if (single) return;
    blocks.push({ type: 'heading', level: 2, text: a.label });
    blocks.push(...groupBlocks(inputs[k]!, a, replicates));
  });

  if (analysis.classes.length > 0) {
    blocks.push({ type: 'heading', level: 2, text: 'By class' });
    const classNames = [...new Set(analysis.classes.map((c) => c.className))];
    for (const s of SCORES) {
      blocks.push({
        type: 'table',
        caption: `${NAMES[s]}: in − out [95 % CI] per class of the test image.`,
        header: ['class', ...analysis.groups.map((g) => g.label)],
        rows: classNames.map((name) => [
          name,
          ...analysis.groups.map((g) => {
            const c = analysis.classes.find((x) => x.group === g.label && x.className === name);
            return c ? `${fmtCi(c.scores[s])} (n=${c.scores[s].n})` : 'n/a';
          }),
        ]),
      });
    }
  }

  blocks.push({ type: 'heading', level: 2, text: 'Regression' });
  for (const s of SCORES) {
    const fit = analysis.fits[s];
    if (fit) blocks.push(...fitTable(s, fit, analysis));
    else
      blocks.push({
        type: 'paragraph',
        text: `No fit for ${NAMES[s]}: ${analysis.fitProblems[s]}`,
      });
  }
  return blocks;
}

/** report.csv: the `report` kind's columns, then the shares. */
export function mainCsvRows(inputs: readonly GroupInput[], analysis: Analysis) {
  const header = [
    'group',
    'model',
    'mass_accuracy',
    'rank_accuracy',
    'accuracy',
    'auroc',
    'mass_ci_lo',
    'mass_ci_hi',
    'rank_ci_lo',
    'rank_ci_hi',
    'mass_share_in_gt_out',
    'rank_share_in_gt_out',
  ];
  const rows: (string | number | null)[][] = [];
  analysis.groups.forEach((a, k) => {
    const g = inputs[k]!;
    const label = a.label === 'all' ? '' : a.label;
    for (const [name, s] of [
      ['base', g.base],
      ['in_mask', g.in.summary],
      ['out_mask', g.out.summary],
    ] as const) {
      if (s)
        rows.push([
          label,
          name,
          s.mass_accuracy,
          s.rank_accuracy,
          s.accuracy,
          s.auroc,
          '',
          '',
          '',
          '',
          '',
          '',
        ]);
    }
    const { mass, rank } = a.scores;
    rows.push([
      label,
      'in-out',
      mass.mean,
      rank.mean,
      diff(g.in.summary.accuracy, g.out.summary.accuracy),
      diff(g.in.summary.auroc, g.out.summary.auroc),
      mass.lo,
      mass.hi,
      rank.lo,
      rank.hi,
      mass.share,
      rank.share,
    ]);
  });
  return { header, rows };
}

export function classCsvRows(analysis: Analysis) {
  const header = [
    'group',
    'class',
    'class_name',
    'score',
    'n',
    'in_mean',
    'out_mean',
    'diff',
    'ci_lo',
    'ci_hi',
    'share_in_gt_out',
  ];
  const rows = analysis.classes.flatMap((c) =>
    SCORES.map((s) => {
      const d = c.scores[s];
      return [
        c.group,
        c.classIndex,
        c.className,
        s,
        d.n,
        d.inMean,
        d.outMean,
        d.mean,
        d.lo,
        d.hi,
        d.share,
      ];
    }),
  );
  return { header, rows };
}

export function olsCsvRows(analysis: Analysis) {
  const header = ['score', 'term', 'estimate', 'se', 't', 'p', 'n', 'df'];
  const rows = SCORES.flatMap((s) => {
    const fit = analysis.fits[s];
    return fit ? fit.terms.map((t) => [s, t.name, t.estimate, t.se, t.t, t.p, fit.n, fit.df]) : [];
  });
  return { header, rows };
}
