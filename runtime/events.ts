/**
 * Everything a run reports, as typed events. The runtime emits them into one
 * Logger; loggers decide how they look (live TTY, plain lines, JSON lines).
 */
import type { ProgressEvent } from '../stdlib/types.js';

export interface RunSummary {
  instances: number;
  executed: number;
  cached: number;
  failed: number;
  /** Not run because an input failed, or because the run stopped. */
  skipped: number;
  failures: FailureRow[];
  interrupted: boolean;
  wallMs: number;
}

export interface FailureRow {
  instance: string;
  error: string;
  /** Log file of the failed attempt; absent when it never started. */
  log?: string;
}

export type RunEvent =
  | {
      type: 'run-start';
      runId: string;
      study: string;
      instances: number;
      jobs: number;
      backend: string;
      cacheDir: string;
    }
  | { type: 'warning'; message: string }
  /** Planned work: which instances were found in the cache. */
  | { type: 'instance-cached'; instance: string; key: string }
  | { type: 'instance-queued'; instance: string; key: string }
  | {
      type: 'instance-start';
      instance: string;
      key: string;
      log: string;
      /** Its checkpoint folder holds a checkpoint of an earlier attempt. */
      resumes?: boolean;
    }
  | ({ type: 'instance-progress'; instance: string } & ProgressEvent)
  | { type: 'instance-done'; instance: string; key: string; wallMs: number }
  | { type: 'instance-failed'; instance: string; key: string; error: string; log?: string }
  | { type: 'instance-skipped'; instance: string; reason: string }
  | { type: 'lock-wait'; instance: string; key: string; holder: string }
  | { type: 'lock-takeover'; instance: string; key: string; holder: string }
  | { type: 'entry-corrupt'; instance: string; key: string; problem: string; movedTo: string }
  /** A stop request; `force` for the second one, which kills workers. */
  | { type: 'interrupt'; force: boolean; signal?: StopSignal }
  /** A publishable output was copied to the run folder. */
  | { type: 'report'; instance: string; folder: string; file?: string; text?: string }
  | { type: 'run-end'; summary: RunSummary };

/** Signals that stop a run like Ctrl-C does. */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export type RunEventType = RunEvent['type'];

export interface Logger {
  log(event: RunEvent): void;
  /** Flush and release the terminal; called once at the end. */
  close(): void;
}

/** A logger that keeps events, for tests and for the journal. */
export class MemoryLogger implements Logger {
  readonly events: RunEvent[] = [];
  log(event: RunEvent): void {
    this.events.push(event);
  }
  close(): void {}
}

/** Send every event to several loggers. */
export class TeeLogger implements Logger {
  constructor(private readonly sinks: Logger[]) {}
  log(event: RunEvent): void {
    for (const sink of this.sinks) sink.log(event);
  }
  close(): void {
    for (const sink of this.sinks) sink.close();
  }
}
