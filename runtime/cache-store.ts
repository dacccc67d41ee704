/**
 * Reading, verifying, publishing and quarantining cache entries. A published
 * entry never changes: it is built in a staging folder, fsynced, given its
 * manifest last and renamed into place in one step.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { CacheKey } from './cache-key.js';
import { CacheLayout } from './cache-layout.js';
import { digestTree, fsyncPath, listFiles, sha256File } from './digest.js';
import { faultPoint, faultsArmed } from './fault.js';
import { type Manifest, readManifest } from './manifest.js';
import { isProcessAlive } from './process-alive.js';

export type VerifyResult = { ok: true } | { ok: false; problem: string };

export type PublishResult = { published: true } | { published: false; reason: 'exists' };

export class CacheStore {
  readonly layout: CacheLayout;

  constructor(root: string) {
    this.layout = new CacheLayout(root);
  }

  async manifest(key: CacheKey): Promise<Manifest | undefined> {
    const read = await readManifest(this.layout.manifest(key), key);
    return read.ok ? read.manifest : undefined;
  }

  /** Compare every file of the entry against the digests in its manifest. */
  async verify(manifest: Manifest): Promise<VerifyResult> {
    const entry = this.layout.entry(manifest.key);
    const onDisk = new Set(await listFiles(join(entry, 'out'), entry));
    for (const [rel, expected] of Object.entries(manifest.files)) {
      if (!onDisk.has(rel)) return { ok: false, problem: `file ${rel} is missing` };
      const actual = await sha256File(join(entry, rel));
      if (actual !== expected) {
        return { ok: false, problem: `file ${rel} does not match its digest` };
      }
      onDisk.delete(rel);
    }
    const extra = [...onDisk];
    if (extra.length > 0) return { ok: false, problem: `unexpected file ${extra[0]}` };
    return { ok: true };
  }

  /** Move a corrupt entry aside, where people can inspect it; returns where. */
  async quarantine(key: CacheKey): Promise<string> {
    const target = join(this.layout.corruptDir(), `${key}.${Date.now()}`);
    await mkdir(this.layout.corruptDir(), { recursive: true });
    try {
      await rename(this.layout.entry(key), target);
    } catch (error) {
      // Someone else moved it first: nothing left to do.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return target;
  }

  /** A fresh staging folder for `key`, named so its writer can be identified. */
  async createStaging(key: CacheKey): Promise<string> {
    const dir = join(
      this.layout.tmpDir(),
      `${key}.${process.pid}.${randomBytes(4).toString('hex')}`,
    );
    await mkdir(join(dir, 'out'), { recursive: true });
    return dir;
  }

  /**
   * Seal a staging folder: digest and fsync its files, write the manifest
   * last, then rename it into place. Losing a publish race is not an error:
   * entries with the same key are interchangeable.
   */
  async publish(
    staging: string,
    manifest: Omit<Manifest, 'files'>,
  ): Promise<{ result: PublishResult; manifest: Manifest }> {
    const files = await digestTree(staging);
    for (const rel of Object.keys(files)) await fsyncPath(join(staging, rel));
    faultPoint('publish-digested');
    const full: Manifest = { ...manifest, files };
    const manifestPath = join(staging, 'manifest.json');
    const text = JSON.stringify(full, null, 2) + '\n';
    if (faultsArmed) {
      // Crash tests: a manifest cut off half-way, as a kill mid-write leaves it.
      await writeFile(manifestPath, text.slice(0, text.length >> 1));
      faultPoint('manifest-torn');
    }
    await writeFile(manifestPath, text);
    await fsyncPath(manifestPath);
    await fsyncPath(staging);
    await mkdir(this.layout.entriesDir(), { recursive: true });
    faultPoint('publish-before-rename');
    try {
      await rename(staging, this.layout.entry(manifest.key));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        await rm(staging, { recursive: true, force: true });
        return { result: { published: false, reason: 'exists' }, manifest: full };
      }
      throw error;
    }
    faultPoint('publish-after-rename');
    await fsyncPath(this.layout.entriesDir());
    return { result: { published: true }, manifest: full };
  }

  /** Remove staging folders whose writer process is gone (killed runs). */
  async sweepStaging(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.layout.tmpDir());
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      const pid = Number(basename(name).split('.')[1]);
      if (Number.isInteger(pid) && !isProcessAlive(pid)) {
        await rm(join(this.layout.tmpDir(), name), { recursive: true, force: true });
        removed += 1;
      }
    }
    return removed;
  }

  /**
   * Remove checkpoints of published entries (a worker killed between
   * publishing and deleting its checkpoint leaves one that nothing reads)
   * and empty checkpoint folders.
   * A key whose lock is held (`isLocked`) is left to its holder.
   */
  async sweepCheckpoints(isLocked: (key: string) => boolean): Promise<number> {
    let keys: string[];
    try {
      keys = await readdir(this.layout.checkpointDir());
    } catch {
      return 0;
    }
    let removed = 0;
    for (const key of keys) {
      if (isLocked(key)) continue;
      // An empty folder (a worker stopped before it saved anything) is no
      // checkpoint, and would make `plan` promise a resume.
      const empty = (await readdir(this.layout.checkpoint(key)).catch(() => [])).length === 0;
      if (!empty && (await this.manifest(key as CacheKey)) === undefined) continue;
      await rm(this.layout.checkpoint(key), { recursive: true, force: true });
      removed += 1;
    }
    return removed;
  }

  /** Keys of every published entry. */
  async keys(): Promise<CacheKey[]> {
    try {
      return (await readdir(this.layout.entriesDir())) as CacheKey[];
    } catch {
      return [];
    }
  }
}
