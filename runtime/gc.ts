/**
 * `alignlab gc`: remove cache entries that no study still reaches. The
 * caller computes the reachable keys (every instance of every study it was
 * given, under every engine family); everything else is garbage. An entry
 * is moved into the staging folder in one rename before it is deleted, so
 * a reader never sees half of it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CacheStore } from './cache-store.js';
import { listFiles } from './digest.js';
import { stat } from 'node:fs/promises';
import type { CacheLayout } from './cache-layout.js';
import { readJournal } from './journal.js';
import { pidOfRun, runIsLive, statusFromJournal } from './run-status.js';

export interface GcReport {
  kept: number;
  /** Checkpoints of unreachable instances: removed when `remove`, else only counted. */
  checkpoints: number;
  /** Entries not reachable: removed when `remove`, else only listed. */
  garbage: { key: string; producedBy: string | undefined; bytes: number }[];
}

export async function collectGarbage(
  cacheDir: string,
  reachable: ReadonlySet<string>,
  remove: boolean,
): Promise<GcReport> {
  const store = new CacheStore(cacheDir);
  const report: GcReport = { kept: 0, checkpoints: 0, garbage: [] };
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
  // Checkpoints of work no study reaches would only ever be resumed by hand.
  const checkpoints = await readdir(store.layout.checkpointDir()).catch(() => [] as string[]);
  for (const key of checkpoints) {
    if (reachable.has(key)) continue;
    report.checkpoints += 1;
    if (remove) await rm(store.layout.checkpoint(key), { recursive: true, force: true });
  }
  return report;
}

/** What the journals of a cache say gc must keep. */
export interface JournalKeeps {
  /** Runs still going (journal without its end, process alive). */
  live: number[];
  /** Live runs that have not planned their keys yet (still hashing input files). */
  starting: number[];
  /** Keys that live runs planned, and keys the last run of each study planned. */
  keys: Set<string>;
  /** Studies whose last run's keys are kept. */
  studies: string[];
}

/**
 * Keys gc keeps whichever studies it was given: every key a live run
 * planned, and every key of the most recent run of each study (so a run made
 * with `-p` overrides keeps its results until the study runs again).
 */
export async function journalKeeps(layout: CacheLayout): Promise<JournalKeeps> {
  const out: JournalKeeps = { live: [], starting: [], keys: new Set(), studies: [] };
  const lastOfStudy = new Map<string, Set<string>>();
  const names = await readdir(layout.journalDir()).catch(() => [] as string[]);
  // Run ids start with the time, so name order is run order.
  for (const name of names.filter((n) => n.endsWith('.jsonl')).sort()) {
    const lines = await readJournal(join(layout.journalDir(), name));
    const status = statusFromJournal(lines);
    const keys = new Set(lines.flatMap((line) => ('key' in line ? [line.key] : [])));
    const pid = pidOfRun(status.runId);
    if (pid !== undefined && pid !== process.pid && runIsLive(status)) {
      out.live.push(pid);
      if (keys.size === 0) out.starting.push(pid);
      for (const k of keys) out.keys.add(k);
    }
    if (status.study !== undefined && keys.size > 0) lastOfStudy.set(status.study, keys);
  }
  for (const [study, keys] of lastOfStudy) {
    out.studies.push(study);
    for (const k of keys) out.keys.add(k);
  }
  return out;
}
