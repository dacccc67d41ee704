/**
 * Prints a diagnostic the way a person reads it: location, code and message,
 * the source line with the offending characters underlined, a second place
 * where there is one, and the hint.
 */
import type { Diagnostic } from './diagnostic.js';
import type { SourcePos } from './plan.js';
import { lineCol } from './source.js';

const ANSI = {
  red: '\x1b[31m',
  yellow: '\x1b[33m',
  cyan: '\x1b[36m',
  bold: '\x1b[1m',
  dim: '\x1b[2m',
  reset: '\x1b[0m',
};

type Paint = (style: keyof typeof ANSI, text: string) => string;

/** The source line at a position and a caret line under `length` characters. */
function excerpt(
  pos: SourcePos,
  length: number,
  text: string | undefined,
  paint: Paint,
  style: keyof typeof ANSI,
): string[] {
  if (!text) return [];
  const offset = Math.max(0, Math.min(pos.offset, text.length));
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  const line = text.slice(start, end).replace(/\r$/, '');

  // Tabs in the prefix are kept so the caret lines up in a terminal.
  const prefix = line.slice(0, offset - start).replace(/[^\t]/g, ' ');
  const width = Math.max(1, Math.min(length, line.length - (offset - start)));
  return [line, prefix + paint(style, '^'.repeat(width))];
}

function where(pos: SourcePos, text: string | undefined): string {
  const lc = text !== undefined ? lineCol(text, pos.offset) : pos;
  return `${pos.file}:${lc.line}:${lc.col}`;
}

export function formatDiagnostic(
  d: Diagnostic,
  sources: Map<string, string>,
  color = false,
): string {
  const paint: Paint = (style, text) => (color ? `${ANSI[style]}${text}${ANSI.reset}` : text);
  const tone = d.severity === 'error' ? 'red' : 'yellow';
  const text = sources.get(d.pos.file);
  const label = d.severity === 'warning' ? `warning: ${d.message}` : d.message;
  const lines = [`${paint('bold', where(d.pos, text))}  ${paint(tone, d.code)}  ${label}`];
  lines.push(...excerpt(d.pos, d.length, text, paint, tone));
  if (d.related) {
    const rt = sources.get(d.related.pos.file);
    lines.push(`${paint('bold', where(d.related.pos, rt))}  note: ${d.related.message}`);
    lines.push(...excerpt(d.related.pos, d.related.length, rt, paint, 'cyan'));
  }
  if (d.hint) lines.push(`${paint('cyan', 'hint:')} ${d.hint}`);
  return lines.join('\n');
}
