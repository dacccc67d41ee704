/**
 * Bad data, collected rather than thrown: every skipped item and every
 * warning becomes a message naming the stage instance and the file, goes to
 * the instance's log, and is counted by reason for the stage's summary. A
 * problem that should stop the stage (an option says so) is a DataError.
 */

/** Why an item was left out. */
export type SkipReason =
  | 'unreadable-image'
  | 'unreadable-mask'
  | 'missing-mask'
  | 'mask-size-mismatch'
  | 'path-escapes-root'
  | 'duplicate-id'
  | 'bad-label'
  | 'bad-split'
  | 'bad-row';

/** Something worth knowing that did not drop the item (or dropped a column). */
export type WarningReason =
  | 'mask-resized'
  | 'image-resized'
  | 'empty-mask'
  | 'missing-label-column'
  | 'decoy-not-placed'
  | 'several-labels';

/** A problem the user asked to be fatal, or one the stage cannot work around. */
export class DataError extends Error {
  override name = 'DataError';
}

/** Messages kept verbatim in the summary; the rest are counted only. */
const KEEP_MESSAGES = 50;

export interface ProblemSummary {
  skipped: Partial<Record<SkipReason, number>>;
  warnings: Partial<Record<WarningReason, number>>;
  /** The first messages, in order; `messages_left_off` counts the others. */
  messages: string[];
  messages_left_off: number;
}

export class DataProblems {
  private readonly skipped: Partial<Record<SkipReason, number>> = {};
  private readonly warnings: Partial<Record<WarningReason, number>> = {};
  private readonly messages: string[] = [];
  private leftOff = 0;

  /**
   * @param stage instance id put in front of every message
   * @param log the instance's log (ctx.log)
   */
  constructor(
    private readonly stage: string,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** Record a skipped item; returns the message. */
  skip(reason: SkipReason, file: string, what: string): string {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + 1;
    return this.note(`${this.stage}: ${file}: ${what}; skipped (${reason})`);
  }

  warn(reason: WarningReason, file: string, what: string): string {
    this.warnings[reason] = (this.warnings[reason] ?? 0) + 1;
    return this.note(`${this.stage}: ${file}: ${what} (${reason})`);
  }

  /** A DataError carrying the same kind of message, for the caller to throw. */
  fatal(file: string, what: string): DataError {
    return new DataError(`${this.stage}: ${file}: ${what}`);
  }

  skippedTotal(): number {
    return Object.values(this.skipped).reduce((a, b) => a + (b ?? 0), 0);
  }

  summary(): ProblemSummary {
    return {
      skipped: { ...this.skipped },
      warnings: { ...this.warnings },
      messages: [...this.messages],
      messages_left_off: this.leftOff,
    };
  }

  private note(message: string): string {
    this.log(message);
    if (this.messages.length < KEEP_MESSAGES) this.messages.push(message);
    else this.leftOff++;
    return message;
  }
}

/**
 * The terminal line for a data stage whose `summary` output counts skipped
 * items or warnings: `3 items skipped (2 unreadable-image, 1 missing-mask);
 * 1 warning (1 empty-mask)`; undefined when there is nothing to say.
 */
export function problemNotice(outputs: Record<string, unknown>): string | undefined {
  const summary = outputs.summary as Partial<ProblemSummary> | undefined;
  const part = (
    counts: Record<string, number | undefined> | undefined,
    word: (n: number) => string,
  ) => {
    const entries = Object.entries(counts ?? {}).filter(([, n]) => (n ?? 0) > 0);
    const total = entries.reduce((a, [, n]) => a + (n ?? 0), 0);
    if (total === 0) return undefined;
    const list = entries.map(([reason, n]) => `${n} ${reason}`).join(', ');
    return `${word(total)} (${list})`;
  };
  const parts = [
    part(summary?.skipped, (n) => `${n} ${n === 1 ? 'item' : 'items'} skipped`),
    part(summary?.warnings, (n) => `${n} ${n === 1 ? 'warning' : 'warnings'}`),
  ].filter((x) => x !== undefined);
  return parts.length === 0 ? undefined : parts.join('; ');
}
