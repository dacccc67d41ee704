/**
 * Evaluates an expression tree. Only the values of the study are reachable:
 * member access reads own keys of maps, calls reach the fixed function
 * library, and nothing touches JavaScript objects or prototypes.
 */
import type { Json } from '../../stdlib/types.js';
import { didYouMean } from '../suggest.js';
import { namePath, type Expr } from './ast.js';
import { FUNCTION_NAMES, FUNCTIONS } from './functions.js';
import { deepEqual, EvalError, isMap, StageRef, typeName, type Value } from './value.js';

export interface Scope {
  params: { [key: string]: Json };
  /** Values of the sweep axes this evaluation may read. */
  sweep: Record<string, Json>;
  /** All axis names of the study, in declaration order. */
  axes: readonly string[];
  /** Axes folded by the stage (not readable as `sweep.x`). */
  gathered: ReadonlySet<string>;
  seed: number;
  /** Declared environment variables and their values. */
  env: ReadonlyMap<string, string | undefined>;
  /** Resolves `stages.NAME.OUTPUT`; path offsets are relative to the expression. */
  stage(path: { name: string; offset: number; end: number }[]): StageRef;
}

const ROOTS = ['params', 'sweep', 'stages', 'env', 'seed'];

function fail(
  code: string,
  message: string,
  at: { offset: number; end: number },
  hint?: string,
): never {
  throw new EvalError(code, message, at.offset, at.end, hint);
}

