/**
 * `alignlab gc`: remove cache entries that no study still reaches. The
 * caller computes the reachable keys (every instance of every study it was
 * given, under every engine family); everything else is garbage. An entry
 * is moved into the staging folder in one rename before it is deleted, so
 * a reader never sees half of it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CacheStore } from './cache-store.js';
import { listFiles } from './digest.js';
import { stat } from 'node:fs/promises';

export interface GcReport {
  kept: number;
  /** Entries not reachable: removed when `remove`, else only listed. */
  garbage: { key: string; producedBy: string | undefined; bytes: number }[];
}

export async function collectGarbage(
  cacheDir: string,
  reachable: ReadonlySet<string>,
  remove: boolean,
): Promise<GcReport> {
  const store = new CacheStore(cacheDir);
  const report: GcReport = { kept: 0, garbage: [] };
  for (const key of (await store.keys()).sort()) {
    if (reachable.has(key)) {
      report.kept += 1;
      continue;
    }
    const entry = store.layout.entry(key);
    const manifest = await store.manifest(key);
    let bytes = 0;
    for (const rel of await listFiles(entry, entry)) bytes += (await stat(join(entry, rel))).size;
    report.garbage.push({ key, producedBy: manifest?.producedBy, bytes });
    if (!remove) continue;

    await mkdir(store.layout.tmpDir(), { recursive: true });
    const doomed = join(
      store.layout.tmpDir(),
      `${key}.${process.pid}.${randomBytes(4).toString('hex')}.gc`,
    );
    await rename(entry, doomed);
    await rm(doomed, { recursive: true, force: true });
  }
  return report;
}
