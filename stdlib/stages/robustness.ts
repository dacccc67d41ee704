/**
 * `robustness`: how far fine-tuning toward and away from the masks moves
 * explanation-mask agreement, for every model × explainer of a study. It
 * reads the metrics of the in-mask and out-mask models (gathered over the
 * target axis and the axes it compares), and, for figures, their relevance
 * artifacts and the dataset. Writes report.md, a self-contained
 * report.html, CSV tables and PNG/SVG figures.
 *
 * In a study sweeping `model`, `explainer` and `target`, where the base
 * model's stages vary by model and explainer:
 *
 *   report:
 *     kind: robustness
 *     gather: [model, explainer, target]
 *     with:
 *       summary: ${{ stages.metrics.summary }}
 *       per_image: ${{ stages.metrics.per_image }}
 *       base: ${{ stages.metrics_base.summary }}
 *       relevance: ${{ stages.explain.relevance }}
 *       base_relevance: ${{ stages.explain_base.relevance }}
 *       data: ${{ stages.data.dataset }}
 *
 * Every gathered axis but the target becomes a factor of the OLS fit
 * (a `pretraining` axis included) unless `factors` names them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Json, StageKind } from '../types.js';
import { readDataset, type Dataset } from '../data/dataset.js';
import { analyse, type Analysis, type Score } from '../report/analysis.js';
import { toCsv, toHtml, toMarkdown, type Block } from '../report/document.js';
import {
  distributionFigures,
  heatmapFigures,
  scatterFigures,
  type FigureFile,
} from '../report/figures.js';
import { matchInputs, pairingProblem } from '../report/inputs.js';
import {
  classCsvRows,
  mainCsvRows,
  olsCsvRows,
  reportBlocks,
} from '../report/robustness-report.js';

/** A planned reference: one output, or one per gathered cell. */
type PlannedInput = {
  $ref?: { instance: string };
  $gather?: { axes: Record<string, Json>; ref: { instance: string } }[];
} | null;

export const robustness: StageKind = {
  kind: 'robustness',
  // 2: flags groups whose mass accuracy is 1 on every image.
  // 3: flags models at chance level; no `-0.000` in tables.
  version: 3,
  doc: 'In-mask vs out-mask fine-tuning per model and explainer: intervals, OLS, figures, HTML.',
  usesEngine: false,
  publish: { output: 'report', print: 'report.md' },
  params: {
    title: { type: 'string', default: 'Explanation-mask alignment', doc: 'report heading' },
    summary: {
      type: 'value',
      required: true,
      doc: 'metrics summaries of the fine-tuned models, gathered over the target axis (and model, explainer, ...)',
    },
    per_image: {
      type: 'value',
      required: true,
      doc: 'per-image metrics of the fine-tuned models, gathered like `summary`',
    },
    base: {
      type: 'value',
      default: null,
      doc: 'metrics summary of the base model(s): one value, or gathered over model and explainer',
    },
    relevance: {
      type: 'artifact',
      artifact: 'relevance',
      default: null,
      doc: 'relevance artifacts of the fine-tuned models, gathered like `summary` (heatmaps)',
    },
    base_relevance: {
      type: 'artifact',
      artifact: 'relevance',
      default: null,
      doc: 'relevance artifact(s) of the base model(s) (heatmaps)',
    },
    data: {
      type: 'artifact',
      artifact: 'dataset',
      default: null,
      doc: 'dataset artifact: class labels, images and masks (per-class tables, heatmaps, provenance)',
    },
    target_axis: {
      type: 'string',
      default: 'target',
      doc: 'sweep axis holding in_mask / out_mask',
    },
    explainer_axis: {
      type: 'string',
      default: 'explainer',
      doc: 'axis whose values get one scatter panel each',
    },
    factors: {
      type: 'list',
      default: null,
      doc: 'axes entering the OLS fit (default: every gathered axis but the target)',
    },
    bootstrap: {
      type: 'integer',
      min: 1000,
      default: 2000,
      doc: 'bootstrap replicates for the 95 % intervals',
    },
    heatmap_images: {
      type: 'integer',
      min: 1,
      max: 32,
      default: 6,
      doc: 'test images shown in each heatmap grid',
    },
  },
  outputs: {
    report: {
      type: 'artifact',
      artifact: 'report',
      doc: 'report.md, report.html, CSV tables, figures/',
    },
    discrepancy: { type: 'json', doc: 'in − out mass and rank accuracy per group, with intervals' },
    ols: { type: 'json', doc: 'OLS fits of the discrepancy on the factors' },
  },
  checkInstance(p, axes) {
    const axis = p.target_axis as string;
    const inputs = ['summary', 'per_image', ...(p.relevance === null ? [] : ['relevance'])];
    for (const name of inputs) {
      const value = p[name] as PlannedInput;
      const problem = pairingProblem(
        value?.$gather?.map((e) => e.axes),
        name,
        axis,
      );
      if (problem === undefined) continue;
      // Not varying with the target at all: the input comes from the wrong stage.
      const source = value?.$ref?.instance ?? value?.$gather?.[0]?.ref.instance;
      const varies = value?.$gather?.some((e) => axis in e.axes) ?? false;
      // (When this stage itself runs once per target, `gather` is what is missing.)
      if (source !== undefined && !varies && !(axis in axes)) {
        const stage = source.replace(/\[.*$/, '');
        return {
          message: `\`${name}\` reads stage \`${stage}\`, which does not vary with \`${axis}\``,
          hint:
            `point \`${name}\` at an output that depends on the fine-tuned models ` +
            `(one value per \`${axis}\`) and keep \`gather: [${axis}]\` on the stage`,
        };
      }
      return problem;
    }
    return undefined;
  },
  async run(ctx, p) {
    const targetAxis = p.target_axis as string;
    const { groups, relevance } = matchInputs(
      {
        summary: p.summary,
        per_image: p.per_image,
        base: p.base,
        relevance: p.relevance,
        base_relevance: p.base_relevance,
      },
      targetAxis,
      ctx.instanceId,
    );
    const data = p.data === null ? undefined : await readDataset(p.data as string);
    const axisNames = [...new Set(groups.flatMap((g) => Object.keys(g.axes)))];
    const replicates = p.bootstrap as number;
    const analysis = analyse(groups, {
      replicates,
      seed: ctx.seed,
      labels: data?.splits.test.labels,
      classNames: data?.meta.classNames,
      factors: (p.factors as string[] | null) ?? axisNames,
    });
    ctx.progress({ step: 1, total: 3, phase: 'statistics' });

    // Figures: charts always, heatmaps when the artifacts are there.
    const figures: FigureFile[] = [
      ...scatterFigures(analysis, p.explainer_axis as string),
      ...distributionFigures(groups, analysis),
    ];
    const notes: string[] = [];
    if (data && p.relevance !== null) {
      figures.push(
        ...(await heatmapFigures(data, analysis, relevance, p.heatmap_images as number)),
      );
    } else {
      notes.push(
        'Heatmaps need the `data`, `relevance` and `base_relevance` parameters; they were not given.',
      );
    }
    ctx.progress({ step: 2, total: 3, phase: 'figures' });

    const title = p.title as string;
    const blocks: Block[] = [
      ...reportBlocks(title, groups, analysis, replicates, labelCount(data)),
      { type: 'heading', level: 2, text: 'Figures' },
      ...figures.map((f): Block => ({
        type: 'figure',
        file: f.file,
        png: f.png,
        width: f.width,
        height: f.height,
        caption: f.caption,
        svg: f.svgFile,
      })),
      ...notes.map((text): Block => ({ type: 'paragraph', text })),
      { type: 'heading', level: 2, text: 'Provenance' },
      { type: 'list', items: provenance(ctx.seed, ctx.backend, ctx.instanceId, replicates, data) },
    ];

    const dir = join(ctx.outDir, 'report');
    const write = async (name: string, content: string | Buffer) => {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), content);
    };
    for (const f of figures) {
      await write(f.file, f.png);
      if (f.svgFile && f.svg) await write(f.svgFile, f.svg);
    }
    await write('report.md', toMarkdown(blocks));
    await write('report.html', toHtml(title, blocks));
    const csv = (t: { header: string[]; rows: (string | number | null)[][] }) =>
      toCsv(t.header, t.rows);
    await write('report.csv', csv(mainCsvRows(groups, analysis)));
    if (analysis.classes.length > 0) await write('per-class.csv', csv(classCsvRows(analysis)));
    await write('ols.csv', csv(olsCsvRows(analysis)));
    ctx.progress({ step: 3, total: 3, phase: 'written' });
    return { discrepancy: discrepancyJson(groups, analysis), ols: olsJson(analysis) };
  },
};

