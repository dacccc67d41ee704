/**
 * The heatmap grid: for a few test images, the image, its mask outline, and
 * the relevance maps of several models side by side. The maps of one row
 * share one symmetric colour scale, so base, in-mask and out-mask models
 * are compared on equal terms; rows are scaled separately because
 * relevance magnitudes differ a lot between images.
 */
import { diverging, MASK_COLOR } from './colors.js';
import { TEXT } from './plot.js';
import { Raster } from './raster.js';
import { parseColor } from './surface.js';

export interface HeatmapRow {
  label: string;
  /** H x W x C, 0-255. */
  image: Uint8Array;
  /** H x W, 0/1. */
  mask: Uint8Array;
  /** One H x W map per model column (channels already summed). */
  maps: Float64Array[];
}

export interface HeatmapGrid {
  height: number;
  width: number;
  channels: number;
  /** Titles of the relevance columns, e.g. base, in_mask, out_mask. */
  columns: string[];
  rows: HeatmapRow[];
}

const LABEL_W = 190;
const HEADER = 44;
const GAP = 12;
const FOOTER = 96;

/** The row's scale: the 99th percentile of |R| over all its maps. */
export function rowScale(maps: readonly ArrayLike<number>[]): number {
  const abs = maps.flatMap((m) => Array.from(m, Math.abs)).filter(Number.isFinite);
  abs.sort((a, b) => a - b);
  if (abs.length === 0) return 1;
  const s = abs[Math.min(abs.length - 1, Math.floor(0.99 * abs.length))]!;
  return s > 0 ? s : Math.max(abs.at(-1)!, 1e-12);
}

/** Where panel `col` of row `row` starts, and how many pixels one image pixel takes. */
export function heatmapLayout(h: number, w: number) {
  const zoom = Math.max(2, Math.floor(140 / Math.max(h, w)));
  const pw = w * zoom;
  const ph = h * zoom;
  return {
    zoom,
    pw,
    ph,
    panelX: (col: number) => LABEL_W + col * (pw + GAP),
    rowY: (row: number) => HEADER + row * (ph + GAP),
  };
}

export function heatmapGrid(grid: HeatmapGrid): { png: Buffer; width: number; height: number } {
  const { height: h, width: w, channels: c } = grid;
  const { zoom, pw, ph, panelX, rowY } = heatmapLayout(h, w);
  const titles = ['image', 'mask', ...grid.columns];
  const width = LABEL_W + titles.length * (pw + GAP);
  const height = HEADER + grid.rows.length * (ph + GAP) + FOOTER;
  const r = new Raster(width, height);

  titles.forEach((t, k) => {
    r.text(panelX(k) + pw / 2, 14, t, { scale: TEXT, anchor: 'middle' });
  });

  grid.rows.forEach((row, i) => {
    const top = rowY(i);
    r.text(8, top + ph / 2 - 7, row.label, { scale: TEXT });
    const scale = rowScale(row.maps);
    const panel = panelX;

    // Image and mask panels show the picture; relevance panels the maps.
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = y * w + x;
        const rgb =
          c >= 3
            ? [row.image[p * c]!, row.image[p * c + 1]!, row.image[p * c + 2]!]
            : [row.image[p * c]!, row.image[p * c]!, row.image[p * c]!];
        fill(r, panel(0) + x * zoom, top + y * zoom, zoom, rgb);
        fill(
          r,
          panel(1) + x * zoom,
          top + y * zoom,
          zoom,
          rgb.map((v) => 40 + v * 0.6),
        );
        row.maps.forEach((m, k) => {
          fill(r, panel(2 + k) + x * zoom, top + y * zoom, zoom, diverging(m[p]! / scale));
        });
      }
    }
    outline(r, row.mask, w, h, zoom, panel(1), top, MASK_COLOR, 2);
    row.maps.forEach((_, k) => outline(r, row.mask, w, h, zoom, panel(2 + k), top, '#1d5c2e', 1));
  });

  colourBar(
    r,
    LABEL_W + 2 * (pw + GAP),
    height - FOOTER + 18,
    Math.min(360, grid.columns.length * (pw + GAP) - GAP),
  );
  return { png: r.toPng(), width, height };
}

function fill(r: Raster, x0: number, y0: number, zoom: number, rgb: readonly number[]): void {
  for (let dy = 0; dy < zoom; dy++)
    for (let dx = 0; dx < zoom; dx++) r.blend(x0 + dx, y0 + dy, rgb);
}

/** Edges between mask and non-mask pixels (or the border), drawn on a panel. */
function outline(
  r: Raster,
  mask: Uint8Array,
  w: number,
  h: number,
  zoom: number,
  x0: number,
  y0: number,
  color: string,
  thick: number,
): void {
  const rgb = parseColor(color);
  const inside = (x: number, y: number) =>
    x >= 0 && y >= 0 && x < w && y < h && mask[y * w + x]! > 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!inside(x, y)) continue;
      const px = x0 + x * zoom;
      const py = y0 + y * zoom;
      for (let t = 0; t < thick; t++) {
        for (let k = 0; k < zoom; k++) {
          if (!inside(x, y - 1)) r.blend(px + k, py + t, rgb);
          if (!inside(x, y + 1)) r.blend(px + k, py + zoom - 1 - t, rgb);
          if (!inside(x - 1, y)) r.blend(px + t, py + k, rgb);
          if (!inside(x + 1, y)) r.blend(px + zoom - 1 - t, py + k, rgb);
        }
      }
    }
  }
}

/** Horizontal bar from -s to +s with its labels. */
function colourBar(r: Raster, x: number, y: number, w: number): void {
  for (let i = 0; i < w; i++) {
    const rgb = diverging((i / (w - 1)) * 2 - 1);
    for (let k = 0; k < 16; k++) r.blend(x + i, y + k, rgb);
  }
  r.text(x, y + 22, '-s', { scale: TEXT });
  r.text(x + w / 2, y + 22, '0', { scale: TEXT, anchor: 'middle' });
  r.text(x + w, y + 22, '+s', { scale: TEXT, anchor: 'end' });
  r.text(x - 12, y + 1, 'relevance', { scale: TEXT, anchor: 'end' });
  r.text(x, y + 46, 's: 99th pct of |R| in the row', { scale: TEXT });
}
