/**
 * The sweep section: axes (grid and zip) and the cells they make, with
 * extra cells from `include` and cells removed by `exclude`.
 */
import type { Json } from '../stdlib/types.js';
import { canonicalJson, containsRef, deepEqual, isMap, typeName } from './expr/value.js';
import { resolveNode, templateOf, type ResolveScope } from './resolve.js';
import { fromOverride, overrideSource, type AppliedOverrides } from './provenance.js';
import { COMMAND_LINE, type Reporter } from './source.js';
import { didYouMean } from './suggest.js';
import { span, type YMap, type YNode } from './yaml-tree.js';

export interface Axis {
  name: string;
  values: Json[];
  /** Where the axis is declared (its key). */
  file: string;
  offset: number;
  length: number;
  /** `grid`, or `zip` for axes that move together. */
  group: 'grid' | 'zip';
}

export interface Cell {
  id: string;
  axes: Record<string, Json>;
}

/** `-s axis=v1,v2` from the command line, located in the command-line text. */
export interface SweepOverride {
  axis: string;
  values: Json[];
  offset: number;
  length: number;
  /** The whole argument as written, e.g. `target=in_mask,out_mask`. */
  arg: string;
}

const SECTIONS = ['grid', 'zip', 'include', 'exclude'];

/** How a value reads in an id: plain strings bare, anything ambiguous as JSON. */
export function formatAxisValue(v: Json): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string' && /^[A-Za-z_][\w./-]*$/.test(v) && !/^(true|false|null)$/.test(v))
    return v;
  return canonicalJson(v);
}

export function cellId(axes: Record<string, Json>, order: readonly string[]): string {
  return order
    .filter((a) => a in axes)
    .map((a) => `${a}=${formatAxisValue(axes[a]!)}`)
    .join(',');
}

export function buildSweep(
  node: YNode | undefined,
  scope: ResolveScope,
  overrides: AppliedOverrides,
  rep: Reporter,
): { axes: Axis[]; cells: Cell[] } {
  const axes: Axis[] = [];
  let include: YNode | undefined;
  let exclude: { node: YNode; key: YNode } | undefined;

  if (node && !(node.kind === 'scalar' && node.value === null)) {
    if (node.kind !== 'map') {
      rep.error({
        code: 'BAD_SWEEP',
        message: `\`sweep\` must be a map of axes, not ${typeName(node.kind === 'seq' ? [] : node.value)}`,
        file: node.file,
        offset: node.start,
        length: span(node),
        hint: 'write `sweep: {grid: {axis: [v1, v2]}}` or `sweep: {axis: [v1, v2]}`',
      });
    } else if (!node.entries.some((e) => SECTIONS.includes(e.key))) {
      readAxes(node, 'grid', scope, overrides, rep, axes);
    } else {
      for (const e of node.entries) {
        if (e.key === 'grid' || e.key === 'zip')
          readAxes(e.value, e.key, scope, overrides, rep, axes);
        else if (e.key === 'include') include = e.value;
        else if (e.key === 'exclude') exclude = { node: e.value, key: e.keyNode };
        else {
          rep.error({
            code: 'UNKNOWN_KEY',
            message: `\`${e.key}\` is not a sweep section`,
            file: e.keyNode.file,
            offset: e.keyNode.start,
            length: span(e.keyNode),
            hint: didYouMean(e.key, SECTIONS),
          });
        }
      }
    }
  }
  applyOverrides(axes, overrides.sweep, rep);
  const names = axes.map((a) => a.name);
  const zipOk = checkZip(axes, rep);
  let cells = zipOk
    ? dedupeCells(
        product(axes),
        names,
        axes.find((a) => a.group === 'zip'),
        rep,
      )
    : [];
  if (include) cells = addIncluded(cells, include, axes, scope, rep);
  if (exclude) cells = applyExclude(cells, exclude.node, exclude.key, names, scope, rep);
  return { axes, cells: cells.map((axes) => ({ id: cellId(axes, names), axes })) };
}

