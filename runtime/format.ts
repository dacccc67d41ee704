/**
 * Words for people: durations, the summary and its failure table. Shared by
 * the plain and TTY loggers and by `alignlab status`.
 */
import type { RunSummary } from './events.js';

export function formatDuration(ms: number): string {
  // Round once, at the precision shown, so that no field reaches 60.
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** `1 instance`, `3 instances`; `plural` for words that do not take an s. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/**
 * A stage's error without the instance id it may already start with
 * (`data: no images` under the heading `data`).
 */
export function errorOf(instance: string, error: string): string {
  return error.startsWith(`${instance}: `) ? error.slice(instance.length + 2) : error;
}

export function formatSummary(summary: RunSummary): string {
  const parts = [
    `${summary.executed} executed`,
    `${summary.cached} cached`,
    `${summary.failed} failed`,
  ];
  if (summary.skipped > 0) parts.push(`${summary.skipped} not run`);
  const head =
    `${count(summary.instances, 'instance')}: ${parts.join(', ')} ` +
    `(${formatDuration(summary.wallMs)})` +
    (summary.interrupted ? ' — interrupted; run the same command again to resume' : '');
  if (summary.failures.length === 0) return head + '\n';
  const rows = summary.failures.map((f) => [
    f.instance,
    firstLine(errorOf(f.instance, f.error)),
    f.log ?? '-',
  ]);
  return `${head}\n\nFailures:\n${formatTable(['instance', 'error', 'log'], rows)}`;
}

export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    '  ' + cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

export function formatValues(values: Record<string, number> | undefined): string {
  if (values === undefined) return '';
  return Object.entries(values)
    .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toPrecision(4)}`)
    .join(' ');
}

/** What a progress event says, in words, without empty parts. */
export interface ProgressText {
  phase?: string | undefined;
  step?: number | undefined;
  total?: number | undefined;
  values?: Record<string, number> | undefined;
}

/**
 * `epoch 2/3 · step 40/120 · epoch mean loss=0.4100`. Training reports the
 * mean of each value over the epoch so far, and says so in its phase
 * (`epoch 2/3 (epoch means)`); the label moves from the phase to the values
 * it describes. Other stages' values are shown as they come.
 */
export function formatProgress(p: ProgressText): string {
  const labelled = /^(.*?)\s*\(epoch means\)$/.exec(p.phase ?? '');
  const phase = labelled?.[1] ?? p.phase;
  const means = labelled !== null || /^epoch \d/.test(phase ?? '');
  const parts: string[] = [];
  if (phase) parts.push(phase);
  if (p.total) parts.push(`step ${p.step ?? 0}/${p.total}`);
  const values = formatValues(p.values);
  if (values !== '') parts.push(means ? `epoch mean ${values}` : values);
  return parts.join(' · ');
}
