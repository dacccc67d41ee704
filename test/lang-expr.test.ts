import test from 'ava';
import { evaluate, type Scope } from '../lang/expr/evaluate.js';
import { parseExpression } from '../lang/expr/parser.js';
import { EvalError, StageRef, type Value } from '../lang/expr/value.js';
import { parseTemplate } from '../lang/template.js';

const scope: Scope = {
  params: { epochs: 10, lr: 0.5, name: 'run', nested: { a: { b: 7 } }, list: [1, 2, 3] },
  sweep: { target: 'in_mask', lr: 0.1 },
  axes: ['target', 'lr'],
  gathered: new Set(),
  seed: 42,
  env: new Map([['HOME_DIR', '/data']]),
  stage: (path) => new StageRef(path[1]!.name, path[2]!.name, 'x.yaml', 0, 1),
};

function run(src: string): Value {
  const parsed = parseExpression(src);
  if (!parsed.expr) throw new Error(`parse failed: ${parsed.error?.message}`);
  return evaluate(parsed.expr, scope);
}

function failure(src: string): { code: string; message: string; at: string } {
  const parsed = parseExpression(src);
  if (parsed.error)
    return {
      code: 'SYNTAX',
      message: parsed.error.message,
      at: src.slice(parsed.error.offset, parsed.error.offset + parsed.error.length),
    };
  try {
    run(src);
  } catch (e) {
    if (e instanceof EvalError)
      return { code: e.code, message: e.message, at: src.slice(e.offset, e.end) };
    throw e;
  }
  throw new Error(`expected ${src} to fail`);
}

const table: [string, Value][] = [
  ['1 + 2 * 3', 7],
  ['(1 + 2) * 3', 9],
  ['2 ** 3 ** 2', 512],
  ['-2 ** 2', -4],
  ['10 - 4 - 3', 3],
  ['7 % 4 * 2', 6],
  ['1e-3 * 2', 0.002],
  ['.5 + 1.25', 1.75],
  ['8 / 4 / 2', 1],
  ['1 < 2 == true', true],
  ['1 + 1 == 2 && 3 > 2', true],
  ['false || true && false', false],
  ['!false && !(1 > 2)', true],
  ['1 < 2 ? "a" : "b"', 'a'],
  ['false ? 1 : true ? 2 : 3', 2],
  ['"ab" + \'cd\'', 'abcd'],
  ['"a\\"b"', 'a"b'],
  ['[1, 2] + [3]', [1, 2, 3]],
  ['[1, [2, 3]] == [1, [2, 3]]', true],
  ['{a: 1, "b c": 2}', { a: 1, 'b c': 2 }],
  ['{a: 1}.a', 1],
  ['[10, 20, 30][1]', 20],
  ['"abc"[2]', 'c'],
  ['"b" < "c"', true],
  ['null == null', true],
  ['params.epochs * 2', 20],
  ['params.nested.a.b', 7],
  ['params["nested"]["a"].b', 7],
  ['params.list[2]', 3],
  ['sweep.target', 'in_mask'],
  ['sweep.lr / 2', 0.05],
  ['seed + 1', 43],
  ['env.HOME_DIR', '/data'],
  ['range(3)', [0, 1, 2]],
  ['range(1, 10, 4)', [1, 5, 9]],
  ['range(3, 0, -1)', [3, 2, 1]],
  ['linspace(0, 1, 5)', [0, 0.25, 0.5, 0.75, 1]],
  ['logspace(-3, -1, 3)', [0.001, 0.01, 0.1]],
  ['len([1, 2, 3]) + len("ab") + len({a: 1})', 6],
  ['min(3, 1, 2)', 1],
  ['max([3, 9, 2])', 9],
  ['round(3.14159, 2)', 3.14],
  ['round(2.5)', 3],
  ['concat([1], [2, 3])', [1, 2, 3]],
  ['concat("a", "b", "c")', 'abc'],
  ['format("{}-{}", "lr", 0.1)', 'lr-0.1'],
  ['format("{1}/{0}", "a", "b")', 'b/a'],
  ['keys({b: 1, a: 2})', ['b', 'a']],
  ['contains([1, 2], 2)', true],
  ['contains("in_mask", "mask")', true],
  ['contains({a: 1}, "b")', false],
];

for (const [src, expected] of table) {
  test(`evaluates ${src}`, (t) => {
    t.deepEqual(run(src), expected);
  });
}

test('a stage reference stays symbolic', (t) => {
  const v = run('stages.train.model');
  t.true(v instanceof StageRef);
  t.is((v as StageRef).stage, 'train');
  t.is((v as StageRef).output, 'model');
});

