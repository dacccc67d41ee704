/** Resolving paths found in data files against the folder they must stay in. */
import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * The absolute path of `path` (relative to `base`), or undefined when it
 * lies outside `root`. The check is lexical (`..` and absolute paths);
 * symbolic links inside the root are followed as the user set them up.
 */
export function resolveInside(root: string, base: string, path: string): string | undefined {
  const abs = resolve(base, path);
  const rel = relative(resolve(root), abs);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return abs;
}
