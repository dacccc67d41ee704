/**
 * `alignlab gc [study.yaml ...]`: keep every cache entry that the named
 * studies reach (default: every study under experiments/), list or remove
 * the rest. Dry run unless `--yes`.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { computeKeys } from '../../runtime/cache-key.js';
import { inputDigests } from '../../runtime/input-files.js';
import { count, formatTable } from '../../runtime/format.js';
import { CacheLayout } from '../../runtime/cache-layout.js';
import { collectGarbage, journalKeeps } from '../../runtime/gc.js';
import type { CliOptions } from '../args.js';
import { existingCache } from '../folders.js';
import { loadStudy } from '../load-study.js';
import { EXIT, UsageError } from '../usage.js';

/**
 * Engine families a key may carry. Entries of every family are kept: a
 * study run with another backend is still the same study.
 */
const ENGINE_FAMILIES = ['tensorflow', 'tensorflow-gpu', 'wasm', 'cpu'];

export async function gcCommand(options: CliOptions): Promise<number> {
  const cacheDir = existingCache(options.cacheDir);
  const studies = options.positionals.length > 0 ? options.positionals : await defaultStudies();
  if (studies.length === 0) {
    throw new UsageError(
      'no study to keep entries for: name study files (`alignlab gc a.yaml b.yaml`) ' +
        'or run it where experiments/ holds them',
    );
  }

  // A study that does not compile stops gc: its entries cannot be told apart.
  // Nor can they while a data path it reads is missing (an unmounted drive).
  const reachable = new Set<string>();
  for (const file of studies) {
    const { plan, registry, check } = await loadStudy(file, options);
    const missing = check.diagnostics.find((d) => d.code === 'STAGE_INPUTS');
    if (missing !== undefined) {
      throw new UsageError(
        `${file}: ${missing.message}; gc cannot tell which entries the study needs ` +
          'until its data is back, so it removes nothing',
      );
    }
    const files = await inputDigests(plan, registry, cacheDir);
    for (const family of ENGINE_FAMILIES) {
      for (const k of computeKeys(plan, registry, family, files).values()) reachable.add(k.key);
    }
  }

  // What runs on this cache planned: the live ones, and each study's last.
  const kept = await journalKeeps(new CacheLayout(cacheDir));
  if (kept.starting.length > 0 && options.yes) {
    throw new UsageError(
      `a run on this cache (pid ${kept.starting.join(', ')}) is still hashing its input ` +
        'files, so what it will use is not known yet; run gc again once its stages start',
    );
  }
  for (const key of kept.keys) reachable.add(key);
  if (kept.live.length > 0) {
    process.stdout.write(
      `keeping what the running run${kept.live.length === 1 ? '' : 's'} ` +
        `(pid ${kept.live.join(', ')}) planned\n`,
    );
  }
  if (kept.studies.length > 0) {
    process.stdout.write(
      `keeping what the last run of ${kept.studies.join(', ')} used ` +
        '(a later run of the study frees it)\n',
    );
  }

  const report = await collectGarbage(cacheDir, reachable, options.yes);
  const rows = report.garbage.map((g) => [
    g.key.slice(0, 12),
    g.producedBy ?? '?',
    `${(g.bytes / 1024).toFixed(0)} KiB`,
  ]);
  if (rows.length > 0) process.stdout.write(formatTable(['entry', 'made by', 'size'], rows));
  const total = report.garbage.reduce((n, g) => n + g.bytes, 0) / 1024 / 1024;
  const verb = options.yes ? 'removed' : 'would remove';
  process.stdout.write(
    `${studies.length} stud${studies.length === 1 ? 'y keeps' : 'ies keep'} ` +
      `${count(report.kept, 'entry', 'entries')}; ${verb} ` +
      `${report.garbage.length} (${total.toFixed(1)} MiB)\n`,
  );
  if (report.checkpoints > 0) {
    process.stdout.write(
      `${options.yes ? 'removed' : 'would remove'} ` +
        `${count(report.checkpoints, 'checkpoint')} of unfinished work no study reaches\n`,
    );
  }
  if (!options.yes && (report.garbage.length > 0 || report.checkpoints > 0)) {
    process.stdout.write('run `alignlab gc --yes` with the same studies to remove them\n');
  }
  return EXIT.ok;
}

async function defaultStudies(): Promise<string[]> {
  try {
    const names = await readdir('experiments');
    return names
      .filter((n) => /\.ya?ml$/.test(n))
      .sort()
      .map((n) => join('experiments', n));
  } catch {
    return [];
  }
}
