/**
 * The figures of a robustness report, built from the analysis and, for the
 * heatmaps, from the dataset and relevance artifacts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset } from '../data/dataset.js';
import { display, type Analysis, type GroupInput } from './analysis.js';
import { distributionFigure, scatterFigure, type Series } from './charts.js';
import { IN_COLOR, OUT_COLOR, PALETTE } from './colors.js';
import { heatmapGrid, type HeatmapRow } from './heatmaps.js';
import type { RelevancePaths } from './inputs.js';

export interface FigureFile {
  /** Relative to the report folder. */
  file: string;
  png: Buffer;
  svgFile?: string;
  svg?: string;
  width: number;
  height: number;
  caption: string;
}

export const fileSafe = (s: string) => s.replace(/[^A-Za-z0-9._=-]+/g, '_');

const num = (v: number | null) => (v === null ? NaN : v);

/** Rank vs mass discrepancy, a panel per explainer, a colour per other group. */
export function scatterFigures(analysis: Analysis, explainerAxis: string): FigureFile[] {
  const panels = new Map<string, Series[]>();
  const colours = new Map<string, string>();
  for (const g of analysis.groups) {
    const panel =
      explainerAxis in g.axes
        ? `${explainerAxis}=${display(g.axes[explainerAxis]!)}`
        : 'all images';
    const rest = Object.entries(g.axes)
      .filter(([k]) => k !== explainerAxis)
      .map(([k, v]) => `${k}=${display(v)}`)
      .join(',');
    if (!colours.has(rest)) colours.set(rest, PALETTE[colours.size % PALETTE.length]!);
    const list = panels.get(panel) ?? [];
    list.push({ label: rest, color: colours.get(rest)!, x: g.diffs.mass, y: g.diffs.rank });
    panels.set(panel, list);
  }
  const fig = scatterFigure(
    [...panels].map(([title, series]) => ({ title, series })),
    { x: 'mass accuracy: in - out', y: 'rank accuracy: in - out' },
  );
  return [
    {
      file: 'figures/scatter.png',
      svgFile: 'figures/scatter.svg',
      ...fig,
      caption:
        'Per-image discrepancy between the in-mask and the out-mask model: rank accuracy ' +
        'against relevance mass accuracy, one point per test image, one panel per explainer. ' +
        'Points above and right of the dashed zero lines are images where pulling ' +
        'relevance into the mask scored higher.',
    },
  ];
}

/** In-mask vs out-mask score histograms, one figure per group. */
export function distributionFigures(
  inputs: readonly GroupInput[],
  analysis: Analysis,
): FigureFile[] {
  return inputs.map((g, k) => {
    const label = analysis.groups[k]!.label;
    const panel = (score: 'mass' | 'rank', title: string) => ({
      title,
      xLabel: 'score of one test image',
      series: [
        { label: 'in_mask', color: IN_COLOR, values: g.in.perImage[score].map(num) },
        { label: 'out_mask', color: OUT_COLOR, values: g.out.perImage[score].map(num) },
      ],
    });
    const fig = distributionFigure([
      panel('mass', 'relevance mass accuracy'),
      panel('rank', 'relevance rank accuracy'),
    ]);
    const name = fileSafe(label);
    return {
      file: `figures/distributions-${name}.png`,
      svgFile: `figures/distributions-${name}.svg`,
      ...fig,
      caption:
        `Distribution over test images of the scores of the in-mask (blue) and out-mask ` +
        `(orange) models, ${label}; dashed lines mark the means.`,
    };
  });
}

/** Up to `count` test images, the first of each class first, then the next ones. */
export function pickImages(labels: Uint8Array, count: number): number[] {
  const chosen: number[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < labels.length && chosen.length < count; i++) {
    if (!seen.has(labels[i]!)) {
      seen.add(labels[i]!);
      chosen.push(i);
    }
  }
  for (let i = 0; i < labels.length && chosen.length < count; i++) {
    if (!chosen.includes(i)) chosen.push(i);
  }
  return chosen.sort((a, b) => a - b);
}

/** The test split's relevance, N x H x W x C float32. */
async function readRelevance(dir: string, expected: number): Promise<Float32Array> {
  const file = join(dir, 'relevance.f32');
  const bytes = await readFile(file);
  if (bytes.byteLength !== expected * 4) {
    throw new Error(
      `${file}: holds ${bytes.byteLength / 4} values, the dataset's test split needs ${expected}`,
    );
  }
  return new Float32Array(bytes.buffer, bytes.byteOffset, expected);
}

/** Image, mask and base / in / out relevance, one grid per group. */
export async function heatmapFigures(
  data: Dataset,
  analysis: Analysis,
  relevance: ReadonlyMap<string, RelevancePaths>,
  count: number,
): Promise<FigureFile[]> {
  const { height: h, width: w, channels: c, counts, classNames } = data.meta;
  const test = data.splits.test;
  const px = h * w;
  const chosen = pickImages(test.labels, count);
  const figures: FigureFile[] = [];
  for (const g of analysis.groups) {
    const paths = relevance.get(g.label);
    const columns = (['base', 'in', 'out'] as const).filter((k) => paths?.[k] !== undefined);
    if (!paths?.in || !paths.out) continue;
    const maps = await Promise.all(
      columns.map((k) => readRelevance(paths[k]!, counts.test * px * c)),
    );
    const rows: HeatmapRow[] = chosen.map((i) => ({
      label: `#${i} ${classNames[test.labels[i]!] ?? test.labels[i]}`,
      image: test.images.subarray(i * px * c, (i + 1) * px * c),
      mask: test.masks.subarray(i * px, (i + 1) * px),
      maps: maps.map((m) => {
        // Channels summed, sign kept: the map as the explainer returned it.
        const out = new Float64Array(px);
        for (let p = 0; p < px; p++)
          for (let k = 0; k < c; k++) out[p]! += m[(i * px + p) * c + k]!;
        return out;
      }),
    }));
    const titles = { base: 'base', in: 'in_mask', out: 'out_mask' };
    const grid = heatmapGrid({
      height: h,
      width: w,
      channels: c,
      columns: columns.map((k) => titles[k]),
      rows,
    });
    figures.push({
      file: `figures/heatmaps-${fileSafe(g.label)}.png`,
      ...grid,
      caption:
        `Explanations of ${columns.map((k) => titles[k]).join(', ')} models for the same test images ` +
        `(${g.label}): image, mask outline (green), then each model's signed relevance on one ` +
        'colour scale per row (blue negative, red positive, s = 99th percentile of |R| over the row).',
    });
  }
  return figures;
}
