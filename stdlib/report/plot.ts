/**
 * Axes, ticks and legends on a Surface: the frame every chart shares.
 */
import { textWidth } from './font.js';
import type { Surface } from './surface.js';

export interface Frame {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Range {
  min: number;
  max: number;
}

/** Pixel size of the text of tick labels and titles. */
export const TEXT = 2;
const GRID = '#e6e6e6';
const INK = '#333333';

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return ticks;
}

/** A range around the values, padded, widened when they are all equal. */
export function paddedRange(values: Iterable<number>, pad = 0.05, include?: number): Range {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (include !== undefined) {
    min = Math.min(min, include);
    max = Math.max(max, include);
  }
  if (min === Infinity) return { min: 0, max: 1 };
  if (min === max) return { min: min - 0.5, max: max + 0.5 };
  const d = (max - min) * pad;
  return { min: min - d, max: max + d };
}

/** Just enough decimals to tell ticks `step` apart (0.25 → 2, 0.2 → 1). */
function tickLabel(v: number, step: number): string {
  let digits = 0;
  while (digits < 6 && Math.abs(Math.round(step * 10 ** digits) - step * 10 ** digits) > 1e-6)
    digits++;
  return v.toFixed(digits);
}

/** Maps data to pixels inside a frame and draws the frame's furniture. */
export class Axes {
  constructor(
    readonly s: Surface,
    readonly frame: Frame,
    readonly xr: Range,
    readonly yr: Range,
  ) {}

  px(x: number): number {
    return this.frame.x + ((x - this.xr.min) / (this.xr.max - this.xr.min)) * this.frame.w;
  }

  py(y: number): number {
    return (
      this.frame.y + this.frame.h - ((y - this.yr.min) / (this.yr.max - this.yr.min)) * this.frame.h
    );
  }

  /** Grid, ticks, tick labels, axis titles and the panel title. */
  draw(opts: { title?: string; xLabel?: string; yLabel?: string }): void {
    const { s, frame: f } = this;
    const xt = niceTicks(this.xr.min, this.xr.max);
    const yt = niceTicks(this.yr.min, this.yr.max);
    const xs = xt.length > 1 ? xt[1]! - xt[0]! : 1;
    const ys = yt.length > 1 ? yt[1]! - yt[0]! : 1;
    for (const v of xt) {
      const x = Math.round(this.px(v));
      s.vline(x, f.y, f.y + f.h, GRID);
      s.vline(x, f.y + f.h, f.y + f.h + 4, INK);
      s.text(x, f.y + f.h + 11, tickLabel(v, xs), { scale: TEXT, anchor: 'middle', color: INK });
    }
    for (const v of yt) {
      const y = Math.round(this.py(v));
      s.hline(f.x, f.x + f.w, y, GRID);
      s.hline(f.x - 4, f.x, y, INK);
      s.text(f.x - 8, y - 7, tickLabel(v, ys), { scale: TEXT, anchor: 'end', color: INK });
    }
    s.hline(f.x, f.x + f.w, f.y, INK);
    s.hline(f.x, f.x + f.w, f.y + f.h, INK);
    s.vline(f.x, f.y, f.y + f.h, INK);
    s.vline(f.x + f.w, f.y, f.y + f.h, INK);
    if (opts.title) s.text(f.x + f.w / 2, f.y - 26, opts.title, { scale: TEXT, anchor: 'middle' });
    if (opts.xLabel) {
      s.text(f.x + f.w / 2, f.y + f.h + 32, opts.xLabel, { scale: TEXT, anchor: 'middle' });
    }
    if (opts.yLabel) {
      const longest = Math.max(...yt.map((v) => textWidth(tickLabel(v, ys), TEXT)));
      s.text(f.x - 16 - longest - 14, f.y + f.h / 2, opts.yLabel, {
        scale: TEXT,
        anchor: 'middle',
        vertical: true,
      });
    }
  }

  /** A dashed reference line at x = v (when inside the range). */
  xRule(v: number, color = '#888888'): void {
    if (v < this.xr.min || v > this.xr.max) return;
    this.s.vline(Math.round(this.px(v)), this.frame.y, this.frame.y + this.frame.h, color, [5, 4]);
  }

  yRule(v: number, color = '#888888'): void {
    if (v < this.yr.min || v > this.yr.max) return;
    this.s.hline(this.frame.x, this.frame.x + this.frame.w, Math.round(this.py(v)), color, [5, 4]);
  }
}

/** Coloured squares with labels, one line each, from (x, y) down. */
export function legend(
  s: Surface,
  x: number,
  y: number,
  items: { label: string; color: string }[],
): void {
  const w = 26 + Math.max(0, ...items.map((i) => textWidth(i.label, TEXT)));
  s.rect(x - 6, y - 6, w + 6, items.length * 20 + 6, '#ffffff', 0.85);
  items.forEach((item, i) => {
    const top = y + i * 20;
    s.rect(x, top, 12, 12, item.color, 0.85);
    s.text(x + 18, top - 1, item.label, { scale: TEXT });
  });
}
