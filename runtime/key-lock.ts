/**
 * One lock file per cache key (`locks/<key>.lock`), so that two alignlab
 * processes sharing a cache never compute the same instance at once. The
 * holder refreshes the file's mtime as a heartbeat; a lock whose holder is
 * dead, or whose heartbeat is old, is stale and may be taken over.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive } from './process-alive.js';

export interface LockOwner {
  pid: number;
  host: string;
  runId: string;
  created: string;
  /**
   * The worker computing the key. It outlives a holder killed with -9 for a
   * moment (it checkpoints, then exits); while it lives the lock is not stale.
   */
  worker?: number;
}

export interface LockHandle {
  /** Record the worker process, so that a takeover waits for it too. */
  noteWorker(pid: number): Promise<void>;
  release(): Promise<void>;
}

export type LockAttempt =
  | { acquired: true; handle: LockHandle; tookOverFrom?: LockOwner }
  | { acquired: false; holder: LockOwner | undefined };

export interface LockTiming {
  /** How often a holder refreshes its heartbeat. */
  heartbeatMs: number;
  /** A heartbeat older than this marks the lock stale. */
  staleMs: number;
}

export const DEFAULT_LOCK_TIMING: LockTiming = { heartbeatMs: 5_000, staleMs: 30_000 };

export class KeyLocks {
  constructor(
    private readonly dir: string,
    private readonly runId: string,
    private readonly timing: LockTiming = DEFAULT_LOCK_TIMING,
  ) {}

  path(key: string): string {
    return `${this.dir}/${key}.lock`;
  }

  async tryAcquire(key: string): Promise<LockAttempt> {
    await mkdir(this.dir, { recursive: true });
    const path = this.path(key);
    if (await this.create(path)) return { acquired: true, handle: this.hold(path) };

    const holder = await readOwner(path);
    if (!(await this.isStale(path, holder)) || !(await this.removeStale(path))) {
      return { acquired: false, holder };
    }
    if (await this.create(path)) {
      return { acquired: true, handle: this.hold(path), tookOverFrom: holder };
    }
    return { acquired: false, holder: await readOwner(path) };
  }

  /**
   * Remove stale locks of published keys: a run killed after its instance
   * was published leaves a lock that no run takes again. Locks of
   * unfinished keys stay, for the run that takes them over to report.
   * Returns how many were removed.
   */
  async sweepStale(isPublished: (key: string) => Promise<boolean>): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      const path = join(this.dir, name);
      if (name.endsWith('.lock')) {
        if (!(await isPublished(name.slice(0, -'.lock'.length)))) continue;
        const holder = await readOwner(path);
        if ((await this.isStale(path, holder)) && (await this.removeStale(path))) removed += 1;
        continue;
      }
      // `<key>.lock.stale.<pid>.<hex>`: a taker died between rename and rm;
      // `<key>.lock.<pid>.tmp`: a holder died while noting its worker.
      const pid = Number(/\.lock\.(?:stale\.)?(\d+)\./.exec(name)?.[1]);
      if (Number.isInteger(pid) && !isProcessAlive(pid)) await rm(path, { force: true });
    }
    return removed;
  }

  /**
   * Move a stale lock away under a unique name, then delete it: only one
   * taker's rename can succeed, so two takers never both remove a fresh lock.
   */
  private async removeStale(path: string): Promise<boolean> {
    const aside = `${path}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
    try {
      await rename(path, aside);
    } catch {
      return false;
    }
    await rm(aside, { force: true });
    return true;
  }

  private owner(): LockOwner {
    return {
      pid: process.pid,
      host: hostname(),
      runId: this.runId,
      created: new Date().toISOString(),
    };
  }

  private async create(path: string): Promise<boolean> {
    const owner = this.owner();
    try {
      await writeFile(path, JSON.stringify(owner) + '\n', { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  }

  private async isStale(path: string, holder: LockOwner | undefined): Promise<boolean> {
    // A holder on this machine whose processes are gone cannot come back.
    if (holder !== undefined && holder.host === hostname() && !isProcessAlive(holder.pid)) {
      if (holder.worker === undefined || !isProcessAlive(holder.worker)) return true;
    }
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) return true;
    return Date.now() - info.mtimeMs > this.timing.staleMs;
  }

  private hold(path: string): LockHandle {
    const beat = setInterval(() => {
      const now = new Date();
      utimes(path, now, now).catch(() => {});
    }, this.timing.heartbeatMs);
    beat.unref();
    return {
      noteWorker: async (worker: number) => {
        // Written beside and renamed: a reader sees the old owner or the new.
        const next = `${path}.${process.pid}.tmp`;
        await writeFile(next, JSON.stringify({ ...this.owner(), worker }) + '\n');
        await rename(next, path);
      },
      release: async () => {
        clearInterval(beat);
        await rm(path, { force: true });
      },
    };
  }
}

export async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

export function describeOwner(owner: LockOwner | undefined): string {
  if (owner === undefined) return 'an unknown process';
  return `pid ${owner.pid} on ${owner.host}, run ${owner.runId}`;
}

/**
 * The holder has a worker computing the key, not merely a place in its
 * queue. On another machine the worker's pid cannot be checked; a noted
 * worker is taken at its word there (a stale lock ends by its heartbeat).
 */
export function isComputing(owner: LockOwner | undefined): boolean {
  if (owner?.worker === undefined) return false;
  return owner.host !== hostname() || isProcessAlive(owner.worker);
}