export function evaluate(e: Expr, scope: Scope): Value {
  switch (e.type) {
    case 'literal':
      return e.value;
    case 'list':
      return e.items.map((i) => evaluate(i, scope));
    case 'map': {
      const out: { [key: string]: Value } = {};
      for (const en of e.entries) {
        Object.defineProperty(out, en.key, {
          value: evaluate(en.value, scope),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    case 'name':
      return evalName(e.name, e, scope);
    case 'member':
    case 'index':
      return evalAccess(e, scope);
    case 'call':
      return evalCall(e, scope);
    case 'unary':
      return evalUnary(e, scope);
    case 'binary':
      return evalBinary(e, scope);
    case 'conditional': {
      const test = evaluate(e.test, scope);
      if (typeof test !== 'boolean') {
        fail(
          'TYPE_MISMATCH',
          `the condition before \`?\` must be true or false, not ${typeName(test)}`,
          e.test,
        );
      }
      return evaluate(test ? e.then : e.otherwise, scope);
    }
  }
}

function evalName(name: string, at: { offset: number; end: number }, scope: Scope): Value {
  switch (name) {
    case 'params':
      return scope.params;
    case 'sweep':
      return scope.sweep;
    case 'seed':
      return scope.seed;
    case 'stages':
      return fail(
        'BAD_STAGE_REFERENCE',
        'name a stage and one of its outputs: `stages.NAME.OUTPUT`',
        at,
      );
    case 'env':
      return fail('BAD_ENV_REFERENCE', 'name a variable: `env.NAME`', at);
  }
  if (FUNCTIONS[name])
    return fail('NOT_CALLED', `\`${name}\` is a function; call it: \`${name}(…)\``, at);
  return fail('UNKNOWN_NAME', `unknown name \`${name}\``, at, didYouMean(name, ROOTS));
}

function evalAccess(e: Expr & { type: 'member' | 'index' }, scope: Scope): Value {
  const path = namePath(e);
  const root = path?.[0]?.name;

  // Stage outputs and sweep axes are resolved by name, not by walking values.
  if (path && root === 'stages') {
    if (path.length !== 3) {
      const msg =
        path.length < 3
          ? "name one of the stage's outputs: `stages.NAME.OUTPUT`"
          : 'a stage output is known only once the stage has run; refer to the whole output `stages.NAME.OUTPUT`';
      fail('BAD_STAGE_REFERENCE', msg, e);
    }
    return scope.stage(path);
  }
  if (path && root === 'sweep' && path.length >= 2) {
    const axis = path[1]!;
    if (!scope.axes.includes(axis.name)) {
      fail(
        'UNKNOWN_AXIS',
        `there is no sweep axis \`${axis.name}\``,
        axis,
        didYouMean(axis.name, scope.axes),
      );
    }
    if (scope.gathered.has(axis.name)) {
      fail(
        'GATHERED_AXIS_USED',
        `axis \`${axis.name}\` is gathered by this stage, so it has no single value here`,
        axis,
        'read the axis values from the gathered entries instead',
      );
    }
    if (path.length === 2) return scope.sweep[axis.name] ?? null;
  }
  if (path && root === 'env' && path.length === 2) {
    const v = path[1]!;
    if (!scope.env.has(v.name)) {
      fail(
        'UNDECLARED_ENV',
        `environment variable \`${v.name}\` is not declared`,
        v,
        `add it to the study: \`env: [${v.name}]\``,
      );
    }
    const value = scope.env.get(v.name);
    if (value === undefined)
      fail(
        'ENV_NOT_SET',
        `environment variable \`${v.name}\` is not set`,
        v,
        `set ${v.name} before running the study`,
      );
    return value;
  }

  const object = evaluate(e.object, scope);
  if (e.type === 'member') return member(object, e.name, { offset: e.nameOffset, end: e.end });
  const index = evaluate(e.index, scope);
  return indexInto(object, index, e.index);
}

function member(object: Value, name: string, at: { offset: number; end: number }): Value {
  if (object instanceof StageRef) {
    fail(
      'BAD_STAGE_REFERENCE',
      'a stage output is known only once the stage has run; pass the whole output',
      at,
    );
  }
  if (!isMap(object))
    fail('NOT_A_MAP', `\`.${name}\` reads a key of a map, but this is ${typeName(object)}`, at);
  if (!Object.hasOwn(object, name)) {
    fail(
      'UNKNOWN_KEY',
      `there is no key \`${name}\` here`,
      at,
      didYouMean(name, Object.keys(object)),
    );
  }
  return object[name]!;
}

function indexInto(object: Value, index: Value, at: { offset: number; end: number }): Value {
  if (isMap(object)) {
    if (typeof index !== 'string')
      fail('TYPE_MISMATCH', `a map is indexed by a string, not ${typeName(index)}`, at);
    return member(object, index, at);
  }
  if (Array.isArray(object) || typeof object === 'string') {
    if (typeof index !== 'number' || !Number.isInteger(index)) {
      fail('TYPE_MISMATCH', `a list is indexed by a whole number, not ${typeName(index)}`, at);
    }
    if (index < 0 || index >= object.length) {
      fail('INDEX_OUT_OF_RANGE', `index ${index} is outside 0..${object.length - 1}`, at);
    }
    return object[index]!;
  }
  return fail(
    'TYPE_MISMATCH',
    `only lists, maps and strings can be indexed, not ${typeName(object)}`,
    at,
  );
}

function evalCall(e: Expr & { type: 'call' }, scope: Scope): Value {
  if (e.callee.type !== 'name') {
    return fail('NOT_CALLABLE', 'only library functions can be called', e.callee);
  }
  const fn = FUNCTIONS[e.callee.name];
  if (!fn) {
    return fail(
      'UNKNOWN_FUNCTION',
      `unknown function \`${e.callee.name}\``,
      e.callee,
      didYouMean(e.callee.name, FUNCTION_NAMES),
    );
  }
  const args = e.args.map((a) => {
    const value = evaluate(a, scope);
    if (value instanceof StageRef)
      fail(
        'BAD_STAGE_REFERENCE',
        'a stage output cannot be passed to a function; it is known only once the stage has run',
        a,
      );
    return { value, offset: a.offset, end: a.end };
  });
  return fn(args, e);
}

function evalUnary(e: Expr & { type: 'unary' }, scope: Scope): Value {
  const v = evaluate(e.operand, scope);
  if (e.op === '!') {
    if (typeof v !== 'boolean')
      fail('TYPE_MISMATCH', `\`!\` needs true or false, not ${typeName(v)}`, e.operand);
    return !v;
  }
  if (typeof v !== 'number')
    fail('TYPE_MISMATCH', `\`${e.op}\` needs a number, not ${typeName(v)}`, e.operand);
  return e.op === '-' ? -v : v;
}

function evalBinary(e: Expr & { type: 'binary' }, scope: Scope): Value {
  const opAt = { offset: e.opOffset, end: e.opOffset + e.op.length };

  // && and || look at their right side only when needed.
  if (e.op === '&&' || e.op === '||') {
    const l = evaluate(e.left, scope);
    if (typeof l !== 'boolean')
      fail('TYPE_MISMATCH', `\`${e.op}\` needs true or false, not ${typeName(l)}`, e.left);
    if (e.op === '&&' ? !l : l) return l;
    const r = evaluate(e.right, scope);
    if (typeof r !== 'boolean')
      fail('TYPE_MISMATCH', `\`${e.op}\` needs true or false, not ${typeName(r)}`, e.right);
    return r;
  }
  const l = evaluate(e.left, scope);
  const r = evaluate(e.right, scope);
  for (const [v, side] of [
    [l, e.left],
    [r, e.right],
  ] as const) {
    if (v instanceof StageRef) {
      fail(
        'BAD_STAGE_REFERENCE',
        'a stage output cannot be used in arithmetic or comparisons; it is known only once the stage has run',
        side,
      );
    }
  }
  if (e.op === '==') return deepEqual(l, r);
  if (e.op === '!=') return !deepEqual(l, r);
  if (e.op === '+' && typeof l === 'string' && typeof r === 'string') return l + r;
  if (e.op === '+' && Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
  if (['<', '<=', '>', '>='].includes(e.op)) {
    const same =
      (typeof l === 'number' && typeof r === 'number') ||
      (typeof l === 'string' && typeof r === 'string');
    if (!same)
      fail(
        'TYPE_MISMATCH',
        `\`${e.op}\` compares two numbers or two strings, not ${typeName(l)} and ${typeName(r)}`,
        opAt,
      );
    const a = l as number | string;
    const b = r as number | string;
    return e.op === '<' ? a < b : e.op === '<=' ? a <= b : e.op === '>' ? a > b : a >= b;
  }
  if (typeof l !== 'number' || typeof r !== 'number') {
    const hint =
      e.op === '+' && (typeof l === 'string' || typeof r === 'string')
        ? 'to build a string, use interpolation or `format`'
        : undefined;
    fail(
      'TYPE_MISMATCH',
      `\`${e.op}\` needs two numbers, not ${typeName(l)} and ${typeName(r)}`,
      opAt,
      hint,
    );
  }
  if ((e.op === '/' || e.op === '%') && r === 0)
    fail('DIVISION_BY_ZERO', 'division by zero', e.right);
  const out = arithmetic(e.op, l, r);
  if (!Number.isFinite(out)) fail('NOT_A_NUMBER', `the result ${out} is not a finite number`, opAt);
  return out;
}

function arithmetic(op: string, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    default:
      return a ** b;
  }
}
