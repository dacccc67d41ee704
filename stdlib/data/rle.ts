/**
 * COCO run-length encoding of binary masks, in the compressed string form
 * that CheXlocalize's `gt_segmentations_*.json` stores.
 *
 * A mask of h x w pixels is read column by column (column-major). Its runs
 * alternate between 0s and 1s and always start with a run of 0s, which may
 * be empty. From the fourth run on (index 3) a run is stored as the
 * difference to the run two places before it. Each number is written in
 * 5-bit chunks, lowest first; a chunk is the character code minus 48, bit
 * 0x20 says another chunk follows, and bit 0x10 of the last chunk is the
 * sign (the value is sign-extended from there).
 *
 * Arithmetic uses plain numbers rather than 32-bit bit operations so that a
 * seventh chunk (bits 30-34) cannot wrap around.
 */

export interface Rle {
  /** [height, width] of the mask. */
  size: [number, number];
  counts: string;
}

/** Runs of a compressed RLE string. */
export function decodeCounts(counts: string): number[] {
  const runs: number[] = [];
  let p = 0;
  while (p < counts.length) {
    let x = 0;
    let scale = 1;
    let more = true;
    while (more) {
      if (p >= counts.length) {
        throw new Error(`RLE string ends inside a number at character ${p}`);
      }
      const c = counts.charCodeAt(p) - 48;
      if (c < 0 || c > 63) {
        throw new Error(`RLE string has \`${counts[p]}\` at character ${p}, outside 0x30-0x6f`);
      }
      x += (c & 0x1f) * scale;
      scale *= 32;
      more = (c & 0x20) !== 0;
      p++;
      // The last chunk's 0x10 bit is the sign: extend it over the rest.
      if (!more && (c & 0x10) !== 0) x -= scale;
    }
    if (runs.length > 2) x += runs[runs.length - 2];
    runs.push(x);
  }
  return runs;
}

/** The compressed RLE string of a list of runs. */
export function encodeCounts(runs: readonly number[]): string {
  let out = '';
  for (let i = 0; i < runs.length; i++) {
    let x = i > 2 ? runs[i] - runs[i - 2] : runs[i];
    let more = true;
    while (more) {
      let c = ((x % 32) + 32) % 32;
      x = Math.floor(x / 32);
      more = (c & 0x10) !== 0 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out += String.fromCharCode(c + 48);
    }
  }
  return out;
}

/** Runs of a row-major 0/1 mask, in column-major order. */
export function maskToRuns(mask: ArrayLike<number>, height: number, width: number): number[] {
  const runs: number[] = [];
  let current = 0;
  let length = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const v = mask[y * width + x] ? 1 : 0;
      if (v !== current) {
        runs.push(length);
        current = v;
        length = 0;
      }
      length++;
    }
  }
  runs.push(length);
  return runs;
}

/** A row-major 0/1 mask from column-major runs. */
export function runsToMask(runs: readonly number[], height: number, width: number): Uint8Array {
  const total = runs.reduce((a, b) => a + b, 0);
  if (total !== height * width || runs.some((r) => r < 0 || !Number.isInteger(r))) {
    throw new Error(
      `RLE runs cover ${total} pixels (or hold a negative run); ` +
        `a ${height}x${width} mask has ${height * width}`,
    );
  }
  const mask = new Uint8Array(height * width);
  let k = 0;
  runs.forEach((run, i) => {
    if (i % 2 === 1) {
      for (let j = k; j < k + run; j++) {
        mask[(j % height) * width + Math.floor(j / height)] = 1;
      }
    }
    k += run;
  });
  return mask;
}

export function decodeRle(rle: Rle): Uint8Array {
  const [h, w] = rle.size;
  return runsToMask(decodeCounts(rle.counts), h, w);
}

export function encodeRle(mask: ArrayLike<number>, height: number, width: number): Rle {
  return { size: [height, width], counts: encodeCounts(maskToRuns(mask, height, width)) };
}
