/**
 * Where stage instances run. The scheduler only sees this interface, so a
 * cluster executor can replace local worker processes without touching the
 * scheduler or the stages.
 */
import type { ProgressEvent } from '../stdlib/types.js';
import type { Manifest } from './manifest.js';
import type { WorkerTask } from './worker-protocol.js';

export interface ExecHooks {
  /** File that receives the instance's log lines and any stray output. */
  logFile: string;
  onProgress(event: ProgressEvent): void;
}

export type ExecOutcome =
  | { ok: true; manifest: Manifest }
  | {
      ok: false;
      /**
       * `failed`: the stage threw. `aborted`: it stopped because it was asked
       * to. `crashed`: the worker ended without a result (signal, exit).
       */
      reason: 'failed' | 'aborted' | 'crashed';
      message: string;
    };

export interface RunningInstance {
  readonly done: Promise<ExecOutcome>;
  /** Ask the stage to checkpoint and stop (first Ctrl-C). */
  abort(): void;
  /** Stop at once (second Ctrl-C). */
  kill(): void;
  /** Process id of the worker, when it runs on this machine. */
  readonly pid?: number | undefined;
}

export interface Executor {
  start(task: WorkerTask, hooks: ExecHooks): RunningInstance;
}
