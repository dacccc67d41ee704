/**
 * The two chart figures of a robustness report, each drawn once onto a
 * Surface so that it comes out as PNG and as SVG alike:
 * - a scatter of per-image rank discrepancy against mass discrepancy, one
 *   panel per explainer, points coloured by model;
 * - histograms of in-mask and out-mask scores (mass and rank accuracy).
 */
import { Axes, legend, paddedRange } from './plot.js';
import { Raster } from './raster.js';
import type { Surface } from './surface.js';
import { SvgSurface } from './svg.js';

export interface Figure {
  png: Buffer;
  svg: string;
  width: number;
  height: number;
}

/** Draw once per format. */
export function render(width: number, height: number, draw: (s: Surface) => void): Figure {
  const raster = new Raster(width, height);
  draw(raster);
  const svg = new SvgSurface(width, height);
  draw(svg);
  return { png: raster.toPng(), svg: svg.toSvg(), width, height };
}

export interface Series {
  label: string;
  color: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

const PANEL_W = 460;
const PANEL_H = 380;
const LEFT = 100;
const TOP = 56;
const BOTTOM = 80;
const RIGHT = 30;

/** One panel per entry, side by side, sharing both ranges. */
export function scatterFigure(
  panels: { title: string; series: Series[] }[],
  labels: { x: string; y: string },
): Figure {
  const all = panels.flatMap((p) => p.series);
  const xr = paddedRange(
    all.flatMap((s) => Array.from(s.x)),
    0.05,
    0,
  );
  const yr = paddedRange(
    all.flatMap((s) => Array.from(s.y)),
    0.05,
    0,
  );
  const width = panels.length * (LEFT + PANEL_W + RIGHT);
  const height = TOP + PANEL_H + BOTTOM;
  return render(width, height, (s) => {
    panels.forEach((panel, k) => {
      const frame = { x: k * (LEFT + PANEL_W + RIGHT) + LEFT, y: TOP, w: PANEL_W, h: PANEL_H };
      const ax = new Axes(s, frame, xr, yr);
      ax.draw({ title: panel.title, xLabel: labels.x, yLabel: labels.y });
      ax.xRule(0);
      ax.yRule(0);
      for (const series of panel.series) {
        for (let i = 0; i < series.x.length; i++) {
          const x = series.x[i]!;
          const y = series.y[i]!;
          if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
          s.circle(ax.px(x), ax.py(y), 3, series.color, 0.35);
        }
      }
      const items = panel.series.map((x) => ({ label: x.label, color: x.color }));
      if (items.length > 1 || items[0]?.label) legend(s, frame.x + 12, frame.y + 12, items);
    });
  });
}

export interface Distribution {
  label: string;
  color: string;
  values: ArrayLike<number>;
}

/** Counts of finite values in `bins` equal bins over [lo, hi]. */
export function histogram(
  values: ArrayLike<number>,
  lo: number,
  hi: number,
  bins: number,
): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || v < lo || v > hi) continue;
    counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]!++;
  }
  return counts;
}

/** Overlaid histograms on [0, 1], one panel per score, dashed means. */
export function distributionFigure(
  panels: { title: string; xLabel: string; series: Distribution[] }[],
  bins = 20,
): Figure {
  const width = panels.length * (LEFT + PANEL_W + RIGHT);
  const height = TOP + PANEL_H + BOTTOM;
  return render(width, height, (s) => {
    panels.forEach((panel, k) => {
      const counts = panel.series.map((d) => histogram(d.values, 0, 1, bins));
      const totals = panel.series.map((d) => finite(d.values).length);
      // Shares, not counts: series of different sizes stay comparable.
      const shares = counts.map((c, i) => c.map((v) => v / Math.max(1, totals[i]!)));
      const top = Math.max(0.05, ...shares.flat()) * 1.12;
      const frame = { x: k * (LEFT + PANEL_W + RIGHT) + LEFT, y: TOP, w: PANEL_W, h: PANEL_H };
      const ax = new Axes(s, frame, { min: 0, max: 1 }, { min: 0, max: top });
      ax.draw({ title: panel.title, xLabel: panel.xLabel, yLabel: 'share of images' });
      panel.series.forEach((d, i) => {
        shares[i]!.forEach((v, b) => {
          const x0 = ax.px(b / bins);
          const x1 = ax.px((b + 1) / bins);
          const y = ax.py(v);
          s.rect(x0 + 1, y, x1 - x0 - 1, ax.py(0) - y, d.color, 0.4);
          s.hline(x0 + 1, x1 - 1, Math.round(y), d.color);
        });
      });
      panel.series.forEach((d) => {
        const m = mean(d.values);
        if (Number.isFinite(m)) ax.xRule(m, d.color);
      });
      legend(
        s,
        frame.x + 12,
        frame.y + 12,
        panel.series.map((d) => ({
          label: `${d.label} mean ${mean(d.values).toFixed(3)}`,
          color: d.color,
        })),
      );
    });
  });
}

function finite(values: ArrayLike<number>): number[] {
  return Array.from(values).filter(Number.isFinite);
}

export function mean(values: ArrayLike<number>): number {
  const f = finite(values);
  return f.length === 0 ? NaN : f.reduce((a, b) => a + b, 0) / f.length;
}
