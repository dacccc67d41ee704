/**
 * What a study name and a seed may be. The name becomes a folder under
 * `runs/` and the seed feeds 32-bit generators, so both are checked before
 * anything runs.
 */
import * as path from 'node:path';

/**
 * A study name becomes a folder under `runs/`, so it must be one plain path
 * segment: letters, digits, `-`, `_` and `.`, not starting with a dot.
 */
export const NAME_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
export const MAX_NAME = 100;

export function isSafeName(name: string): boolean {
  return NAME_PATTERN.test(name) && !name.includes('..') && name.length <= MAX_NAME;
}

/** The file name without its extension, with characters a name cannot hold replaced. */
export function defaultName(file: string): string {
  const base = path
    .basename(file)
    .replace(/\.[^.]*$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.]+/, '')
    .slice(0, MAX_NAME);
  return base === '' ? 'study' : base;
}

/** Seeds feed 32-bit generators; anything else would be cut or wrapped silently. */
export const MAX_SEED = 2 ** 32 - 1;

export function isSeed(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_SEED;
}
