/** `alignlab run`: execute a study, reusing the cache. */
import { join, resolve } from 'node:path';
import { createLogger } from '../../runtime/logger.js';
import { runPlan } from '../../runtime/run-plan.js';
import type { CliOptions } from '../args.js';
import { studyArg } from '../args.js';
import { loadStudy } from '../load-study.js';
import { resolveBackend } from '../backend.js';
import { EXIT } from '../usage.js';

export async function runCommand(options: CliOptions): Promise<number> {
  const { plan, registry, plugins, check } = await loadStudy(studyArg(options), options);
  const backend = await resolveBackend(options.backend);
  const logger = createLogger({ json: options.json });

  // First Ctrl-C: stop starting work, let running stages checkpoint.
  // Second: kill the workers. Either way the exit code is 130.
  const stop = new AbortController();
  const kill = new AbortController();
  const onSigint = () => {
    const force = stop.signal.aborted;
    logger.log({ type: 'interrupt', force });
    (force ? kill : stop).abort();
  };
  process.on('SIGINT', onSigint);

  try {
    const summary = await runPlan(plan, {
      registry,
      cacheDir: resolve(options.cacheDir),
      outDir: resolve(options.out ?? join('runs', plan.name)),
      backend: backend.name,
      engineFamily: backend.family,
      jobs: options.jobs,
      failFast: options.failFast,
      plugins,
      logger,
      studyHash: check.studyHash,
      stopSignal: stop.signal,
      killSignal: kill.signal,
    });
    if (summary.interrupted) return EXIT.interrupted;
    return summary.failed > 0 ? EXIT.stageFailed : EXIT.ok;
  } finally {
    process.off('SIGINT', onSigint);
    logger.close();
  }
}
