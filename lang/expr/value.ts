/** Values computed by expressions: JSON plus symbolic stage outputs. */
import type { Json } from '../../stdlib/types.js';

/** `stages.NAME.OUTPUT`: known only when the runtime has run the stage. */
export class StageRef {
  constructor(
    readonly stage: string,
    readonly output: string,
    /** Where the reference is written (offset in the file). */
    readonly file: string,
    readonly offset: number,
    readonly length: number,
  ) {}
}

export type Value = Json | StageRef | Value[] | { [key: string]: Value };

/** A problem found while evaluating; offsets are relative to the expression. */
export class EvalError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly offset: number,
    readonly end: number,
    readonly hint?: string,
    /** Offsets are file offsets already (errors about other parts of the study). */
    readonly inFile?: { file: string },
  ) {
    super(message);
  }
}

export function isMap(v: Value): v is { [key: string]: Value } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof StageRef);
}

export function typeName(v: Value): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof StageRef) return 'a stage output';
  if (typeof v === 'object') return 'a map';
  return `a ${typeof v}`;
}

export function containsRef(v: Value): boolean {
  if (v instanceof StageRef) return true;
  if (Array.isArray(v)) return v.some(containsRef);
  if (isMap(v)) return Object.values(v).some(containsRef);
  return false;
}

/** Canonical text of a value: numbers as JavaScript prints them, maps with sorted keys. */
export function canonicalJson(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k]!)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** How a value reads inside a string: strings as is, the rest as JSON. */
export function display(v: Json): string {
  return typeof v === 'string' ? v : canonicalJson(v);
}

export function deepEqual(a: Value, b: Value): boolean {
  if (a instanceof StageRef || b instanceof StageRef) return false;
  return canonicalJson(a as Json) === canonicalJson(b as Json);
}
