/**
 * `-p params.x=v`, `-s axis=a,b` and `--seed N` from the command line. They
 * are laid out as one line of text, the `<command line>` source, so their
 * problems print with a caret like any other.
 */
import { isSeq, parseDocument } from 'yaml';
import type { Json } from '../stdlib/types.js';
import type { SweepOverride } from './sweep.js';
import { COMMAND_LINE, type Reporter } from './source.js';

export interface ParamOverride {
  /** Path below `params`, e.g. ['train', 'epochs']. */
  path: string[];
  value: Json;
  /** Where the argument starts in the command-line text, and the length of its path. */
  offset: number;
  length: number;
  /** The whole argument as written, e.g. `params.epochs=5`. */
  arg: string;
}

export interface Overrides {
  params: ParamOverride[];
  sweep: SweepOverride[];
}

export function commandLineText(
  params: string[],
  sweep: string[],
  seed?: number,
): { text: string; paramAt: number[]; sweepAt: number[] } {
  let text = '';
  const add = (flag: string, arg: string): number => {
    text += `${text ? ' ' : ''}${flag} `;
    const at = text.length;
    text += arg;
    return at;
  };
  const paramAt = params.map((p) => add('-p', p));
  const sweepAt = sweep.map((s) => add('-s', s));
  if (seed !== undefined) add('--seed', String(seed));
  return { text, paramAt, sweepAt };
}

/** Parses a YAML value written on the command line; errors point into it. */
function yamlValue(src: string, at: number, rep: Reporter): Json | undefined {
  const doc = parseDocument(src, { prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    rep.error({
      code: 'BAD_OVERRIDE',
      message: 'this value is not valid YAML',
      file: COMMAND_LINE,
      offset: at + err.pos[0],
      length: err.pos[1] - err.pos[0],
      hint: "quote the value for your shell, e.g. -p 'params.x=[1, 2]'",
    });
    return undefined;
  }
  const v = toJs(doc);
  if (v !== undefined && normalize(v)) return v as Json;
  rep.error({
    code: 'BAD_OVERRIDE',
    message: 'this value has no JSON form',
    file: COMMAND_LINE,
    offset: at,
    length: Math.max(1, src.length),
    hint: 'write a number, a string, a list or a map',
  });
  return undefined;
}

/** The plain value of a parsed document; undefined where YAML cannot give one (bad aliases). */
function toJs(doc: ReturnType<typeof parseDocument>): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

function normalize(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(normalize);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
    return Object.values(v as object).every(normalize);
  return false;
}

export function parseOverrides(
  params: string[],
  sweep: string[],
  layout: { paramAt: number[]; sweepAt: number[] },
  rep: Reporter,
): Overrides {
  const out: Overrides = { params: [], sweep: [] };
  params.forEach((arg, i) => {
    const at = layout.paramAt[i]!;
    const eq = arg.indexOf('=');
    const path = (eq < 0 ? arg : arg.slice(0, eq)).trim();
    if (eq < 0 || !/^params(\.[A-Za-z_][\w-]*)+$/.test(path)) {
      rep.error({
        code: 'BAD_OVERRIDE',
        message:
          eq < 0
            ? '`-p` needs a value: `-p params.NAME=VALUE`'
            : `\`${path}\` is not a parameter path`,
        file: COMMAND_LINE,
        offset: at,
        length: Math.max(1, eq < 0 ? arg.length : eq),
        hint: 'write `-p params.epochs=5`',
      });
      return;
    }
    const value = yamlValue(arg.slice(eq + 1), at + eq + 1, rep);
    if (value === undefined) return;
    out.params.push({ path: path.split('.').slice(1), value, offset: at, length: eq, arg });
  });
  sweep.forEach((arg, i) => {
    const at = layout.sweepAt[i]!;
    const eq = arg.indexOf('=');
    const axis = (eq < 0 ? arg : arg.slice(0, eq)).trim();
    if (eq < 0 || !/^[A-Za-z_][\w-]*$/.test(axis) || eq === arg.length - 1) {
      rep.error({
        code: 'BAD_OVERRIDE',
        message: '`-s` needs an axis and its values: `-s AXIS=V1,V2`',
        file: COMMAND_LINE,
        offset: at,
        length: Math.max(1, arg.length),
        hint: 'write `-s target=in_mask,out_mask`',
      });
      return;
    }

    // The values are read as a YAML flow list, so `a,b`, `1,2.5` and `'x,y'` all work.
    const doc = parseDocument(`[${arg.slice(eq + 1)}]`, { prettyErrors: false });
    const err = doc.errors[0];
    if (err || !isSeq(doc.contents)) {
      const o = err ? Math.max(0, err.pos[0] - 1) : 0;
      rep.error({
        code: 'BAD_OVERRIDE',
        message: 'these axis values are not a valid YAML list',
        file: COMMAND_LINE,
        offset: at + eq + 1 + o,
        length: 1,
        hint: 'separate values with commas; quote values that contain commas',
      });
      return;
    }
    const values = toJs(doc) as unknown[] | undefined;
    if (!values || !values.every(normalize)) {
      rep.error({
        code: 'BAD_OVERRIDE',
        message: 'these axis values have no JSON form',
        file: COMMAND_LINE,
        offset: at + eq + 1,
        length: arg.length - eq - 1,
        hint: 'write plain values separated by commas',
      });
      return;
    }
    out.sweep.push({ axis, values: values as Json[], offset: at, length: eq, arg });
  });
  return out;
}
