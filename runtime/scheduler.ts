/**
 * The scheduler: runs a keyed plan. An instance starts when its inputs are
 * done; p-queue bounds how many run at once. A failure fails the instance
 * and its dependants only, unless fail-fast is on. Where instances run is
 * the executor's business.
 */
import { readdir } from 'node:fs/promises';
import PQueue from 'p-queue';
import type { Json, StageKind } from '../stdlib/types.js';
import type { KeyedInstance } from './cache-key.js';
import type { CacheStore } from './cache-store.js';
import type { Logger } from './events.js';
import type { Executor, RunningInstance } from './executor.js';
import { faultPoint } from './fault.js';
import { describeOwner, isComputing, type KeyLocks, type LockHandle } from './key-lock.js';
import type { Manifest } from './manifest.js';
import { artifactInputs, resolveParams } from './resolve-params.js';
import { ResourcePool } from './resource-pool.js';

export type InstanceResult =
  | { state: 'cached' | 'done'; manifest: Manifest }
  | { state: 'failed'; error: string; log?: string }
  /** Not run: an input failed, or the run was stopped before it started. */
  | { state: 'skipped'; reason: string }
  /** Started, then stopped on request; its checkpoint is kept. */
  | { state: 'aborted'; error: string; log?: string };

export interface SchedulerOptions {
  jobs: number;
  failFast: boolean;
  executor: Executor;
  store: CacheStore;
  locks: KeyLocks;
  logger: Logger;
  runId: string;
  plugins: string[];
  backend: string;
  /** How often to look again at a key another process holds. */
  lockPollMs?: number;
}

/** The folder holds a checkpoint an earlier attempt left (not just exists). */
export async function hasCheckpoint(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch(() => []);
  return names.length > 0;
}

/** Manifests read at once when a run starts (a 1,000-cell sweep reads 1,000). */
const MANIFEST_READS = 32;

