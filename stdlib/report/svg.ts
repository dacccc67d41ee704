/**
 * The SVG side of Surface: elements collected as text. Font sizes follow
 * the bitmap font's metrics so text takes the same room as in the PNG.
 */
import { GLYPH_H, textWidth } from './font.js';
import type { Surface, TextStyle } from './surface.js';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number) => String(Math.round(v * 100) / 100);

export class SvgSurface implements Surface {
  private readonly parts: string[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
    background = '#ffffff',
  ) {
    this.rect(0, 0, width, height, background);
  }

  rect(x: number, y: number, w: number, h: number, color: string, alpha = 1): void {
    const op = alpha < 1 ? ` fill-opacity="${n(alpha)}"` : '';
    this.parts.push(
      `<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="${color}"${op}/>`,
    );
  }

  hline(x1: number, x2: number, y: number, color: string, dash?: [number, number]): void {
    this.line(x1, y + 0.5, x2 + 1, y + 0.5, color, dash);
  }

  vline(x: number, y1: number, y2: number, color: string, dash?: [number, number]): void {
    this.line(x + 0.5, y1, x + 0.5, y2 + 1, color, dash);
  }

  private line(
    x1: number,
    y1: number,
    x2: number,
    y2: number,
    color: string,
    dash?: [number, number],
  ) {
    const d = dash ? ` stroke-dasharray="${dash[0]} ${dash[1]}"` : '';
    this.parts.push(
      `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="${color}" stroke-width="1"${d}/>`,
    );
  }

  circle(cx: number, cy: number, r: number, color: string, alpha = 1): void {
    const op = alpha < 1 ? ` fill-opacity="${n(alpha)}"` : '';
    this.parts.push(`<circle cx="${n(cx)}" cy="${n(cy)}" r="${n(r)}" fill="${color}"${op}/>`);
  }

  text(x: number, y: number, text: string, style: TextStyle = {}): void {
    const scale = style.scale ?? 1;
    const size = GLYPH_H * scale * 1.3;
    const anchor = style.anchor ?? 'start';
    const color = style.color ?? '#222222';
    // Same footprint as the bitmap text: squeeze to its width.
    const width = textWidth(text, scale);
    const common =
      `font-family="DejaVu Sans Mono, Menlo, monospace" font-size="${n(size)}" fill="${color}" ` +
      `text-anchor="${anchor}" textLength="${n(width)}" lengthAdjust="spacingAndGlyphs"`;
    if (style.vertical) {
      const bx = x + GLYPH_H * scale;
      this.parts.push(
        `<text transform="translate(${n(bx)} ${n(y)}) rotate(-90)" ${common}>${esc(text)}</text>`,
      );
    } else {
      this.parts.push(
        `<text x="${n(x)}" y="${n(y + GLYPH_H * scale)}" ${common}>${esc(text)}</text>`,
      );
    }
  }

  toSvg(): string {
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width}" height="${this.height}" ` +
      `viewBox="0 0 ${this.width} ${this.height}">\n${this.parts.join('\n')}\n</svg>\n`
    );
  }
}
