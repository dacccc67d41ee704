/**
 * Resizing rasters to the dataset's size. Both methods map pixel centres:
 * output pixel (y, x) samples the input at ((y + 0.5) * sy - 0.5, ...),
 * with sy = input height / output height, so a resize to the same size is
 * the identity and shrinking by 2 averages 2x2 blocks.
 *
 * - images: bilinear, edge pixels repeated beyond the border, rounded to
 *   the nearest integer;
 * - masks: nearest neighbour, so a mask stays 0/1 and never grows a halo.
 */

/** Bilinear resize of an H x W x C byte image. */
export function resizeBilinear(
  src: Uint8Array,
  h: number,
  w: number,
  c: number,
  outH: number,
  outW: number,
): Uint8Array {
  if (h === outH && w === outW) return src.slice();
  const out = new Uint8Array(outH * outW * c);
  const sy = h / outH;
  const sx = w / outW;
  for (let y = 0; y < outH; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const wy = fy - y0;
    for (let x = 0; x < outW; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const wx = fx - x0;
      for (let k = 0; k < c; k++) {
        const a = src[(y0 * w + x0) * c + k];
        const b = src[(y0 * w + x1) * c + k];
        const d = src[(y1 * w + x0) * c + k];
        const e = src[(y1 * w + x1) * c + k];
        const top = a + (b - a) * wx;
        const bottom = d + (e - d) * wx;
        out[(y * outW + x) * c + k] = Math.round(top + (bottom - top) * wy);
      }
    }
  }
  return out;
}

/** Nearest-neighbour resize of an H x W single-channel mask. */
export function resizeNearest(
  src: Uint8Array,
  h: number,
  w: number,
  outH: number,
  outW: number,
): Uint8Array {
  if (h === outH && w === outW) return src.slice();
  const out = new Uint8Array(outH * outW);
  for (let y = 0; y < outH; y++) {
    const yy = Math.min(Math.floor((y + 0.5) * (h / outH)), h - 1);
    for (let x = 0; x < outW; x++) {
      const xx = Math.min(Math.floor((x + 0.5) * (w / outW)), w - 1);
      out[y * outW + x] = src[yy * w + xx];
    }
  }
  return out;
}