/** `f` over `items` with at most `limit` calls in flight; results in order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  f: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

type LockOrEntry = { handle: LockHandle } | { manifest: Manifest } | { stopped: true };

export class Scheduler {
  private readonly results = new Map<string, Promise<InstanceResult>>();
  private readonly verified = new Map<string, Promise<Manifest | undefined>>();
  /** Entries written or verified during this run: no need to digest again. */
  private readonly trusted = new Set<string>();
  private readonly running = new Set<RunningInstance>();
  private readonly found = new Map<string, Manifest>();
  private readonly byKey = new Map<string, { id: string; result: Promise<InstanceResult> }>();
  private readonly queue: PQueue;
  private readonly resources: ResourcePool;
  private stopping = false;
  /** Workers were killed (second Ctrl-C): their crashes are not failures. */
  private killing = false;

  constructor(
    private readonly keyed: ReadonlyMap<string, KeyedInstance>,
    private readonly options: SchedulerOptions,
  ) {
    this.queue = new PQueue({ concurrency: Math.max(1, options.jobs) });
    this.resources = ResourcePool.forMachine(Math.max(1, options.jobs));
  }

  /** Run every instance; resolves with each instance's final result. */
  async run(): Promise<Map<string, InstanceResult>> {
    // Planning looks only at manifests; digests are checked when a consumer
    // loads an artifact or a report is published. A cached entry nobody
    // reads is not digested here; `alignlab verify` checks all of them.
    const all = [...this.keyed.values()];
    const manifests = await mapLimited(all, MANIFEST_READS, (k) =>
      this.options.store.manifest(k.key),
    );
    for (const [i, k] of all.entries()) {
      const manifest = manifests[i];
      faultPoint('plan-manifest-read');
      if (manifest !== undefined) this.found.set(k.instance.id, manifest);
      this.options.logger.log({
        type: manifest === undefined ? 'instance-queued' : 'instance-cached',
        instance: k.instance.id,
        key: k.key,
      });
    }

    const ids = [...this.keyed.keys()];
    await Promise.all(ids.map((id) => this.settle(id)));
    // A corrupt input may have replaced a result while others waited.
    const final = new Map<string, InstanceResult>();
    for (const id of ids) final.set(id, await this.results.get(id)!);
    return final;
  }

  /** Stop starting work and ask running stages to checkpoint and stop. */
  stop(): void {
    this.stopping = true;
    for (const r of this.running) r.abort();
  }

  /** Kill running workers at once (second Ctrl-C). */
  kill(): void {
    this.stopping = true;
    this.killing = true;
    for (const r of this.running) r.kill();
  }

  private settle(id: string): Promise<InstanceResult> {
    let result = this.results.get(id);
    if (result === undefined) {
      result = this.compute(this.keyed.get(id)!);
      this.results.set(id, result);
    }
    return result;
  }

  /**
   * Instances with equal keys are the same work: the first in plan order
   * computes it, the others take its result (as `plan` says they will).
   */
  private compute(k: KeyedInstance): Promise<InstanceResult> {
    const first = this.byKey.get(k.key);
    if (first !== undefined) return this.share(k, first);
    const result = this.computeOwn(k);
    this.byKey.set(k.key, { id: k.instance.id, result });
    return result;
  }

  private async share(
    k: KeyedInstance,
    first: { id: string; result: Promise<InstanceResult> },
  ): Promise<InstanceResult> {
    const id = k.instance.id;
    const shared = await first.result;
    if (shared.state === 'cached' || shared.state === 'done') {
      if (!this.found.has(id)) {
        this.options.logger.log({ type: 'instance-cached', instance: id, key: k.key });
      }
      return { state: 'cached', manifest: shared.manifest };
    }
    const what = shared.state === 'failed' ? 'failed' : 'did not finish';
    return this.skip(id, `same work as \`${first.id}\`, which ${what}`);
  }

  private async computeOwn(k: KeyedInstance): Promise<InstanceResult> {
    const id = k.instance.id;
    const cached = this.found.get(id);
    if (cached !== undefined) {
      // Published outputs are copied for people: check them like an input.
      if (k.kind.publish === undefined || (await this.checkEntry(k, cached))) {
        return { state: 'cached', manifest: cached };
      }
    }

    const inputs = await this.loadInputs(k);
    if ('missing' in inputs) return this.skip(id, inputs.missing);
    return this.enqueue(k, inputs.manifests);
  }

  private skip(id: string, reason: string): InstanceResult {
    this.options.logger.log({ type: 'instance-skipped', instance: id, reason });
    return { state: 'skipped', reason };
  }

  /** Manifests of every input; artifact inputs verified against digests. */
  private async loadInputs(
    k: KeyedInstance,
  ): Promise<{ manifests: Map<string, Manifest> } | { missing: string }> {
    const artifacts = artifactInputs(k.instance.params, (ref) => {
      const producer = this.keyed.get(ref.instance);
      return producer?.kind.outputs[ref.output]?.type === 'artifact';
    });
    const manifests = new Map<string, Manifest>();
    for (const dep of k.instance.deps) {
      const manifest = artifacts.has(dep)
        ? await this.loadVerified(dep)
        : await this.settle(dep).then((r) => ('manifest' in r ? r.manifest : undefined));
      if (manifest === undefined) {
        const state = await this.settle(dep).then((r) => r.state);
        const why = state === 'failed' ? 'failed' : 'did not finish';
        return { missing: `input \`${dep}\` ${why}` };
      }
      manifests.set(dep, manifest);
    }
    return { manifests };
  }

  /** An input's manifest once its files match their digests, rebuilt if not. */
  private loadVerified(id: string): Promise<Manifest | undefined> {
    let loaded = this.verified.get(id);
    if (loaded === undefined) {
      loaded = (async () => {
        const result = await this.settle(id);
        if (result.state !== 'cached' && result.state !== 'done') return undefined;
        const k = this.keyed.get(id)!;
        if (await this.checkEntry(k, result.manifest)) return result.manifest;

        // The entry was moved aside: compute it again, in this run.
        const inputs = await this.loadInputs(k);
        const again =
          'missing' in inputs
            ? this.skip(id, inputs.missing)
            : await this.enqueue(k, inputs.manifests);
        this.results.set(id, Promise.resolve(again));
        return 'manifest' in again ? again.manifest : undefined;
      })();
      this.verified.set(id, loaded);
    }
    return loaded;
  }

  /** True when the entry is sound; a corrupt one is reported and moved aside. */
  private async checkEntry(k: KeyedInstance, manifest: Manifest): Promise<boolean> {
    if (this.trusted.has(manifest.key)) return true;
    const check = await this.options.store.verify(manifest);
    if (check.ok) {
      this.trusted.add(manifest.key);
      return true;
    }
    const movedTo = await this.options.store.quarantine(manifest.key);
    this.options.logger.log({
      type: 'entry-corrupt',
      instance: k.instance.id,
      key: k.key,
      problem: check.problem,
      movedTo,
    });
    return false;
  }

  private async enqueue(k: KeyedInstance, inputs: Map<string, Manifest>): Promise<InstanceResult> {
    const result = await this.queue.add(() => this.execute(k, inputs));
    return result ?? this.skip(k.instance.id, 'the run stopped before it started');
  }

  private async execute(k: KeyedInstance, inputs: Map<string, Manifest>): Promise<InstanceResult> {
    const id = k.instance.id;
    if (this.stopping) return this.skip(id, 'the run stopped before it started');

    const lock = await this.lockOrEntry(k);
    if ('stopped' in lock) return this.skip(id, 'the run stopped before it started');
    if ('manifest' in lock) {
      // Another alignlab process published it while we waited.
      this.trusted.add(lock.manifest.key);
      return { state: 'cached', manifest: lock.manifest };
    }
    // Declared resources (cpu, gpu, memory) are taken after the lock, so a
    // key computed elsewhere never holds them.
    const release = await this.resources.acquire(this.resources.needOf(k.kind));
    faultPoint('lock-taken');
    try {
      if (this.stopping) return this.skip(id, 'the run stopped before it started');
      return await this.executeLocked(k, inputs, lock.handle);
    } finally {
      release();
      await lock.handle.release();
    }
  }

  private async executeLocked(
    k: KeyedInstance,
    inputs: Map<string, Manifest>,
    lock: LockHandle,
  ): Promise<InstanceResult> {
    const { store, logger } = this.options;
    const id = k.instance.id;
    const log = store.layout.log(this.options.runId, id);

    let params: Record<string, unknown>;
    try {
      params = resolveParams(k.instance.params, inputs, store.layout, id);
    } catch (error) {
      return this.fail(k, (error as Error).message, undefined);
    }

    const resumes = await hasCheckpoint(store.layout.checkpoint(k.key));
    logger.log({
      type: 'instance-start',
      instance: id,
      key: k.key,
      log,
      ...(resumes ? { resumes } : {}),
    });
    const running = this.options.executor.start(
      {
        instanceId: id,
        kind: k.kind.kind,
        key: k.key,
        record: k.record,
        params,
        seed: k.instance.seed,
        backend: this.options.backend,
        cacheDir: store.layout.root,
        plugins: this.options.plugins,
      },
      {
        logFile: log,
        onProgress: (event) => logger.log({ type: 'instance-progress', instance: id, ...event }),
      },
    );
    this.running.add(running);
    if (this.stopping) running.abort();
    if (running.pid !== undefined) await lock.noteWorker(running.pid).catch(() => undefined);
    const outcome = await running.done;
    this.running.delete(running);

    if (outcome.ok) {
      // The entry is published; the journal does not know yet.
      faultPoint('published-before-journal');
      this.trusted.add(outcome.manifest.key);
      logger.log({
        type: 'instance-done',
        instance: id,
        key: k.key,
        wallMs: outcome.manifest.wallMs,
      });
      const notice = noticeOf(k.kind, outcome.manifest);
      if (notice !== undefined) {
        logger.log({ type: 'warning', message: `${id}: ${notice}; details in ${log}` });
      }
      return { state: 'done', manifest: outcome.manifest };
    }
    // An instance that failed by itself while the run was stopping (fail-fast
    // after another failure) still failed, with its own error.
    if (outcome.reason === 'aborted' || (outcome.reason === 'crashed' && this.killing)) {
      const reason = /^stopped\b/i.test(outcome.message)
        ? outcome.message
        : `stopped: ${outcome.message}`;
      logger.log({ type: 'instance-skipped', instance: id, reason });
      return { state: 'aborted', error: outcome.message, log };
    }
    return this.fail(k, outcome.message, log);
  }

  private fail(k: KeyedInstance, error: string, log: string | undefined): InstanceResult {
    const instance = k.instance.id;
    this.options.logger.log({ type: 'instance-failed', instance, key: k.key, error, log });
    if (this.options.failFast) this.stop();
    return { state: 'failed', error, log };
  }

  /** Take the key's lock, waiting while another live process holds it. */
  private async lockOrEntry(k: KeyedInstance): Promise<LockOrEntry> {
    const { locks, store, logger } = this.options;
    let waited = false;
    for (;;) {
      const attempt = await locks.tryAcquire(k.key);
      if (attempt.acquired) {
        if (attempt.tookOverFrom !== undefined) {
          logger.log({
            type: 'lock-takeover',
            instance: k.instance.id,
            key: k.key,
            holder: describeOwner(attempt.tookOverFrom),
          });
        }
        // Re-check under the lock: the previous holder may have published.
        const manifest = await store.manifest(k.key);
        if (manifest === undefined) return { handle: attempt.handle };
        await attempt.handle.release();
        return { manifest };
      }
      // A holder that only queued the key may be slow to start it; say we
      // wait once a worker of its computes it.
      if (!waited && isComputing(attempt.holder)) {
        logger.log({
          type: 'lock-wait',
          instance: k.instance.id,
          key: k.key,
          holder: describeOwner(attempt.holder),
        });
        waited = true;
      }
      await new Promise((r) => setTimeout(r, this.options.lockPollMs ?? 500));
      if (this.stopping) return { stopped: true };
      const manifest = await store.manifest(k.key);
      if (manifest !== undefined) return { manifest };
    }
  }
}

/** The kind's line for the terminal about finished results, if it has one. */
function noticeOf(kind: StageKind, manifest: Manifest): string | undefined {
  if (kind.notice === undefined) return undefined;
  const json: Record<string, Json> = {};
  for (const [name, out] of Object.entries(manifest.outputs)) {
    if (out.type === 'json') json[name] = out.value;
  }
  try {
    return kind.notice(json);
  } catch {
    // A notice is a courtesy; it never fails a finished instance.
    return undefined;
  }
}
