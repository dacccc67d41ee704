/** Colours shared by the figures and the HTML page. */
import { toHex } from './surface.js';

/** Fine-tuned toward the mask, away from it, and the base model. */
export const IN_COLOR = '#0a6fb0';
export const OUT_COLOR = '#d2581a';
export const BASE_COLOR = '#6f6f6f';
export const MASK_COLOR = '#19c37d';

/** Categories (models) in a fixed order, distinguishable in print. */
export const PALETTE = [
  '#0a6fb0',
  '#d2581a',
  '#1b9e6f',
  '#b5458f',
  '#d69e00',
  '#4aa8dd',
  '#5b4a9e',
  '#222222',
];

const NEG = [38, 92, 168];
const MID = [247, 247, 247];
const POS = [186, 30, 45];

/**
 * Diverging colour for v in [-1, 1]: blue below zero, white at zero, red
 * above; values outside are clamped.
 */
export function diverging(v: number): [number, number, number] {
  const t = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  const [from, to, f] = t < 0 ? [MID, NEG, -t] : [MID, POS, t];
  return [0, 1, 2].map((k) => from[k]! + (to[k]! - from[k]!) * f) as [number, number, number];
}

export function divergingHex(v: number): string {
  return toHex(diverging(v));
}
