/**
 * Source texts and the diagnostics collected while reading them. Every
 * problem is pushed into a Reporter; nothing is thrown for a bad study.
 */
import type { Diagnostic, Severity } from './diagnostic.js';
import type { SourcePos } from './plan.js';

/** The pseudo file that holds `-p`, `-s` and `--seed` overrides. */
export const COMMAND_LINE = '<command line>';

/** Line and column (1-based) of an offset in a text. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  const at = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: at - lineStart + 1 };
}

export interface Related {
  file: string;
  offset: number;
  length: number;
  message: string;
}

export interface Report {
  code: string;
  message: string;
  file: string;
  offset: number;
  length?: number;
  hint?: string;
  related?: Related;
  severity?: Severity;
}

/** Collects diagnostics; turns offsets into positions using the known sources. */
/** A second location given to the problems reported while it is in force. */
export interface ReportContext {
  related: Related;
  /** Whether a problem with this code gets the location. */
  applies(code: string): boolean;
}

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  private readonly seen = new Set<string>();
  private context: ReportContext | undefined;

  constructor(readonly sources: Map<string, string>) {}

  pos(file: string, offset: number): SourcePos {
    const text = this.sources.get(file) ?? '';
    const clamped = Math.max(0, Math.min(offset, text.length));
    return { file, offset: clamped, ...lineCol(text, clamped) };
  }

  report(r: Report): void {
    // The same problem found while compiling several instances is shown once.
    const key = `${r.code}\0${r.file}\0${r.offset}\0${r.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const d: Diagnostic = {
      code: r.code,
      severity: r.severity ?? 'error',
      message: r.message,
      pos: this.pos(r.file, r.offset),
      length: Math.max(1, r.length ?? 1),
    };
    if (r.hint !== undefined) d.hint = r.hint;
    const related = r.related ?? (this.context?.applies(r.code) ? this.context.related : undefined);
    if (related) {
      d.related = {
        pos: this.pos(related.file, related.offset),
        length: Math.max(1, related.length),
        message: related.message,
      };
    }
    this.diagnostics.push(d);
  }

  /** Runs `fn` with `context` applying to what it reports (an outer context stays when none is given). */
  within<T>(context: ReportContext | undefined, fn: () => T): T {
    const outer = this.context;
    this.context = context ?? outer;
    try {
      return fn();
    } finally {
      this.context = outer;
    }
  }

  error(r: Omit<Report, 'severity'>): void {
    this.report({ ...r, severity: 'error' });
  }

  warn(r: Omit<Report, 'severity'>): void {
    this.report({ ...r, severity: 'warning' });
  }

  get errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === 'error').length;
  }

  /** Diagnostics in source order: by file (first seen), then offset. */
  sorted(): Diagnostic[] {
    const files = [...this.sources.keys()];
    const rank = (f: string) => {
      const i = files.indexOf(f);
      return i < 0 ? files.length : i;
    };
    return this.diagnostics
      .map((d, i) => ({ d, i }))
      .sort(
        (a, b) =>
          rank(a.d.pos.file) - rank(b.d.pos.file) || a.d.pos.offset - b.d.pos.offset || a.i - b.i,
      )
      .map((x) => x.d);
  }
}
