/**
 * The fixed function library of expressions. Each function checks its own
 * arguments and throws EvalError pointing at the offending argument.
 */
import type { Json } from '../../stdlib/types.js';
import { deepEqual, display, EvalError, isMap, typeName, type Value } from './value.js';

/** Lists made by range/linspace/logspace stay small enough to sweep over. */
const MAX_LIST = 10000;

export interface Arg {
  value: Value;
  offset: number;
  end: number;
}

type Fn = (args: Arg[], call: { offset: number; end: number }) => Value;

function fail(a: { offset: number; end: number }, message: string, hint?: string): never {
  throw new EvalError('BAD_ARGUMENT', message, a.offset, a.end, hint);
}

function num(a: Arg | undefined, call: { offset: number; end: number }, what: string): number {
  if (!a) fail(call, `missing argument: ${what}`);
  if (typeof a.value !== 'number') fail(a, `${what} must be a number, not ${typeName(a.value)}`);
  return a.value;
}

function int(a: Arg | undefined, call: { offset: number; end: number }, what: string): number {
  const n = num(a, call, what);
  if (!Number.isInteger(n)) fail(a!, `${what} must be a whole number, not ${n}`);
  return n;
}

function arity(
  args: Arg[],
  call: { offset: number; end: number },
  name: string,
  min: number,
  max: number,
): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    fail(call, `\`${name}\` takes ${want} argument${want === '1' ? '' : 's'}, not ${args.length}`);
  }
}

function sized(list: number[], call: { offset: number; end: number }): number[] {
  if (list.length > MAX_LIST) fail(call, `this list would have more than ${MAX_LIST} values`);
  return list;
}

function numbersOf(args: Arg[], call: { offset: number; end: number }, name: string): number[] {
  arity(args, call, name, 1, Infinity);
  const a0 = args[0]!;
  const items: Arg[] =
    args.length === 1 && Array.isArray(a0.value)
      ? a0.value.map((value) => ({ ...a0, value }))
      : args;
  if (items.length === 0) fail(a0, `\`${name}\` of an empty list has no value`);
  return items.map((a) => num(a, call, `each value of \`${name}\``));
}

export const FUNCTIONS: Record<string, Fn> = {
  range(args, call) {
    arity(args, call, 'range', 1, 3);
    const [start, stop] =
      args.length === 1
        ? [0, int(args[0], call, 'the stop')]
        : [int(args[0], call, 'the start'), int(args[1], call, 'the stop')];
    const step = args.length === 3 ? int(args[2], call, 'the step') : 1;
    if (step === 0) fail(args[2]!, 'the step of `range` cannot be 0');
    if (Math.abs((stop - start) / step) > MAX_LIST)
      fail(call, `this list would have more than ${MAX_LIST} values`);
    const out: number[] = [];
    for (let v = start; step > 0 ? v < stop : v > stop; v += step) out.push(v);
    return out;
  },
  linspace(args, call) {
    arity(args, call, 'linspace', 3, 3);
    const a = num(args[0], call, 'the start');
    const b = num(args[1], call, 'the stop');
    const n = int(args[2], call, 'the count');
    if (n < 1) fail(args[2]!, 'the count must be at least 1');
    if (n > MAX_LIST) fail(args[2]!, `the count must be at most ${MAX_LIST}`);
    return sized(
      Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1))),
      call,
    );
  },
  logspace(args, call) {
    const exps = FUNCTIONS.linspace!(args, call) as number[];
    return exps.map((e) => Number((10 ** e).toPrecision(15)));
  },
  len(args, call) {
    arity(args, call, 'len', 1, 1);
    const v = args[0]!.value;
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (isMap(v)) return Object.keys(v).length;
    return fail(args[0]!, `\`len\` needs a list, map or string, not ${typeName(v)}`);
  },
  min: (args, call) => Math.min(...numbersOf(args, call, 'min')),
  max: (args, call) => Math.max(...numbersOf(args, call, 'max')),
  round(args, call) {
    arity(args, call, 'round', 1, 2);
    const v = num(args[0], call, 'the value');
    const digits = args.length === 2 ? int(args[1], call, 'the number of digits') : 0;
    if (digits < 0 || digits > 15) fail(args[1]!, 'the number of digits must be between 0 and 15');
    const f = 10 ** digits;
    return Math.round(v * f) / f;
  },
  concat(args, call) {
    arity(args, call, 'concat', 1, Infinity);
    if (args.every((a) => Array.isArray(a.value))) return args.flatMap((a) => a.value as Value[]);
    if (args.every((a) => typeof a.value === 'string')) return args.map((a) => a.value).join('');
    const odd =
      args.find(
        (a) =>
          typeof a.value !== typeof args[0]!.value ||
          Array.isArray(a.value) !== Array.isArray(args[0]!.value),
      ) ?? args[0]!;
    return fail(
      odd,
      `\`concat\` joins lists or strings, not ${typeName(odd.value)}`,
      'pass only lists, or only strings',
    );
  },
  format(args, call) {
    arity(args, call, 'format', 1, Infinity);
    const fmt = args[0]!;
    if (typeof fmt.value !== 'string')
      fail(fmt, `the format must be a string, not ${typeName(fmt.value)}`);
    let next = 1;
    return fmt.value.replace(/\{(\d*)\}/g, (_, d: string) => {
      const i = d === '' ? next++ : Number(d) + 1;
      const a = args[i];
      if (!a)
        fail(
          fmt,
          `the format asks for argument ${i - 1} but ${args.length - 1} ` +
            `${args.length - 1 === 1 ? 'was' : 'were'} given (arguments count from 0)`,
        );
      return display(a.value as Json);
    });
  },
  keys(args, call) {
    arity(args, call, 'keys', 1, 1);
    const v = args[0]!.value;
    if (!isMap(v)) fail(args[0]!, `\`keys\` needs a map, not ${typeName(v)}`);
    return Object.keys(v);
  },
  contains(args, call) {
    arity(args, call, 'contains', 2, 2);
    const [c, x] = [args[0]!, args[1]!];
    if (Array.isArray(c.value)) return c.value.some((v) => deepEqual(v, x.value));
    if (typeof c.value === 'string') {
      if (typeof x.value !== 'string')
        fail(x, `a string can only contain strings, not ${typeName(x.value)}`);
      return c.value.includes(x.value);
    }
    if (isMap(c.value)) {
      if (typeof x.value !== 'string') fail(x, `map keys are strings, not ${typeName(x.value)}`);
      return Object.hasOwn(c.value, x.value);
    }
    return fail(c, `\`contains\` needs a list, string or map, not ${typeName(c.value)}`);
  },
};

export const FUNCTION_NAMES = Object.keys(FUNCTIONS);
