/**
 * `report`: the answer to the study's question in one table: explanation-mask
 * agreement and accuracy of the base model and of the models fine-tuned
 * toward (`in_mask`) and away from (`out_mask`) the masks, with the in - out
 * discrepancy and its bootstrap 95 % interval. Written as report.md and
 * report.csv.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Gathered, Json, StageKind } from '../types.js';
import { bootstrapMean, type Interval } from '../stats/bootstrap.js';
import { pairedDiffs } from '../report/analysis.js';
import { fmt } from '../report/robustness-report.js';

interface Summary {
  accuracy: number | null;
  auroc: number | null;
  mass_accuracy: number | null;
  rank_accuracy: number | null;
  n?: number;
}
interface PerImage {
  mass: (number | null)[];
  rank: (number | null)[];
}

/** Paired differences a - b over images where both are defined. */
function pairedDiff(a: (number | null)[], b: (number | null)[]): number[] {
  return Array.from(pairedDiffs(a, b)).filter(Number.isFinite);
}

const fmtCi = (i: Interval) => `${fmt(i.mean)} [${fmt(i.lo)}, ${fmt(i.hi)}]`;

/** Label of the non-target axes of a gathered entry, e.g. `model=cnn`. */
function groupOf(axes: Record<string, Json>): string {
  return Object.entries(axes)
    .filter(([k]) => k !== 'target')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}

export const report: StageKind = {
  kind: 'report',
  // 2: no `-0.000` in tables.
  version: 2,
  doc: 'Table of agreement and accuracy: base vs in-mask vs out-mask fine-tuning.',
  usesEngine: false,
  publish: { output: 'report', print: 'report.md' },
  params: {
    title: { type: 'string', default: 'Explanation-mask alignment', doc: 'report heading' },
    base: { type: 'value', required: true, doc: 'metrics summary of the base model' },
    aligned: {
      type: 'value',
      required: true,
      doc: 'metrics summaries of the fine-tuned models, gathered over `target`',
    },
    per_image: {
      type: 'value',
      required: true,
      doc: 'per-image metrics of the fine-tuned models, gathered over `target`',
    },
    data: { type: 'value', default: null, doc: 'summary of the data stage (for provenance)' },
    bootstrap: {
      type: 'integer',
      min: 100,
      default: 2000,
      doc: 'bootstrap replicates for the 95 % interval',
    },
  },
  outputs: {
    report: { type: 'artifact', artifact: 'report', doc: 'report.md and report.csv' },
    discrepancy: { type: 'json', doc: 'in - out mass and rank accuracy with intervals' },
  },
  async run(ctx, p) {
    const base = p.base as unknown as Summary;
    const aligned = p.aligned as unknown as Gathered<Summary>[];
    const perImage = p.per_image as unknown as Gathered<PerImage>[];
    const groups = [...new Set(aligned.map((g) => groupOf(g.axes)))];
    const md: string[] = [`# ${p.title}`, ''];
    const csv: string[] = [
      'group,model,mass_accuracy,rank_accuracy,accuracy,auroc,mass_ci_lo,mass_ci_hi,rank_ci_lo,rank_ci_hi',
    ];
    const discrepancy: Record<string, Json> = {};
    for (const group of groups) {
      const find = <T>(list: Gathered<T>[], target: string) =>
        list.find((g) => groupOf(g.axes) === group && g.axes.target === target)?.value;
      const inS = find(aligned, 'in_mask');
      const outS = find(aligned, 'out_mask');
      const inP = find(perImage, 'in_mask');
      const outP = find(perImage, 'out_mask');
      if (!inS || !outS || !inP || !outP) {
        throw new Error(
          `${ctx.instanceId}: needs both target=in_mask and target=out_mask` +
            (group ? ` for ${group}` : ''),
        );
      }
      const seed = ctx.seed;
      const dMass = bootstrapMean(pairedDiff(inP.mass, outP.mass), p.bootstrap as number, seed);
      const dRank = bootstrapMean(pairedDiff(inP.rank, outP.rank), p.bootstrap as number, seed + 1);
      const diff = (a: number | null, b: number | null) =>
        a === null || b === null ? null : a - b;
      const dAcc = diff(inS.accuracy, outS.accuracy);
      const dAuc = diff(inS.auroc, outS.auroc);
      discrepancy[group || 'all'] = {
        mass: { mean: dMass.mean, lo: dMass.lo, hi: dMass.hi, n: dMass.n },
        rank: { mean: dRank.mean, lo: dRank.lo, hi: dRank.hi, n: dRank.n },
        accuracy: dAcc,
        auroc: dAuc,
      };

      if (group) md.push(`## ${group}`, '');
      md.push(
        '| model | mass accuracy | rank accuracy | accuracy | AUROC |',
        '|---|---|---|---|---|',
      );
      for (const [name, s] of [
        ['base', base],
        ['in_mask', inS],
        ['out_mask', outS],
      ] as const) {
        md.push(
          `| ${name} | ${fmt(s.mass_accuracy)} | ${fmt(s.rank_accuracy)} | ${fmt(s.accuracy)} | ${fmt(s.auroc)} |`,
        );
        csv.push(
          [group, name, s.mass_accuracy, s.rank_accuracy, s.accuracy, s.auroc, '', '', '', ''].join(
            ',',
          ),
        );
      }
      md.push(
        `| in − out (95 % CI) | ${fmtCi(dMass)} | ${fmtCi(dRank)} | ${fmt(dAcc)} | ${fmt(dAuc)} |`,
        '',
        `Fine-tuning moved relevance mass accuracy by ${fmt(dMass.mean)} ` +
          `(95 % bootstrap interval ${fmt(dMass.lo)} to ${fmt(dMass.hi)}, ${dMass.n} test images, ` +
          `${p.bootstrap} replicates) and rank accuracy by ${fmt(dRank.mean)}, ` +
          `while accuracy differs by ${fmt(dAcc)} and AUROC by ${fmt(dAuc)} between the two ` +
          'fine-tuned models. The larger the spread at equal accuracy, the less the ' +
          'alignment metric says about the explainer alone.',
        '',
      );
      csv.push(
        [
          group,
          'in-out',
          dMass.mean,
          dRank.mean,
          dAcc,
          dAuc,
          dMass.lo,
          dMass.hi,
          dRank.lo,
          dRank.hi,
        ].join(','),
      );
    }
    const data = p.data as { source?: string; counts?: Record<string, number> } | null;
    md.push(
      '## Provenance',
      '',
      `- seed: ${ctx.seed}`,
      `- backend: ${ctx.backend}`,
      ...(data ? [`- data: ${data.source}; ${JSON.stringify(data.counts)}`] : []),
      '',
    );
    const dir = join(ctx.outDir, 'report');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'report.md'), md.join('\n'));
    await writeFile(join(dir, 'report.csv'), csv.join('\n') + '\n');
    return { discrepancy };
  },
};
