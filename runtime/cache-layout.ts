/**
 * Where everything lives under the cache folder (`--cache-dir`, default
 * `.alignlab/`). One place, so the layout can be read in one screen.
 */
import { join } from 'node:path';
import type { CacheKey } from './cache-key.js';

export class CacheLayout {
  constructor(readonly root: string) {}

  /** Published, immutable entries. */
  entry(key: CacheKey | string): string {
    return join(this.root, 'cache', key);
  }
  entriesDir(): string {
    return join(this.root, 'cache');
  }
  manifest(key: CacheKey | string): string {
    return join(this.entry(key), 'manifest.json');
  }
  /** Artifact output `name` of a published entry. */
  artifact(key: CacheKey | string, name: string): string {
    return join(this.entry(key), 'out', name);
  }
  /** Staging folders; a killed writer leaves only one of these behind. */
  tmpDir(): string {
    return join(this.root, 'tmp');
  }
  /**
   * Checkpoints of an unfinished instance. Removed after a successful
   * publish; after a failure they stay, so a retry with the same key resumes
   * instead of starting over (delete the folder to start over).
   */
  checkpoint(key: CacheKey | string): string {
    return join(this.checkpointDir(), key);
  }
  checkpointDir(): string {
    return join(this.root, 'checkpoints');
  }
  lockDir(): string {
    return join(this.root, 'locks');
  }
  lock(key: CacheKey | string): string {
    return join(this.lockDir(), `${key}.lock`);
  }
  /** Entries found corrupt are moved here, never deleted silently. */
  corruptDir(): string {
    return join(this.root, 'corrupt');
  }
  logDir(runId: string): string {
    return join(this.root, 'logs', runId);
  }
  log(runId: string, instanceId: string): string {
    return join(this.logDir(runId), `${fileSafe(instanceId)}.log`);
  }
  journalDir(): string {
    return join(this.root, 'journal');
  }
  journal(runId: string): string {
    return join(this.journalDir(), `${runId}.jsonl`);
  }
}

/** Instance ids may carry axis values with `/` or spaces; keep names portable. */
export function fileSafe(id: string): string {
  return id.replace(/[^A-Za-z0-9._=,+@[\]-]/g, '_');
}
