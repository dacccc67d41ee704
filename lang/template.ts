/**
 * Splits a YAML string into literal text and `${{ }}` expressions. `$${{`
 * stands for a literal `${{`. Indices are positions in the string value;
 * the scalar's offset table turns them into file offsets.
 */
import type { Expr } from './expr/ast.js';
import { parseExpression } from './expr/parser.js';

export type TemplatePart =
  | { kind: 'text'; text: string }
  /** `start` is the index in the value where the expression text begins. */
  | { kind: 'expr'; expr: Expr; start: number; end: number };

export interface Template {
  parts: TemplatePart[];
  /** The value is exactly one expression, so its result keeps its type. */
  whole: boolean;
}

export interface TemplateError {
  code: string;
  message: string;
  /** Index in the value and length. */
  index: number;
  length: number;
  hint?: string;
}

const OPEN = '${{';

/** Index of the `}}` closing an expression that starts at `from`, or -1. */
function findClose(value: string, from: number): number {
  let depth = 0;
  let quote = '';
  for (let j = from; j < value.length; j++) {
    const c = value[j];
    if (quote) {
      if (c === '\\') j++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      if (depth > 0) depth--;
      else if (value[j + 1] === '}') return j;
    }
  }
  return -1;
}

export function hasTemplate(value: string): boolean {
  return value.includes(OPEN);
}

export function parseTemplate(value: string): { template: Template; errors: TemplateError[] } {
  const parts: TemplatePart[] = [];
  const errors: TemplateError[] = [];
  let text = '';
  let i = 0;
  while (i < value.length) {
    const at = value.indexOf(OPEN, i);
    if (at < 0) {
      text += value.slice(i);
      break;
    }

    // `$${{` is an escaped, literal `${{`.
    if (at > 0 && value[at - 1] === '$') {
      text += value.slice(i, at - 1) + OPEN;
      i = at + OPEN.length;
      continue;
    }
    text += value.slice(i, at);
    const close = findClose(value, at + OPEN.length);
    if (close < 0) {
      errors.push({
        code: 'UNCLOSED_EXPRESSION',
        message: 'this `${{` has no matching `}}`',
        index: at,
        length: OPEN.length,
        hint: 'close the expression with `}}`, or write `$${{` for a literal `${{`',
      });
      text += value.slice(at);
      break;
    }
    if (text) parts.push({ kind: 'text', text });
    text = '';
    const start = at + OPEN.length;
    const source = value.slice(start, close);
    const parsed = parseExpression(source);
    if (parsed.error) {
      errors.push({
        code: 'EXPRESSION_SYNTAX',
        message: parsed.error.message,
        index: start + parsed.error.offset,
        length: parsed.error.length,
      });
    } else if (parsed.expr) {
      parts.push({ kind: 'expr', expr: parsed.expr, start, end: close });
    }
    i = close + 2;
  }
  if (text) parts.push({ kind: 'text', text });
  const whole =
    parts.length === 1 &&
    parts[0]!.kind === 'expr' &&
    value.startsWith(OPEN) &&
    value.endsWith('}}');
  return { template: { parts, whole }, errors };
}
