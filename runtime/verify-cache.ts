/** `alignlab verify`: every cache entry checked against its digests. */
import { CacheStore } from './cache-store.js';
import type { CacheKey } from './cache-key.js';
import { readManifest } from './manifest.js';

export interface VerifyReport {
  checked: number;
  problems: {
    key: string;
    /** The instance that made the entry, from its manifest when readable. */
    producedBy?: string;
    problem: string;
    movedTo?: string;
  }[];
}

export async function verifyCache(cacheDir: string, fix: boolean): Promise<VerifyReport> {
  const store = new CacheStore(cacheDir);
  const report: VerifyReport = { checked: 0, problems: [] };
  for (const key of await store.keys()) {
    report.checked += 1;
    const read = await readManifest(store.layout.manifest(key), key);
    let problem: string | undefined;
    let producedBy: string | undefined;
    if (!read.ok) {
      problem = read.reason === 'missing' ? 'has no manifest.json' : `manifest ${read.detail}`;
    } else {
      producedBy = read.manifest.producedBy;
      const check = await store.verify(read.manifest);
      if (!check.ok) problem = check.problem;
    }
    if (problem === undefined) continue;
    const movedTo = fix ? await store.quarantine(key as CacheKey) : undefined;
    report.problems.push({
      key,
      problem,
      ...(producedBy === undefined ? {} : { producedBy }),
      ...(movedTo === undefined ? {} : { movedTo }),
    });
  }
  return report;
}
