/**
 * `alignlab check` for data sources: a path that is not there (yet) is
 * reported before anything runs, with the folder relative paths are read
 * from, since that is the usual cause.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';

type Problem = { message: string; hint: string; severity: 'warning' };

/** A warning when `path` (a study parameter) is missing or of the wrong type. */
export function missingPath(
  param: string,
  path: unknown,
  want: 'file' | 'folder',
): Problem | undefined {
  if (typeof path !== 'string') return undefined;
  const full = resolve(path);
  let isDir: boolean;
  try {
    isDir = statSync(full).isDirectory();
  } catch {
    return {
      message: `\`${param}\`: ${full} does not exist`,
      hint: `relative paths are read from the folder alignlab runs in (${process.cwd()})`,
      severity: 'warning',
    };
  }
  if (isDir === (want === 'folder')) return undefined;
  return {
    message: `\`${param}\`: ${full} is a ${isDir ? 'folder' : 'file'}, not a ${want}`,
    hint: `point \`${param}\` at the ${want}`,
    severity: 'warning',
  };
}
