/**
 * The run journal: every state change of a run as one JSON line in
 * `<cache-dir>/journal/<run-id>.jsonl`. Re-running a study does not need it
 * (published entries are found by key); `alignlab status` reads it to say
 * what the last run did and where it stopped.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger, RunEvent } from './events.js';
import { faultPoint, faultsArmed } from './fault.js';

export type JournalLine = RunEvent & { time: string };

/** A logger that appends state changes (not progress ticks) to the journal. */
export class JournalLogger implements Logger {
  /** Open for appending while the run lasts: one write call per line. */
  private fd: number | undefined;

  constructor(private readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  private append(text: string): void {
    this.fd ??= openSync(this.path, 'a');
    writeSync(this.fd, text);
  }

  log(event: RunEvent): void {
    if (event.type === 'instance-progress' || event.type === 'report') return;
    const line: JournalLine = { time: new Date().toISOString(), ...event };
    const text = JSON.stringify(line) + '\n';
    if (faultsArmed) {
      // Crash tests: a line torn half-way, as a kill mid-append leaves it.
      this.append(text.slice(0, text.length >> 1));
      faultPoint('journal-torn');
      this.append(text.slice(text.length >> 1));
      return;
    }
    // Synchronous write: the line is with the kernel before the next state
    // change, which is what makes the journal trustworthy after kill -9.
    this.append(text);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Run ids sort by start time: ISO time, then pid. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
}

/** Path of the most recent journal, if any run has been recorded. */
export async function latestJournal(dir: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return undefined;
  }
  names.sort();
  const last = names.at(-1);
  return last === undefined ? undefined : join(dir, last);
}

/** Lines of a journal; a torn last line (killed mid-write) is skipped. */
export async function readJournal(path: string): Promise<JournalLine[]> {
  const lines: JournalLine[] = [];
  for (const text of (await readFile(path, 'utf8')).split('\n')) {
    if (text.trim() === '') continue;
    try {
      lines.push(JSON.parse(text) as JournalLine);
    } catch {
      // Only the last line can be torn; nothing after it to lose.
    }
  }
  return lines;
}
