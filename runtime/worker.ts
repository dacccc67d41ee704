/**
 * Worker process: runs one stage instance and publishes its cache entry.
 * Started by the local executor (`node dist/runtime/worker.js`) with an IPC
 * channel; it never prints to the terminal, only sends messages.
 */
import { mkdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Json, StageContext, StageKind } from '../stdlib/types.js';
import { CacheStore } from './cache-store.js';
import { faultPoint } from './fault.js';
import type { CacheKey } from './cache-key.js';
import type { FromWorker, ToWorker, WorkerTask } from './worker-protocol.js';
import { loadRegistry } from './load-registry.js';
import { loadPlugins } from './plugins.js';
import { checkOutputs, collectJsonOutputs } from './stage-outputs.js';

const abort = new AbortController();

/** Send a message to the main process; a vanished parent is ignored. */
function send(message: FromWorker): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || process.send === undefined) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

/** The first message from the main process; it carries the task. */
function firstMessage(): Promise<ToWorker> {
  return new Promise((resolve) => process.once('message', (m) => resolve(m as ToWorker)));
}

async function main(): Promise<void> {
  // Ctrl-C reaches the whole process group, and so may SIGTERM (Slurm,
  // docker stop) or SIGHUP; the main process decides what stops, and tells
  // us with an `abort` message.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => undefined);
  }

  // The parent died (kill -9): stop, keeping the checkpoint, and go.
  process.on('disconnect', () => {
    abort.abort(new Error('the alignlab process that started this worker is gone'));
    setTimeout(() => process.exit(3), 10_000).unref();
  });

  // Listen before the task arrives: a stop sent right behind the start
  // message can be delivered in the same tick, and would be lost otherwise.
  listenForAbort();
  const first = await firstMessage();
  if (first.type !== 'start') return;
  try {
    await runTask(first.task);
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    await send({
      type: 'error',
      message: err.message,
      stack: err.stack,
      aborted: abort.signal.aborted && isStopError(err),
    });
  }
  // Exit even if the stage left handles open (engine threads, timers): the
  // result is already with the main process, which waits for this exit.
  process.exit(0);
}

/**
 * Whether an error thrown after a stop request is the stage stopping, as
 * asked, rather than a failure of its own that came at the same moment (a
 * loss that diverged in the step the request arrived). Stages stop by
 * throwing the signal's reason, an `Interrupted` or `AbortError`, or an
 * error saying it stopped; any other error is the stage's own failure.
 */
function isStopError(err: Error): boolean {
  if (err === abort.signal.reason) return true;
  if (err.name === 'Interrupted' || err.name === 'AbortError') return true;
  return /\b(stopped|interrupted|aborted|cancell?ed)\b/i.test(err.message);
}

function listenForAbort(): void {
  process.on('message', (message: unknown) => {
    if ((message as ToWorker)?.type === 'abort') {
      abort.abort(new Error('stopped: the run is stopping (Ctrl-C or a stop signal)'));
    }
  });
}

/**
 * The task's stage kind. Plugins load first: when the kind is theirs, the
 * built-in kinds (and the numeric engine they import, about a second of
 * start-up) are not loaded at all.
 */
async function findKind(task: WorkerTask): Promise<StageKind | undefined> {
  await loadPlugins(task.plugins);
  const { registry } = await import('../stdlib/registry.js');
  return registry.get(task.kind) ?? (await loadRegistry([])).get(task.kind);
}

async function runTask(task: WorkerTask): Promise<void> {
  const kind = await findKind(task);
  if (kind === undefined) {
    throw new Error(
      `unknown stage kind \`${task.kind}\` in the worker; pass the module ` +
        'that registers it with --plugin',
    );
  }
  if (kind.usesEngine) {
    const { startEngine } = await import('../stdlib/engine.js');
    await startEngine(task.backend as Parameters<typeof startEngine>[0]);
  }

  faultPoint('worker-start');
  const store = new CacheStore(task.cacheDir);
  const staging = await store.createStaging(task.key as CacheKey);
  const checkpointDir = store.layout.checkpoint(task.key);
  await mkdir(checkpointDir, { recursive: true });

  const ctx: StageContext = {
    outDir: join(staging, 'out'),
    checkpointDir,
    seed: task.seed,
    backend: task.backend,
    instanceId: task.instanceId,
    progress: (event) => void send({ type: 'progress', event }),
    log: (message) => void send({ type: 'log', message: String(message) }),
    signal: abort.signal,
  };

  const started = Date.now();
  let returned: Record<string, Json>;
  try {
    returned = (await kind.run(ctx, task.params)) ?? {};
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // A folder the stage never wrote into is not a checkpoint: leave none.
    await rmdir(checkpointDir).catch(() => undefined);
    if (!kind.usesEngine) throw error;
    const { explainEngineError } = await import('../stdlib/engine.js');
    throw explainEngineError(error, task.backend);
  }
  const wallMs = Date.now() - started;
  faultPoint('stage-returned');

  const problem = (await checkOutputs(kind, staging, returned)) ?? (await inputsMoved(kind, task));
  if (problem !== undefined) {
    await rm(staging, { recursive: true, force: true });
    throw new Error(problem);
  }
  const { manifest } = await store.publish(staging, {
    key: task.key as CacheKey,
    record: task.record,
    outputs: collectJsonOutputs(kind, returned),
    producedBy: task.instanceId,
    wallMs,
    backend: task.backend,
    created: new Date().toISOString(),
  });

  // Checkpoints only serve an unfinished instance.
  faultPoint('published-with-checkpoint');
  await rm(checkpointDir, { recursive: true, force: true });
  faultPoint('published-before-result');
  await send({ type: 'result', manifest, outputs: returned });
  faultPoint('result-sent');
}

/**
 * A stage keyed on its input files must have read the bytes its key names:
 * files changed between planning and the end of the stage would otherwise
 * be published under the old contents' key.
 */
async function inputsMoved(kind: StageKind, task: WorkerTask): Promise<string | undefined> {
  if (task.record.files === undefined) return undefined;
  const { currentInputDigest } = await import('./input-files.js');
  const now = await currentInputDigest(kind, task.params, task.cacheDir);
  return now === task.record.files
    ? undefined
    : 'its input files changed while it ran, so what it read may not match its cache key; ' +
        'nothing was stored: run the study again';
}

await main();
