/**
 * Problems found in a study are values, collected and reported together.
 * Offsets are stored; lines and columns are computed when printing.
 */
import type { SourcePos } from './plan.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** SNAKE_CASE code, e.g. UNKNOWN_STAGE_KIND, TYPE_MISMATCH, YAML_SYNTAX. */
  code: string;
  severity: Severity;
  message: string;
  /** Start of the offending text and its length in characters (≥ 1). */
  pos: SourcePos;
  length: number;
  /** What to do about it. */
  hint?: string;
  /** A second location, e.g. "first defined here". */
  related?: { pos: SourcePos; length: number; message: string };
}
