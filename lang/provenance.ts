/**
 * Values set on the command line (`-p`, `-s`) are checked where the study
 * uses them, so a problem they cause is reported at that place in the YAML.
 * This module finds which overrides a YAML value reads, so the report can
 * show the override as its second location.
 */
import type { ParamOverride } from './overrides.js';
import { findReferences } from './resolve.js';
import { COMMAND_LINE, type Related, type Reporter } from './source.js';
import type { SweepOverride } from './sweep.js';
import type { YNode } from './yaml-tree.js';

export interface AppliedOverrides {
  params: readonly ParamOverride[];
  sweep: readonly SweepOverride[];
}

/**
 * Codes about how an expression is written rather than about the values it
 * reads; an override cannot cause them, so they get no command-line note.
 */
const NOT_FROM_VALUES = new Set([
  'EXPRESSION_SYNTAX',
  'UNCLOSED_EXPRESSION',
  'UNKNOWN_NAME',
  'UNKNOWN_FUNCTION',
  'NOT_CALLED',
  'UNKNOWN_STAGE',
  'UNKNOWN_OUTPUT',
  'BAD_STAGE_REFERENCE',
  'REFERENCE_IN_STRING',
  'STAGE_REFERENCE_NOT_ALLOWED',
  'UNDECLARED_ENV',
  'ENV_NOT_SET',
  'BAD_ENV_REFERENCE',
  'UNKNOWN_AXIS',
  'GATHERED_AXIS_USED',
]);

/** One path is the other or lies inside it (`params.train` holds `params.train.epochs`). */
function overlaps(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  return a.slice(0, n).every((k, i) => k === b[i]);
}

/** The first override whose value the node reads, as a second location. */
export function overrideSource(
  node: YNode | undefined,
  overrides: AppliedOverrides,
  axes: readonly string[],
  rep: Reporter,
): Related | undefined {
  if (!node || (overrides.params.length === 0 && overrides.sweep.length === 0)) return undefined;
  const refs = findReferences(node, axes, rep);
  const param = overrides.params.find((o) => refs.params.some((p) => overlaps(p, o.path)));
  const axis = overrides.sweep.find((o) => refs.axes.some((a) => a.axis === o.axis));
  const flag = param ? '-p' : '-s';
  const o = param ?? axis;
  if (!o) return undefined;
  return {
    file: COMMAND_LINE,
    offset: o.offset,
    length: o.arg.length,
    message: `the value comes from \`${flag} ${o.arg}\` on the command line`,
  };
}

/** Runs `fn`; value problems it reports without a second location get `related`. */
export function fromOverride<T>(related: Related | undefined, rep: Reporter, fn: () => T): T {
  return rep.within(related && { related, applies: (code) => !NOT_FROM_VALUES.has(code) }, fn);
}
