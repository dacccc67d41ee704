/**
 * Messages between the scheduler and a worker process (IPC). One worker runs
 * one stage instance, then exits.
 */
import type { Json, ProgressEvent } from '../stdlib/types.js';
import type { Manifest } from './manifest.js';
import type { KeyRecord } from './cache-key.js';

/** All a worker needs to run one instance; plain data, so it can travel. */
export interface WorkerTask {
  instanceId: string;
  kind: string;
  key: string;
  record: KeyRecord;
  /** Parameters with references replaced by values and artifact folders. */
  params: Record<string, unknown>;
  seed: number;
  /** Backend name chosen by the main process (never `auto`). */
  backend: string;
  cacheDir: string;
  /** Modules to import before looking the kind up (they register kinds). */
  plugins: string[];
}

export type ToWorker = { type: 'start'; task: WorkerTask } | { type: 'abort' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; event: ProgressEvent }
  | { type: 'log'; message: string }
  | { type: 'result'; manifest: Manifest; outputs: Record<string, Json> }
  | {
      type: 'error';
      message: string;
      stack?: string;
      /** True when the stage stopped because it was asked to. */
      aborted: boolean;
    };