function provenance(
  seed: number,
  backend: string,
  instance: string,
  replicates: number,
  data?: Dataset,
): string[] {
  return [
    `seed: ${seed}`,
    `backend: ${backend}`,
    `stage: ${instance} (robustness v1)`,
    `bootstrap: percentile, ${replicates} replicates per interval`,
    ...(data ? [`data: ${data.meta.source}; ${JSON.stringify(data.meta.counts)}`] : []),
  ];
}

const finite = (v: number) => (Number.isFinite(v) ? v : null);

function discrepancyJson(
  groups: ReturnType<typeof matchInputs>['groups'],
  analysis: Analysis,
): Json {
  const out: Record<string, Json> = {};
  analysis.groups.forEach((a, k) => {
    const g = groups[k]!;
    const score = (s: Score) => {
      const d = a.scores[s];
      return {
        mean: finite(d.mean),
        lo: finite(d.lo),
        hi: finite(d.hi),
        n: d.n,
        in: finite(d.inMean),
        out: finite(d.outMean),
        share: finite(d.share),
      };
    };
    const sub = (x: number | null, y: number | null) => (x === null || y === null ? null : x - y);
    out[a.label] = {
      mass: score('mass'),
      rank: score('rank'),
      accuracy: sub(g.in.summary.accuracy, g.out.summary.accuracy),
      auroc: sub(g.in.summary.auroc, g.out.summary.auroc),
    };
  });
  return out;
}

function olsJson(analysis: Analysis): Json {
  const out: Record<string, Json> = {};
  for (const [score, fit] of Object.entries(analysis.fits)) {
    out[score] = {
      n: fit.n,
      df: fit.df,
      sigma: finite(fit.sigma),
      r2: finite(fit.r2),
      terms: fit.terms.map((t) => ({
        name: t.name,
        estimate: t.estimate,
        se: finite(t.se),
        t: finite(t.t),
        p: finite(t.p),
      })),
    };
  }
  return out;
}

/** How many labels accuracy chooses among (chance = 1 / that); none for multi-label. */
function labelCount(data: Dataset | undefined): number | undefined {
  if (data === undefined || data.meta.task === 'multi-label') return undefined;
  return data.meta.task === 'one-vs-rest' ? 2 : data.meta.classNames.length;
}
