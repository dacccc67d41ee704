/**
 * Running a compiled plan end to end: keys, scheduling, publication of
 * reports, summary. The CLI wraps this; tests call it directly.
 */
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import type { StageKind } from '../stdlib/types.js';
import type { Plan } from '../lang/plan.js';
import type { CacheKey } from './cache-key.js';
import { HashingStopped, keyPlan } from './input-files.js';
import { CacheStore } from './cache-store.js';
import type { FailureRow, Logger, RunSummary } from './events.js';
import { TeeLogger } from './events.js';
import type { Executor } from './executor.js';
import { faultPoint } from './fault.js';
import { JournalLogger, newRunId } from './journal.js';
import { DEFAULT_LOCK_TIMING, KeyLocks, type LockTiming } from './key-lock.js';
import { LocalExecutor } from './local-executor.js';
import { collectProvenance, shellLine } from './provenance.js';
import { publishResults } from './publish-results.js';
import { type InstanceResult, Scheduler } from './scheduler.js';

export interface RunPlanOptions {
  registry: ReadonlyMap<string, StageKind>;
  cacheDir: string;
  /** Folder receiving published reports (`runs/<study name>` by default). */
  outDir: string;
  /** Backend name already chosen (never `auto`) and its engine family. */
  backend: string;
  engineFamily: string;
  jobs?: number;
  failFast?: boolean;
  /** Absolute module paths loaded by every worker. */
  plugins?: string[];
  logger: Logger;
  executor?: Executor;
  runId?: string;
  /** Hash of the resolved study, recorded in published reports. */
  studyHash?: string;
  /** The command line that started the run, for the provenance record. */
  command?: string[];
  lockTiming?: LockTiming;
  /** First abort: stop starting work, ask stages to checkpoint. */
  stopSignal?: AbortSignal;
  /** Second abort: kill running workers. */
  killSignal?: AbortSignal;
}

export function defaultJobs(): number {
  return Math.max(1, cpus().length);
}

export async function runPlan(plan: Plan, options: RunPlanOptions): Promise<RunSummary> {
  const runId = options.runId ?? newRunId();
  const store = new CacheStore(options.cacheDir);
  const journal = new JournalLogger(store.layout.journal(runId));
  try {
    return await runWithJournal(plan, options, runId, store, journal);
  } finally {
    journal.close();
  }
}

async function runWithJournal(
  plan: Plan,
  options: RunPlanOptions,
  runId: string,
  store: CacheStore,
  journal: JournalLogger,
): Promise<RunSummary> {
  const started = Date.now();
  const logger = new TeeLogger([options.logger, journal]);
  const jobs = options.jobs ?? defaultJobs();

  const locks = new KeyLocks(
    store.layout.lockDir(),
    runId,
    options.lockTiming ?? DEFAULT_LOCK_TIMING,
  );
  // What killed runs leave behind: staging folders, locks of dead holders,
  // checkpoints of instances that were published after all.
  await store.sweepStaging();
  await locks.sweepStale(async (key) => (await store.manifest(key as CacheKey)) !== undefined);
  await store.sweepCheckpoints((key) => existsSync(locks.path(key)));
  logger.log({
    type: 'run-start',
    runId,
    study: plan.name,
    instances: plan.instances.length,
    jobs,
    backend: options.backend,
    cacheDir: options.cacheDir,
  });

  // Hashing a large data folder can take a while; a stop request ends it.
  let keyed;
  try {
    keyed = await keyPlan(
      plan,
      options.registry,
      options.engineFamily,
      options.cacheDir,
      options.stopSignal,
    );
  } catch (error) {
    if (!(error instanceof HashingStopped)) throw error;
    // Nothing started: every instance is left for the next run.
    const summary = summarise(new Map(), true, Date.now() - started);
    summary.instances = summary.skipped = plan.instances.length;
    logger.log({ type: 'run-end', summary });
    return summary;
  }

  const scheduler = new Scheduler(keyed, {
    jobs,
    failFast: options.failFast ?? false,
    executor: options.executor ?? new LocalExecutor(),
    store,
    locks,
    logger,
    runId,
    plugins: options.plugins ?? [],
    backend: options.backend,
  });
  const onStop = () => scheduler.stop();
  const onKill = () => scheduler.kill();
  options.stopSignal?.addEventListener('abort', onStop);
  options.killSignal?.addEventListener('abort', onKill);
  if (options.stopSignal?.aborted) scheduler.stop();

  let results;
  try {
    results = await scheduler.run();
  } finally {
    options.stopSignal?.removeEventListener('abort', onStop);
    options.killSignal?.removeEventListener('abort', onKill);
  }

  const interrupted = options.stopSignal?.aborted ?? false;
  if (!interrupted) {
    const provenance = collectProvenance(plan, keyed, results, options.backend, options.studyHash);
    if (options.command !== undefined) provenance.command = shellLine(options.command);
    await publishResults(keyed, results, store.layout, options.outDir, logger, provenance);
  }

  const summary = summarise(results, interrupted, Date.now() - started);
  faultPoint('before-run-end');
  logger.log({ type: 'run-end', summary });
  return summary;
}

function summarise(
  results: ReadonlyMap<string, InstanceResult>,
  interrupted: boolean,
  wallMs: number,
): RunSummary {
  const summary: RunSummary = {
    instances: results.size,
    executed: 0,
    cached: 0,
    failed: 0,
    skipped: 0,
    failures: [],
    interrupted,
    wallMs,
  };
  for (const [instance, result] of results) {
    if (result.state === 'done') summary.executed += 1;
    else if (result.state === 'cached') summary.cached += 1;
    else if (result.state === 'failed') {
      summary.failed += 1;
      const row: FailureRow = { instance, error: result.error };
      if (result.log !== undefined) row.log = result.log;
      summary.failures.push(row);
    } else summary.skipped += 1;
  }
  return summary;
}