function readAxes(
  node: YNode,
  group: 'grid' | 'zip',
  scope: ResolveScope,
  overrides: AppliedOverrides,
  rep: Reporter,
  out: Axis[],
): void {
  if (node.kind !== 'map') {
    rep.error({
      code: 'BAD_SWEEP',
      message: `\`${group}\` must map axis names to lists of values`,
      file: node.file,
      offset: node.start,
      length: span(node),
      hint: `write \`${group}: {lr: [0.1, 0.01]}\``,
    });
    return;
  }
  for (const e of node.entries) {
    const at = { file: e.keyNode.file, offset: e.keyNode.start, length: span(e.keyNode) };
    const before = out.find((a) => a.name === e.key);
    if (before) {
      rep.error({
        code: 'DUPLICATE_AXIS',
        message: `axis \`${e.key}\` is declared twice`,
        ...at,
        related: {
          file: before.file,
          offset: before.offset,
          length: before.length,
          message: 'first declared here',
        },
      });
      continue;
    }
    // Axis values may read params set by `-p`; problems they cause show the flag too.
    const source = overrideSource(e.value, { params: overrides.params, sweep: [] }, [], rep);
    const value = fromOverride(source, rep, () => {
      const v = resolveNode(e.value, scope, rep);
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || containsRef(v)) {
        rep.error({
          code: 'AXIS_NOT_A_LIST',
          message: `the values of axis \`${e.key}\` must be a list, not ${typeName(v)}`,
          file: e.value.file,
          offset: e.value.start,
          length: span(e.value),
          hint: `write \`${e.key}: [a, b]\``,
        });
        return undefined;
      }
      if (v.length === 0) {
        rep.error({
          code: 'EMPTY_AXIS',
          message: `axis \`${e.key}\` has no values, so the sweep has no cells`,
          file: e.value.file,
          offset: e.value.start,
          length: span(e.value),
          hint: 'give the axis at least one value, or remove it',
        });
        return undefined;
      }
      return v;
    });
    if (value === undefined) continue;
    // Zipped values pair up by position, so repeats there are meaningful;
    // values that `-s` replaces never run, so their repeats do not matter.
    const replaced = overrides.sweep.some((o) => o.axis === e.key);
    const values =
      group === 'zip' || replaced
        ? (value as Json[])
        : dedupe(
            value as Json[],
            e.key,
            { file: e.value.file, offset: e.value.start, length: span(e.value) },
            rep,
          );
    out.push({ name: e.key, values, ...at, group });
  }
}

/** The values without repeats (`1e1` repeats `10`), with a warning naming them. */
function dedupe(
  values: Json[],
  axis: string,
  at: { file: string; offset: number; length: number },
  rep: Reporter,
): Json[] {
  const seen = new Set<string>();
  const repeated: string[] = [];
  const out = values.filter((v) => {
    const k = canonicalJson(v);
    if (seen.has(k)) {
      repeated.push(formatAxisValue(v));
      return false;
    }
    seen.add(k);
    return true;
  });
  if (repeated.length > 0) {
    rep.warn({
      code: 'DUPLICATE_AXIS_VALUE',
      message: `axis \`${axis}\` lists ${[...new Set(repeated)].join(', ')} more than once; each value runs once`,
      ...at,
      hint: 'remove the repeated values',
    });
  }
  return out;
}

/** Cells without repeats (zipped axes can pair the same values twice). */
function dedupeCells(
  cells: Record<string, Json>[],
  names: readonly string[],
  zip: Axis | undefined,
  rep: Reporter,
): Record<string, Json>[] {
  const seen = new Set<string>();
  const out = cells.filter((c) => {
    const id = cellId(c, names);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  if (out.length < cells.length && zip !== undefined) {
    rep.warn({
      code: 'DUPLICATE_AXIS_VALUE',
      message: `the zipped axes pair the same values more than once; ${cells.length - out.length} repeated cell(s) run once`,
      file: zip.file,
      offset: zip.offset,
      length: zip.length,
      hint: 'remove the repeated positions from the zipped lists',
    });
  }
  return out;
}

function applyOverrides(axes: Axis[], overrides: readonly SweepOverride[], rep: Reporter): void {
  for (const o of overrides) {
    const axis = axes.find((a) => a.name === o.axis);
    if (!axis) {
      rep.error({
        code: 'UNKNOWN_AXIS',
        message: `the study has no sweep axis \`${o.axis}\``,
        file: COMMAND_LINE,
        offset: o.offset,
        length: o.axis.length,
        hint: didYouMean(
          o.axis,
          axes.map((a) => a.name),
        ),
      });
      continue;
    }
    axis.values =
      axis.group === 'zip'
        ? o.values
        : dedupe(o.values, o.axis, { file: COMMAND_LINE, offset: o.offset, length: o.length }, rep);
    Object.assign(axis, { file: COMMAND_LINE, offset: o.offset, length: o.length });
  }
}

function checkZip(axes: Axis[], rep: Reporter): boolean {
  const zip = axes.filter((a) => a.group === 'zip');
  const first = zip[0];
  let ok = true;
  for (const a of zip.slice(1)) {
    if (a.values.length === first!.values.length) continue;
    ok = false;
    rep.error({
      code: 'ZIP_LENGTH_MISMATCH',
      message: `zipped axis \`${a.name}\` has ${a.values.length} values but \`${first!.name}\` has ${first!.values.length}`,
      file: a.file,
      offset: a.offset,
      length: a.length,
      hint: 'zipped axes are paired value by value, so their lists must be equally long',
      related: {
        file: first!.file,
        offset: first!.offset,
        length: first!.length,
        message: `\`${first!.name}\` is declared here`,
      },
    });
  }
  return ok;
}

/** Cartesian product; the first axis varies slowest, zipped axes move together. */
function product(axes: Axis[]): Record<string, Json>[] {
  let cells: Record<string, Json>[] = [{}];
  let zipDone = false;
  for (const a of axes) {
    if (a.group === 'zip') {
      if (zipDone) continue;
      zipDone = true;
      const zip = axes.filter((z) => z.group === 'zip');
      cells = cells.flatMap((c) =>
        a.values.map((_, i) =>
          Object.fromEntries([...Object.entries(c), ...zip.map((z) => [z.name, z.values[i]!])]),
        ),
      );
      continue;
    }
    cells = cells.flatMap((c) => a.values.map((v) => ({ ...c, [a.name]: v })));
  }
  return axes.length === 0 ? [{}] : cells;
}

function sameCell(a: Record<string, Json>, b: Record<string, Json>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => k in a && k in b && deepEqual(a[k]!, b[k]!));
}

function addIncluded(
  cells: Record<string, Json>[],
  node: YNode,
  axes: Axis[],
  scope: ResolveScope,
  rep: Reporter,
): Record<string, Json>[] {
  const names = axes.map((a) => a.name);
  const out = [...cells];
  const items = node.kind === 'seq' ? node.items : [node];
  for (const item of items) {
    if (item.kind !== 'map') {
      rep.error({
        code: 'BAD_SWEEP',
        message: 'each `include` entry must be a map of axis values',
        file: item.file,
        offset: item.start,
        length: span(item),
        hint: 'write `include: [{target: extra, lr: 1}]`',
      });
      continue;
    }
    const cell = readCellMap(item, names, scope, rep);
    if (!cell) continue;
    const missing = names.filter((n) => !(n in cell));
    if (missing.length > 0) {
      rep.error({
        code: 'INCOMPLETE_INCLUDE',
        message: `this included cell gives no value for ${missing.map((m) => `\`${m}\``).join(', ')}`,
        file: item.file,
        offset: item.start,
        length: span(item),
        hint: 'an included cell names a value for every axis',
      });
      continue;
    }
    const ordered = Object.fromEntries(names.map((n) => [n, cell[n]!]));
    if (!out.some((c) => sameCell(c, ordered))) out.push(ordered);
  }
  return out;
}

function readCellMap(
  item: YMap,
  names: string[],
  scope: ResolveScope,
  rep: Reporter,
): Record<string, Json> | undefined {
  const cell: Record<string, Json> = {};
  let ok = true;
  for (const e of item.entries) {
    if (!names.includes(e.key)) {
      rep.error({
        code: 'UNKNOWN_AXIS',
        message: `there is no sweep axis \`${e.key}\``,
        file: e.keyNode.file,
        offset: e.keyNode.start,
        length: span(e.keyNode),
        hint: didYouMean(e.key, names),
      });
      ok = false;
      continue;
    }
    const v = resolveNode(e.value, scope, rep);
    if (v === undefined || containsRef(v)) ok = false;
    else cell[e.key] = v as Json;
  }
  return ok ? cell : undefined;
}

