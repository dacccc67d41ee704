/**
 * An executor that runs stages inside the calling process, for benchmarks
 * that need a large cache filled quickly. It does what a worker does (stage,
 * output check, publish) without the process, so it has none of a worker's
 * isolation: a crash takes the caller down. Not for real runs.
 */
import { join } from 'node:path';
import type { Json, StageContext, StageKind } from '../stdlib/types.js';
import type { CacheKey } from '../runtime/cache-key.js';
import { CacheStore } from '../runtime/cache-store.js';
import type { ExecHooks, ExecOutcome, Executor, RunningInstance } from '../runtime/executor.js';
import { checkOutputs, collectJsonOutputs } from '../runtime/stage-outputs.js';
import type { WorkerTask } from '../runtime/worker-protocol.js';

export class InProcessExecutor implements Executor {
  constructor(private readonly registry: ReadonlyMap<string, StageKind>) {}

  start(task: WorkerTask, hooks: ExecHooks): RunningInstance {
    const abort = new AbortController();
    const done = this.run(task, hooks, abort.signal).catch((error: Error): ExecOutcome => ({
      ok: false,
      reason: 'failed',
      message: error.message,
    }));
    return { done, abort: () => abort.abort(), kill: () => abort.abort() };
  }

  private async run(task: WorkerTask, hooks: ExecHooks, signal: AbortSignal): Promise<ExecOutcome> {
    const kind = this.registry.get(task.kind)!;
    const store = new CacheStore(task.cacheDir);
    const staging = await store.createStaging(task.key as CacheKey);
    const ctx: StageContext = {
      outDir: join(staging, 'out'),
      checkpointDir: store.layout.checkpoint(task.key),
      seed: task.seed,
      backend: task.backend,
      instanceId: task.instanceId,
      progress: (event) => hooks.onProgress(event),
      log: () => undefined,
      signal,
    };
    const started = Date.now();
    const returned: Record<string, Json> = (await kind.run(ctx, task.params)) ?? {};
    const problem = await checkOutputs(kind, staging, returned);
    if (problem !== undefined) return { ok: false, reason: 'failed', message: problem };
    const { manifest } = await store.publish(staging, {
      key: task.key as CacheKey,
      record: task.record,
      outputs: collectJsonOutputs(kind, returned),
      producedBy: task.instanceId,
      wallMs: Date.now() - started,
      backend: task.backend,
      created: new Date().toISOString(),
    });
    return { ok: true, manifest };
  }
}
