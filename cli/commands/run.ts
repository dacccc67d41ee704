/** `alignlab run`: execute a study, reusing the cache. */
import { join } from 'node:path';
import type { StopSignal } from '../../runtime/events.js';
import { createLogger } from '../../runtime/logger.js';
import { runPlan } from '../../runtime/run-plan.js';
import type { CliOptions } from '../args.js';
import { studyArg } from '../args.js';
import { checkBackendInstalled, resolveBackend } from '../backend.js';
import { usableFolder } from '../folders.js';
import { loadStudy } from '../load-study.js';
import { EXIT } from '../usage.js';

/**
 * Signals that end a run gracefully. SIGTERM is what `timeout`, `docker
 * stop` and Slurm send before SIGKILL; SIGHUP, a closed terminal.
 */
const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export async function runCommand(options: CliOptions): Promise<number> {
  // Mistakes in the command line first, before the study is compiled.
  const file = studyArg(options);
  checkBackendInstalled(options.backend);
  const cacheDir = usableFolder('--cache-dir', options.cacheDir);
  const outDir = options.out === undefined ? undefined : usableFolder('--out', options.out);

  // First signal: stop starting work, let running stages checkpoint.
  // Second: kill the workers. Either way the exit code is 130.
  const logger = createLogger({ json: options.json });
  const stop = new AbortController();
  const kill = new AbortController();
  const onSignal = (signal: StopSignal) => {
    const force = stop.signal.aborted;
    logger.log({ type: 'interrupt', force, signal });
    (force ? kill : stop).abort();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);

  try {
    // A signal while the study compiles still ends the run through runPlan,
    // which then starts nothing and records that in the journal.
    const { plan, registry, plugins, check } = await loadStudy(file, options);
    const backend = await resolveBackend(options.backend);
    const summary = await runPlan(plan, {
      registry,
      cacheDir,
      outDir: outDir ?? usableFolder('--out', join('runs', plan.name)),
      backend: backend.name,
      engineFamily: backend.family,
      jobs: options.jobs,
      failFast: options.failFast,
      plugins,
      logger,
      studyHash: check.studyHash,
      command: ['alignlab', ...process.argv.slice(2)],
      stopSignal: stop.signal,
      killSignal: kill.signal,
    });
    if (summary.interrupted) return EXIT.interrupted;
    return summary.failed > 0 ? EXIT.stageFailed : EXIT.ok;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    logger.close();
  }
}
