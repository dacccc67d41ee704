/**
 * What the figure code draws on: a few primitives that both the PNG raster
 * and the SVG writer implement, so a plot is laid out once and written in
 * both formats. Coordinates are pixels from the top-left corner; lines are
 * horizontal or vertical only, which is all our plots need.
 */

export interface TextStyle {
  /** Integer multiple of the 5 x 7 font (PNG); SVG scales its font alike. */
  scale?: number;
  color?: string;
  /** Where `x` sits along the text. */
  anchor?: 'start' | 'middle' | 'end';
  /** Draw bottom to top (y-axis titles). */
  vertical?: boolean;
}

export interface Surface {
  readonly width: number;
  readonly height: number;
  rect(x: number, y: number, w: number, h: number, color: string, alpha?: number): void;
  hline(x1: number, x2: number, y: number, color: string, dash?: [number, number]): void;
  vline(x: number, y1: number, y2: number, color: string, dash?: [number, number]): void;
  circle(cx: number, cy: number, r: number, color: string, alpha?: number): void;
  /** Text whose top edge (or, vertical, whose left edge) is at y (x). */
  text(x: number, y: number, text: string, style?: TextStyle): void;
}

/** `#rrggbb` → [r, g, b]. */
export function parseColor(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) throw new Error(`colour \`${color}\` is not #rrggbb`);
  const v = parseInt(m[1]!, 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

export function toHex([r, g, b]: readonly number[]): string {
  const c = (v: number) =>
    Math.round(Math.min(255, Math.max(0, v)))
      .toString(16)
      .padStart(2, '0');
  return `#${c(r!)}${c(g!)}${c(b!)}`;
}