const failures: [string, string, string, string][] = [
  ['params.constructor', 'UNKNOWN_KEY', 'there is no key `constructor` here', 'constructor'],
  ['{a: 1}.__proto__', 'UNKNOWN_KEY', 'there is no key `__proto__` here', '__proto__'],
  ['"x".length', 'NOT_A_MAP', '`.length` reads a key of a map, but this is a string', 'length'],
  [
    'params.epochs.toString()',
    'NOT_CALLABLE',
    'only library functions can be called',
    'params.epochs.toString',
  ],
  ['eval("1")', 'UNKNOWN_FUNCTION', 'unknown function `eval`', 'eval'],
  ['process.env', 'UNKNOWN_NAME', 'unknown name `process`', 'process'],
  ['1 / 0', 'DIVISION_BY_ZERO', 'division by zero', '0'],
  ['10 ** 400', 'NOT_A_NUMBER', 'the result Infinity is not a finite number', '**'],
  ['1 + "a"', 'TYPE_MISMATCH', '`+` needs two numbers, not a number and a string', '+'],
  ['1 && true', 'TYPE_MISMATCH', '`&&` needs true or false, not a number', '1'],
  ['[1][3]', 'INDEX_OUT_OF_RANGE', 'index 3 is outside 0..0', '3'],
  ['sweep.targte', 'UNKNOWN_AXIS', 'there is no sweep axis `targte`', 'targte'],
  ['env.USER', 'UNDECLARED_ENV', 'environment variable `USER` is not declared', 'USER'],
  [
    'stages.train',
    'BAD_STAGE_REFERENCE',
    "name one of the stage's outputs: `stages.NAME.OUTPUT`",
    'stages.train',
  ],
  [
    'stages.train.model + 1',
    'BAD_STAGE_REFERENCE',
    'a stage output cannot be used in arithmetic or comparisons; it is known only once the stage has run',
    'stages.train.model',
  ],
  ['range(1, 2, 0)', 'BAD_ARGUMENT', 'the step of `range` cannot be 0', '0'],
  ['len(3)', 'BAD_ARGUMENT', '`len` needs a list, map or string, not a number', '3'],
  ['min()', 'BAD_ARGUMENT', '`min` takes at least 1 arguments, not 0', 'min()'],
  ['1 +', 'SYNTAX', 'expected a value but found the end of the expression', ''],
  ['(1', 'SYNTAX', 'expected `)` but found the end of the expression', ''],
  ['1 2', 'SYNTAX', 'unexpected `2` after a complete expression', '2'],
  ['a ? 1', 'SYNTAX', 'expected `:` but found the end of the expression', ''],
  ['1 # 2', 'SYNTAX', 'unexpected character `#`', '#'],
  ["'open", 'SYNTAX', 'this string is not closed', "'open"],
];

for (const [src, code, message, at] of failures) {
  test(`rejects ${src}`, (t) => {
    t.deepEqual(failure(src), { code, message, at });
  });
}

test('templates split text, expressions and escapes', (t) => {
  const { template, errors } = parseTemplate(
    'run-${{ sweep.lr }}-$${{ literal }}-${{ {a: {b: 1}}.a.b }}',
  );
  t.deepEqual(errors, []);
  t.false(template.whole);
  t.deepEqual(
    template.parts.map((p) => (p.kind === 'text' ? p.text : `<${p.start}:${p.end}>`)),
    ['run-', '<7:17>', '-${{ literal }}-', '<39:56>'],
  );
  t.true(parseTemplate('${{ 1 }}').template.whole);
  t.false(parseTemplate(' ${{ 1 }}').template.whole);
  t.deepEqual(
    parseTemplate('a ${{ 1 ').errors.map((e) => [e.code, e.index]),
    [['UNCLOSED_EXPRESSION', 2]],
  );
});

test('expressions too long or too deep are syntax errors, never a stack overflow', (t) => {
  const DEEP =
    'the expression is more than 200 levels deep ' +
    '(nested brackets, calls and operators; a chain a + b + … counts a level per operator)';
  const error = (src: string) => parseExpression(src).error?.message;
  t.is(error('('.repeat(65) + '1' + ')'.repeat(65)), 'brackets nest more than 64 deep here');
  t.is(parseExpression('('.repeat(64) + '1' + ')'.repeat(64)).error, undefined);
  t.is(
    error(Array(3000).fill('1').join('+')),
    'the expression has 5999 tokens, more than the 2000 allowed; ' +
      'compute long values in params or split the expression',
  );
  t.is(error('-'.repeat(500) + '1'), DEEP);
  t.is(error(Array(300).fill('true ? 1 :').join(' ') + ' 2'), DEEP);
  // Within the limits, a long sum still evaluates.
  t.is(run(Array(150).fill('1').join('+')), 150);
  t.is(run('-'.repeat(100) + '1'), 1);
});
