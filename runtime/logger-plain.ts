/**
 * Plain lines, for logs and pipes: progress on stderr, reports and the
 * summary on stdout.
 */
import type { Logger, RunEvent } from './events.js';
import { formatDuration, formatSummary, formatValues } from './format.js';

export interface Streams {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** The line an event becomes on stderr, or undefined for none. */
export function describeEvent(event: RunEvent): string | undefined {
  switch (event.type) {
    case 'run-start':
      return (
        `run ${event.runId}: ${event.study}, ${event.instances} instances, ` +
        `${event.jobs} jobs, backend ${event.backend}`
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
      return `start    ${event.instance}`;
    case 'instance-done':
      return `done     ${event.instance} (${formatDuration(event.wallMs)})`;
    case 'instance-failed':
      return (
        `FAILED   ${event.instance}: ${event.error}` +
        (event.log === undefined ? '' : `\n         log: ${event.log}`)
      );
    case 'instance-skipped':
      return `not run  ${event.instance}: ${event.reason}`;
    case 'lock-wait':
      return `waiting  ${event.instance}: another run (${event.holder}) is computing it`;
    case 'lock-takeover':
      return `lock     ${event.instance}: took over the stale lock of ${event.holder}`;
    case 'entry-corrupt':
      return (
        `corrupt  ${event.instance}: cache entry ${event.key.slice(0, 12)} ${event.problem}; ` +
        `moved to ${event.movedTo}, computing it again`
      );
    case 'interrupt':
      return event.force
        ? 'interrupted again: killing running workers'
        : 'interrupted: stopping; running stages save a checkpoint (Ctrl-C again to kill them)';
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
        const values = formatValues(event.values);
        this.streams.err.write(`         ${event.instance}: ${event.phase} ${values}\n`);
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
