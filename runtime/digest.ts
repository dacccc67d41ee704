/**
 * File digests for cache entries: sha256 of every file below a folder,
 * streamed so large weights do not sit in memory.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every regular file below `dir`, as paths relative to `base` with `/`. */
export async function listFiles(dir: string, base: string): Promise<string[]> {
  const found: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return found;
    throw error;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await listFiles(path, base)));
    else if (entry.isFile()) found.push(relative(base, path).split(sep).join('/'));
  }
  return found.sort();
}

/** Digest every file under `base/out`, keyed by relative path. */
export async function digestTree(base: string): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const rel of await listFiles(join(base, 'out'), base)) {
    digests[rel] = await sha256File(join(base, rel));
  }
  return digests;
}

/** Flush a file or folder to disk so a rename after it publishes real bytes. */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
