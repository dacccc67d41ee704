/**
 * Live progress for a terminal: finished instances scroll by as lines, and a
 * block at the bottom of stderr shows what is running, its phase, step and
 * latest values, and an estimate of the time left.
 */
import type { Logger, RunEvent } from './events.js';
import { describeEvent, type Streams, writeReport } from './logger-plain.js';
import { formatDuration, formatProgress, formatSummary } from './format.js';

interface Running {
  started: number;
  step?: number;
  total?: number;
  phase?: string;
  values?: Record<string, number>;
}

export class TtyLogger implements Logger {
  private readonly running = new Map<string, Running>();
  private queued = 0;
  private finished = 0;
  private total = 0;
  private jobs = 1;
  private readonly durations: number[] = [];
  private drawnLines = 0;
  private readonly timer: NodeJS.Timeout;
  private dirty = false;

  constructor(private readonly streams: Streams) {
    this.timer = setInterval(() => this.dirty && this.redraw(), 100);
    this.timer.unref();
  }

  log(event: RunEvent): void {
    this.track(event);
    if (event.type === 'report') {
      this.print(() => writeReport(this.streams.out, event));
    } else if (event.type === 'run-end') {
      this.print(() => this.streams.out.write(formatSummary(event.summary)));
    } else if (event.type !== 'instance-cached' && event.type !== 'instance-progress') {
      const line = describeEvent(event);
      if (line !== undefined) this.print(() => this.streams.err.write(line + '\n'));
    }
    this.dirty = true;
  }

  close(): void {
    clearInterval(this.timer);
    this.clear();
  }

  private track(event: RunEvent): void {
    switch (event.type) {
      case 'run-start':
        this.total = event.instances;
        this.jobs = event.jobs;
        break;
      case 'instance-cached':
        this.finished += 1;
        break;
      case 'instance-queued':
        this.queued += 1;
        break;
      case 'instance-start':
        this.queued = Math.max(0, this.queued - 1);
        this.running.set(event.instance, { started: Date.now() });
        break;
      case 'instance-progress': {
        const r = this.running.get(event.instance);
        if (r !== undefined) Object.assign(r, event);
        break;
      }
      case 'instance-done':
        this.durations.push(event.wallMs);
        this.end(event.instance);
        break;
      case 'instance-failed':
        this.end(event.instance);
        break;
      case 'instance-skipped':
        if (!this.running.has(event.instance)) this.queued = Math.max(0, this.queued - 1);
        this.end(event.instance);
        break;
      default:
        break;
    }
  }

  private end(id: string): void {
    this.running.delete(id);
    this.finished += 1;
  }

  /** Write permanent output above the live block. */
  private print(write: () => void): void {
    this.clear();
    write();
    this.dirty = true;
  }

  private clear(): void {
    if (this.drawnLines > 0) this.streams.err.write(`\x1b[${this.drawnLines}A\x1b[0J`);
    this.drawnLines = 0;
  }

  private redraw(): void {
    this.clear();
    this.dirty = false;
    if (this.total === 0) return;
    const lines = [
      `${this.finished}/${this.total} done · ${this.running.size} running · ` +
        `${this.queued} queued${this.eta()}`,
    ];
    // A pseudo-terminal without a size reports 0 columns.
    const width = (this.streams.err as NodeJS.WriteStream).columns || 100;
    for (const [id, r] of this.running) {
      const elapsed = formatDuration(Date.now() - r.started);
      const line = [`  ${id}`, formatProgress(r), elapsed].filter((p) => p !== '').join('  ');
      lines.push(line.slice(0, width - 1));
    }
    this.streams.err.write(lines.join('\n') + '\n');
    this.drawnLines = lines.length;
  }

  private eta(): string {
    const now = Date.now();
    // Durations of finished instances, and projected ones of running ones.
    const projected = [...this.running.values()]
      .filter((r) => r.step && r.total)
      .map((r) => ((now - r.started) * r.total!) / r.step!);
    const known = [...this.durations, ...projected];
    if (known.length === 0) return '';
    const mean = known.reduce((a, b) => a + b, 0) / known.length;

    let left = this.queued * mean;
    for (const r of this.running.values()) {
      const elapsed = now - r.started;
      left +=
        r.step && r.total ? (elapsed * (r.total - r.step)) / r.step : Math.max(0, mean - elapsed);
    }
    const parallel = Math.max(1, Math.min(this.jobs, this.running.size + this.queued));
    return ` · ETA ${formatDuration(left / parallel)}`;
  }
}
