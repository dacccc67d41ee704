/**
 * A contact sheet of a dataset: images in a grid, each mask drawn as a
 * one-pixel outline (primary mask red, extra masks yellow, cyan, magenta
 * in their order), so a user sees what the model will see.
 */
import { type Dataset, type SplitName, countOf, splitOf } from './dataset.js';
import type { Raster } from './image-codec.js';

export const OUTLINE_COLOURS: [number, number, number][] = [
  [255, 0, 0],
  [255, 220, 0],
  [0, 220, 255],
  [255, 0, 255],
];

/** Tiles are scaled (nearest neighbour) so their longer side is within these bounds. */
const MIN_TILE = 96;
const MAX_TILE = 256;
const GAP = 4;
const BACKDROP = 160;

export interface PreviewTile {
  index: number;
  id: string;
  label: string;
}

export function renderPreview(
  ds: Dataset,
  split: SplitName,
  n: number,
): { image: Raster; tiles: PreviewTile[]; masks: string[] } {
  const { height: h, width: w, channels: c } = ds.meta;
  const sp = splitOf(ds, split);
  const count = Math.min(n, countOf(ds.meta, split));
  const side = Math.max(h, w);
  const f = side < MIN_TILE ? Math.ceil(MIN_TILE / side) : side > MAX_TILE ? MAX_TILE / side : 1;
  const th = Math.max(1, Math.round(h * f));
  const tw = Math.max(1, Math.round(w * f));
  const cols = Math.max(1, Math.ceil(Math.sqrt(count)));
  const rows = Math.max(1, Math.ceil(count / cols));
  const W = cols * tw + (cols + 1) * GAP;
  const H = rows * th + (rows + 1) * GAP;
  const out = new Uint8Array(H * W * 3).fill(BACKDROP);

  const masks = [
    sp.masks,
    ...(ds.meta.extraMasks ?? []).map((m) => sp.extraMasks?.[m] ?? new Uint8Array(0)),
  ];
  const maskNames = [ds.meta.maskName ?? 'object', ...(ds.meta.extraMasks ?? [])];
  const srcY = Array.from({ length: th }, (_, y) => Math.min(h - 1, Math.floor((y + 0.5) / f)));
  const srcX = Array.from({ length: tw }, (_, x) => Math.min(w - 1, Math.floor((x + 0.5) / f)));
  const tiles: PreviewTile[] = [];
  for (let i = 0; i < count; i++) {
    const oy = GAP + Math.floor(i / cols) * (th + GAP);
    const ox = GAP + (i % cols) * (tw + GAP);
    for (let y = 0; y < th; y++) {
      for (let x = 0; x < tw; x++) {
        const s = (i * h * w + srcY[y] * w + srcX[x]) * c;
        const d = ((oy + y) * W + ox + x) * 3;
        for (let k = 0; k < 3; k++) out[d + k] = sp.images[s + (c === 3 ? k : 0)];
      }
    }
    masks.forEach((m, j) => {
      if (m.length === 0) return;
      const on = (y: number, x: number) =>
        y >= 0 && y < th && x >= 0 && x < tw && m[i * h * w + srcY[y] * w + srcX[x]] !== 0;
      const colour = OUTLINE_COLOURS[j % OUTLINE_COLOURS.length];
      for (let y = 0; y < th; y++) {
        for (let x = 0; x < tw; x++) {
          if (on(y, x) && !(on(y - 1, x) && on(y + 1, x) && on(y, x - 1) && on(y, x + 1))) {
            out.set(colour, ((oy + y) * W + ox + x) * 3);
          }
        }
      }
    });
    const label = sp.labels[i];
    tiles.push({
      index: i,
      id: sp.ids?.[i] ?? String(i),
      label: ds.meta.classNames[label] ?? String(label),
    });
  }
  return { image: { height: H, width: W, channels: 3, data: out }, tiles, masks: maskNames };
}
