/**
 * What a recorded run did, rebuilt from its journal: the last state of each
 * instance, and whether the run ended or was cut off.
 */
import type { RunSummary } from './events.js';
import type { JournalLine } from './journal.js';
import { isProcessAlive } from './process-alive.js';

/** `cut off`: running or queued when the run was killed. */
export type InstanceState =
  'cached' | 'queued' | 'running' | 'done' | 'failed' | 'not run' | 'cut off';

export interface RunStatus {
  runId?: string;
  study?: string;
  started?: string;
  /** Present when the run reached its end (interrupted or not). */
  summary?: RunSummary;
  instances: Map<string, { state: InstanceState; error?: string; log?: string }>;
}

export function statusFromJournal(lines: JournalLine[]): RunStatus {
  const status: RunStatus = { instances: new Map() };
  for (const line of lines) {
    const set = (id: string, state: InstanceState, extra: { error?: string; log?: string } = {}) =>
      status.instances.set(id, { state, ...extra });
    switch (line.type) {
      case 'run-start':
        status.runId = line.runId;
        status.study = line.study;
        status.started = line.time;
        break;
      case 'instance-cached':
        set(line.instance, 'cached');
        break;
      case 'instance-queued':
        set(line.instance, 'queued');
        break;
      case 'instance-start':
        set(line.instance, 'running', { log: line.log });
        break;
      case 'instance-done':
        set(line.instance, 'done');
        break;
      case 'instance-failed':
        set(line.instance, 'failed', { error: line.error, log: line.log });
        break;
      case 'instance-skipped':
        set(line.instance, 'not run', { error: line.reason });
        break;
      case 'run-end':
        status.summary = line.summary;
        break;
      default:
        break;
    }
  }
  return status;
}

/** The process that wrote a journal, from its run id (`<time>-<pid>`). */
export function pidOfRun(runId: string | undefined): number | undefined {
  const pid = Number(runId?.split('-').at(-1));
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether a journal's run is still going: no last line, and its process alive. */
export function runIsLive(status: RunStatus): boolean {
  const pid = pidOfRun(status.runId);
  return status.summary === undefined && pid !== undefined && isProcessAlive(pid);
}
