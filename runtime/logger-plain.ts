/**
 * Plain lines, for logs and pipes: progress on stderr, reports and the
 * summary on stdout.
 */
import type { Logger, RunEvent } from './events.js';
import { count, errorOf, formatDuration, formatProgress, formatSummary } from './format.js';

export interface Streams {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** The line an event becomes on stderr, or undefined for none. */
export function describeEvent(event: RunEvent): string | undefined {
  switch (event.type) {
    case 'run-start':
      return (
        `run ${event.runId}: ${event.study}, ${count(event.instances, 'instance')}, ` +
        `${count(event.jobs, 'job')}, backend ${event.backend}`
      );
    case 'warning':
      return `warning: ${event.message}`;
    case 'instance-cached':
      return `cached   ${event.instance}`;
    case 'instance-queued':
    case 'instance-progress':
    case 'report':
    case 'run-end':
      return undefined;
    case 'instance-start':
      return `start    ${event.instance}` + (event.resumes ? ' (resumes from a checkpoint)' : '');
    case 'instance-done':
      return `done     ${event.instance} (${formatDuration(event.wallMs)})`;
    case 'instance-failed':
      return (
        `FAILED   ${event.instance}: ${errorOf(event.instance, event.error)}` +
        (event.log === undefined ? '' : `\n         log: ${event.log}`)
      );
    case 'instance-skipped':
      return `not run  ${event.instance}: ${event.reason}`;
    case 'lock-wait':
      return `waiting  ${event.instance}: waiting for another run's lock (${event.holder} computes it)`;
    case 'lock-takeover':
      return `lock     ${event.instance}: took over the stale lock of ${event.holder}`;
    case 'entry-corrupt':
      return (
        `corrupt  ${event.instance}: cache entry ${event.key.slice(0, 12)} ${event.problem}; ` +
        `moved to ${event.movedTo}, computing it again`
      );
    case 'interrupt': {
      const by =
        event.signal === undefined || event.signal === 'SIGINT' ? '' : ` by ${event.signal}`;
      const again = by === '' ? 'Ctrl-C again' : 'a second signal';
      return event.force
        ? `interrupted again${by}: killing running workers`
        : `interrupted${by}: stopping; running stages save a checkpoint (${again} kills them)`;
    }
  }
}

export class PlainLogger implements Logger {
  private readonly phases = new Map<string, string>();

  constructor(private readonly streams: Streams) {}

  log(event: RunEvent): void {
    if (event.type === 'instance-progress') {
      // Only phase changes: a step counter would flood a log file.
      if (event.phase !== undefined && this.phases.get(event.instance) !== event.phase) {
        this.phases.set(event.instance, event.phase);
        this.streams.err.write(`         ${event.instance}: ${formatProgress(event)}\n`);
      }
      return;
    }
    if (event.type === 'report') {
      writeReport(this.streams.out, event);
      return;
    }
    if (event.type === 'run-end') {
      this.streams.out.write(formatSummary(event.summary));
      return;
    }
    const line = describeEvent(event);
    if (line !== undefined) this.streams.err.write(line + '\n');
  }

  close(): void {}
}

export function writeReport(
  out: NodeJS.WritableStream,
  event: Extract<RunEvent, { type: 'report' }>,
): void {
  out.write(`── ${event.instance} → ${event.folder}\n`);
  if (event.text !== undefined) {
    out.write(event.text.endsWith('\n') ? event.text : event.text + '\n');
  }
  out.write('\n');
}
