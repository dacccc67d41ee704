/**
 * The PNG side of Surface: an RGBA pixel buffer with alpha blending, text
 * from the bitmap font, encoded with pngjs.
 */
import pngjs from 'pngjs';
import { ADVANCE, GLYPH_H, glyph, textWidth } from './font.js';
import { parseColor, type Surface, type TextStyle } from './surface.js';

export class Raster implements Surface {
  readonly data: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background = '#ffffff',
  ) {
    this.data = new Uint8Array(width * height * 4);
    const [r, g, b] = parseColor(background);
    for (let i = 0; i < width * height; i++) this.data.set([r, g, b, 255], i * 4);
  }

  /** Blend one pixel; outside the canvas is ignored. */
  blend(x: number, y: number, rgb: readonly number[], alpha = 1): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    for (let k = 0; k < 3; k++) {
      this.data[i + k] = Math.round(this.data[i + k]! * (1 - alpha) + rgb[k]! * alpha);
    }
  }

  rect(x: number, y: number, w: number, h: number, color: string, alpha = 1): void {
    const rgb = parseColor(color);
    const x0 = Math.round(x);
    const y0 = Math.round(y);
    const x1 = Math.round(x + w);
    const y1 = Math.round(y + h);
    for (let yy = y0; yy < y1; yy++)
      for (let xx = x0; xx < x1; xx++) this.blend(xx, yy, rgb, alpha);
  }

  hline(x1: number, x2: number, y: number, color: string, dash?: [number, number]): void {
    const [a, b] = x1 <= x2 ? [x1, x2] : [x2, x1];
    for (let x = Math.round(a); x <= Math.round(b); x++) {
      if (dash && (x - Math.round(a)) % (dash[0] + dash[1]) >= dash[0]) continue;
      this.blend(x, Math.round(y), parseColor(color));
    }
  }

  vline(x: number, y1: number, y2: number, color: string, dash?: [number, number]): void {
    const [a, b] = y1 <= y2 ? [y1, y2] : [y2, y1];
    for (let y = Math.round(a); y <= Math.round(b); y++) {
      if (dash && (y - Math.round(a)) % (dash[0] + dash[1]) >= dash[0]) continue;
      this.blend(Math.round(x), y, parseColor(color));
    }
  }

  circle(cx: number, cy: number, r: number, color: string, alpha = 1): void {
    const rgb = parseColor(color);
    for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
      for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
        if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r) this.blend(x, y, rgb, alpha);
      }
    }
  }

  text(x: number, y: number, text: string, style: TextStyle = {}): void {
    const scale = style.scale ?? 1;
    const rgb = parseColor(style.color ?? '#222222');
    const w = textWidth(text, scale);
    const shift = style.anchor === 'middle' ? w / 2 : style.anchor === 'end' ? w : 0;
    [...text].forEach((ch, k) => {
      const g = glyph(ch);
      for (let r = 0; r < GLYPH_H; r++) {
        for (let c = 0; c < g[r]!.length; c++) {
          if (!g[r]![c]) continue;
          const along = k * ADVANCE * scale + c * scale - shift;
          for (let dy = 0; dy < scale; dy++) {
            for (let dx = 0; dx < scale; dx++) {
              // Vertical text runs upwards: `along` climbs from y.
              if (style.vertical) {
                this.blend(Math.round(x + r * scale + dy), Math.round(y - along - dx), rgb);
              } else {
                this.blend(Math.round(x + along + dx), Math.round(y + r * scale + dy), rgb);
              }
            }
          }
        }
      }
    });
  }

  toPng(): Buffer {
    const png = new pngjs.PNG({ width: this.width, height: this.height });
    png.data = Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    return pngjs.PNG.sync.write(png);
  }
}