function applyExclude(
  cells: Record<string, Json>[],
  node: YNode,
  key: YNode,
  names: string[],
  scope: ResolveScope,
  rep: Reporter,
): Record<string, Json>[] {
  const before = cells.length;
  let out = cells;
  const items = node.kind === 'seq' ? node.items : [node];
  for (const item of items) {
    const matches = excludeMatcher(item, names, scope, rep);
    if (!matches) continue;
    const kept = out.filter((c) => !matches(c));
    if (kept.length === out.length) {
      rep.warn({
        code: 'EXCLUDE_MATCHES_NOTHING',
        message: 'this exclude entry removes no cell',
        file: item.file,
        offset: item.start,
        length: span(item),
        hint: 'check the axis values; an exclude names cells of the sweep',
      });
    }
    out = kept;
  }
  if (before > 0 && out.length === 0) {
    rep.error({
      code: 'EXCLUDE_REMOVES_ALL',
      message: `\`exclude\` removes all ${before} cells of the sweep`,
      file: key.file,
      offset: key.start,
      length: span(key),
      hint: 'loosen the exclude entries so that at least one cell remains',
    });
  }
  return out;
}

function excludeMatcher(
  item: YNode,
  names: string[],
  scope: ResolveScope,
  rep: Reporter,
): ((c: Record<string, Json>) => boolean) | undefined {
  if (item.kind === 'map') {
    const partial = readCellMap(item, names, scope, rep);
    if (!partial) return undefined;
    return (c) => Object.keys(partial).every((k) => deepEqual(c[k]!, partial[k]!));
  }
  if (item.kind === 'scalar' && typeof item.value === 'string' && templateOf(item, rep)) {
    return (c) => {
      const v = resolveNode(item, { ...scope, axes: names, sweep: c }, rep);
      if (v === undefined) return false;
      if (typeof v === 'boolean') return v;
      rep.error({
        code: 'TYPE_MISMATCH',
        message: `an exclude condition must be true or false, not ${typeName(v)}`,
        file: item.file,
        offset: item.start,
        length: span(item),
      });
      return false;
    };
  }
  rep.error({
    code: 'BAD_SWEEP',
    message: 'an `exclude` entry is a map of axis values or a `${{ }}` condition',
    file: item.file,
    offset: item.start,
    length: span(item),
    hint: 'write `{target: out_mask}` or `"${{ sweep.lr > 0.05 }}"`',
  });
  return undefined;
}
