/** Resolving paths found in data files against the folder they must stay in. */
import type { Dirent } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

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

/**
 * What a folder entry is with symbolic links followed. A broken link counts
 * as a file, so that reading it reports it rather than it vanishing.
 */
export async function entryKind(dir: string, e: Dirent): Promise<'folder' | 'file' | 'other'> {
  if (e.isSymbolicLink()) {
    const target = await stat(join(dir, e.name)).catch(() => undefined);
    if (target === undefined || target.isFile()) return 'file';
    return target.isDirectory() ? 'folder' : 'other';
  }
  return e.isDirectory() ? 'folder' : e.isFile() ? 'file' : 'other';
}

/**
 * The bytes of a regular file. A device, pipe or socket (a link to
 * `/dev/zero`, say) would never end or never answer, so it is refused.
 */
export async function readRegularFile(path: string): Promise<Buffer> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error('not a regular file (a device, pipe or folder)');
  return readFile(path);
}
