/**
 * Checking folder options before anything starts: a `--cache-dir` or
 * `--out` that names a file would otherwise fail half-way through a run.
 */
import { type Stats, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './usage.js';

/**
 * The folder `path` can be used or created: neither it nor any folder above
 * it is a file. Returns the absolute path.
 */
export function usableFolder(option: string, path: string): string {
  const absolute = resolve(path);
  for (let p = absolute; ; p = dirname(p)) {
    const info = statOrUndefined(p);
    if (info !== undefined) {
      if (info.isDirectory()) return absolute;
      const what = p === absolute ? `${path} is a file` : `${p} (above ${path}) is a file`;
      throw new UsageError(`${option} must be a folder, but ${what}`);
    }
    if (dirname(p) === p) return absolute;
  }
}

/** A cache folder to read (`status`, `verify`, `gc`): it must exist. */
export function existingCache(path: string): string {
  const absolute = usableFolder('--cache-dir', path);
  if (statOrUndefined(absolute) === undefined) {
    throw new UsageError(
      `cache folder ${path} does not exist; pass the --cache-dir that the runs used`,
    );
  }
  return absolute;
}

/** Stats of `path`; undefined when nothing is there (or a file is above it). */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}
