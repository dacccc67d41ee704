/**
 * Golden tests: each study has one kind of mistake, and the test holds the
 * exact text a person sees for it (location, code, message, underline, hint).
 */
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkStudy } from '../lang/index.js';
import { checkText, printed } from './lang-helpers.js';
import { testRegistry } from './lang-registry.js';
import { defaultName, isSafeName } from '../lang/limits.js';

interface Case {
  study: string[];
  options?: { params?: string[]; sweep?: string[]; seed?: number };
  files?: Record<string, string>;
  /** Whether the study still compiles (only warnings). */
  plan?: boolean;
  expected: string[];
}

const golden = test.macro(async (t, c: Case) => {
  const r = await checkText(c.study.join('\n') + '\n', c.options ?? {}, c.files ?? {});
  t.is(printed(r), c.expected.join('\n'));
  t.is(r.plan !== undefined, c.plan ?? false);
});

test('YAML_SYNTAX', golden, {
  study: ['stages:', '  data: {kind: fashion-mnist', 'sweep: x'],
  expected: [
    'study.yaml:3:1  YAML_SYNTAX  this line is not indented consistently with the lines around it',
    'sweep: x',
    '^',
    'hint: fix the YAML syntax here; the rest of the file may be misread until then',
    '',
    'study.yaml:3:8  BAD_SWEEP  `sweep` must be a map of axes, not a string',
    'sweep: x',
    '       ^',
    'hint: write `sweep: {grid: {axis: [v1, v2]}}` or `sweep: {axis: [v1, v2]}`',
  ],
});

test('YAML_SYNTAX for an unquoted conditional says to quote it', golden, {
  study: [
    'params: {x: 1}',
    'stages:',
    '  data:',
    '    kind: fashion-mnist',
    '    with:',
    "      source: ${{ params.x > 0 ? 'sample' : 'full' }}",
  ],
  expected: [
    'study.yaml:6:15  YAML_SYNTAX  a key cannot span several lines; put the key on one line',
    "      source: ${{ params.x > 0 ? 'sample' : 'full' }}",
    '              ^',
    'hint: quote the whole value ("${{ … }}"): unquoted, a `: `, ` #`, `[` or `{` inside the expression is read as YAML',
    '',
    'study.yaml:6:15  TYPE_MISMATCH  parameter `source` expects a string, not a map',
    "      source: ${{ params.x > 0 ? 'sample' : 'full' }}",
    '              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
    'hint: where the images come from',
    '',
    'study.yaml:6:52  YAML_SYNTAX  YAML: unexpected flow-map-end token in YAML stream: "}"',
    "      source: ${{ params.x > 0 ? 'sample' : 'full' }}",
    '                                                   ^',
    'hint: quote the whole value ("${{ … }}"): unquoted, a `: `, ` #`, `[` or `{` inside the expression is read as YAML',
    '',
    'study.yaml:6:53  YAML_SYNTAX  YAML: unexpected flow-map-end token in YAML stream: "}"',
    "      source: ${{ params.x > 0 ? 'sample' : 'full' }}",
    '                                                    ^',
    'hint: quote the whole value ("${{ … }}"): unquoted, a `: `, ` #`, `[` or `{` inside the expression is read as YAML',
  ],
});

test('DUPLICATE_KEY', golden, {
  study: ['stages:', '  data: {kind: fashion-mnist}', '  data: {kind: train}'],
  expected: [
    'study.yaml:3:3  DUPLICATE_KEY  key `data` is defined twice in this map',
    '  data: {kind: train}',
    '  ^^^^',
    'study.yaml:2:3  note: first defined here',
    '  data: {kind: fashion-mnist}',
    '  ^^^^',
    'hint: remove one of the two; the later one would silently win',
  ],
});

test('UNKNOWN_ANCHOR', golden, {
  study: ['params: {a: *missing}', 'stages: {data: {kind: fashion-mnist}}'],
  expected: [
    'study.yaml:1:13  UNKNOWN_ANCHOR  alias `*missing` refers to no anchor defined before it',
    'params: {a: *missing}',
    '            ^^^^^^^^',
    'hint: define `&missing` on a value above this line',
  ],
});

test('UNKNOWN_KEY', golden, {
  study: ['stages: {data: {kind: fashion-mnist}}', 'parmas: {a: 1}'],
  expected: [
    'study.yaml:2:1  UNKNOWN_KEY  `parmas` is not a study key',
    'parmas: {a: 1}',
    '^^^^^^',
    'hint: did you mean `params`?',
  ],
});

test('UNKNOWN_KEY in a stage', golden, {
  study: ['stages:', '  data: {kind: fashion-mnist, wiht: {source: full}}'],
  expected: [
    'study.yaml:2:31  UNKNOWN_KEY  `wiht` is not a stage key',
    '  data: {kind: fashion-mnist, wiht: {source: full}}',
    '                              ^^^^',
    'hint: did you mean `with`?',
  ],
});

test('UNKNOWN_STAGE_KIND', golden, {
  study: ['stages:', '  train:', '    kind: trian'],
  expected: [
    'study.yaml:3:11  UNKNOWN_STAGE_KIND  unknown stage kind `trian`',
    '    kind: trian',
    '          ^^^^^',
    'hint: did you mean `train`?',
  ],
});

test('MISSING_KIND', golden, {
  study: ['stages:', '  data: {with: {source: full}}'],
  expected: [
    'study.yaml:2:3  MISSING_KIND  stage `data` has no `kind`',
    '  data: {with: {source: full}}',
    '  ^^^^',
    'hint: add `kind:` naming one of: fashion-mnist, train, align, report, bundle',
  ],
});

test('UNKNOWN_PARAM', golden, {
  study: [
    'stages:',
    '  data: {kind: fashion-mnist}',
    '  train:',
    '    kind: train',
    '    with: {data: "${{ stages.data.dataset }}", epohcs: 3}',
  ],
  expected: [
    'study.yaml:5:48  UNKNOWN_PARAM  stage kind `train` has no parameter `epohcs`',
    '    with: {data: "${{ stages.data.dataset }}", epohcs: 3}',
    '                                               ^^^^^^',
    'hint: did you mean `epochs`?',
  ],
});

test('MISSING_PARAM', golden, {
  study: ['stages:', '  train:', '    kind: train', '    with: {epochs: 3}'],
  expected: [
    'study.yaml:4:5  MISSING_PARAM  stage `train` needs parameter `data` (training data)',
    '    with: {epochs: 3}',
    '    ^^^^',
    'hint: add `data:` under `with:`',
  ],
});

test('TYPE_MISMATCH of a parameter', golden, {
  study: [
    'stages:',
    '  data: {kind: fashion-mnist}',
    '  train:',
    '    kind: train',
    '    with:',
    '      data: ${{ stages.data.dataset }}',
    '      epochs: 2.5',
  ],
  expected: [
    'study.yaml:7:15  TYPE_MISMATCH  parameter `epochs` expects a whole number, not a number (2.5)',
    '      epochs: 2.5',
    '              ^^^',
    'hint: passes over the data',
  ],
});

test('NOT_IN_ENUM', golden, {
  study: ['stages:', '  data: {kind: fashion-mnist, with: {source: ful}}'],
  expected: [
    'study.yaml:2:46  NOT_IN_ENUM  parameter `source` cannot be `ful`',
    '  data: {kind: fashion-mnist, with: {source: ful}}',
    '                                             ^^^',
    'hint: did you mean `full`?',
  ],
});

test('OUT_OF_RANGE', golden, {
  study: [
    'stages:',
    '  data: {kind: fashion-mnist}',
    '  train: {kind: train, with: {data: "${{ stages.data.dataset }}", epochs: "${{ 1 - 1 }}"}}',
  ],
  expected: [
    'study.yaml:3:75  OUT_OF_RANGE  parameter `epochs` must be at least 1, not 0',
    '  train: {kind: train, with: {data: "${{ stages.data.dataset }}", epochs: "${{ 1 - 1 }}"}}',
    '                                                                          ^^^^^^^^^^^^^^',
    'hint: passes over the data',
  ],
});

test('ARTIFACT_EXPECTED', golden, {
  study: ['stages:', '  train: {kind: train, with: {data: ./images}}'],
  expected: [
    'study.yaml:2:37  ARTIFACT_EXPECTED  parameter `data` expects the artifact output of another stage, not a string',
    '  train: {kind: train, with: {data: ./images}}',
    '                                    ^^^^^^^^',
    'hint: write a reference such as `${{ stages.train.model }}`',
  ],
});

test('ARTIFACT_EXPECTED for a json output', golden, {
  study: [
    'stages:',
    '  data: {kind: fashion-mnist}',
    '  train: {kind: train, with: {data: "${{ stages.data.dataset }}"}}',
    '  align: {kind: align, with: {model: "${{ stages.train.accuracy }}", target: a}}',
  ],
  expected: [
    'study.yaml:4:38  ARTIFACT_EXPECTED  parameter `model` expects an artifact, but `stages.train.accuracy` is a JSON value',
    '  align: {kind: align, with: {model: "${{ stages.train.accuracy }}", target: a}}',
    '                                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
    'hint: pass an output whose type is `artifact`',
  ],
});

test('TYPE_MISMATCH of an artifact', golden, {
  study: [
    'stages:',
    '  data: {kind: fashion-mnist}',
    '  train: {kind: train, with: {data: "${{ stages.data.dataset }}"}}',
    '  align: {kind: align, with: {model: "${{ stages.train.model }}", target: "${{ stages.train.model }}"}}',
  ],
  expected: [
    'study.yaml:4:75  TYPE_MISMATCH  parameter `target` expects a string, not the artifact `stages.train.model`',
    '  align: {kind: align, with: {model: "${{ stages.train.model }}", target: "${{ stages.train.model }}"}}',
    '                                                                          ^^^^^^^^^^^^^^^^^^^^^^^^^^^',
    'hint: artifacts can only go to parameters of type `artifact`',
  ],
});

test('UNKNOWN_STAGE', golden, {
  study: [
    'stages:',
    '  train:',
    '    kind: train',
    '    with: {data: "${{ stages.dta.dataset }}"}',
  ],
  expected: [
    'study.yaml:4:30  UNKNOWN_STAGE  there is no stage `dta`',
    '    with: {data: "${{ stages.dta.dataset }}"}',
    '                             ^^^^^^^^^^^',
    'hint: expected one of `train`',
  ],
});

test('UNKNOWN_OUTPUT', golden, {
  study: [
    'stages:',
    '  data: {kind: fashion-mnist}',
    '  train:',
    '    kind: train',
    '    with: {data: "${{ stages.data.datset }}"}',
  ],
  expected: [
    'study.yaml:5:30  UNKNOWN_OUTPUT  stage `data` (kind `fashion-mnist`) has no output `datset`',
    '    with: {data: "${{ stages.data.datset }}"}',
    '                             ^^^^^^^^^^^',
    'hint: did you mean `dataset`?',
  ],
});

test('STAGE_CYCLE', golden, {
  study: [
    'stages:',
    '  train: {kind: train, with: {data: "${{ stages.align.model }}"}}',
    '  align: {kind: align, with: {model: "${{ stages.train.model }}", target: x}}',
  ],
  expected: [
    'study.yaml:3:50  STAGE_CYCLE  stages depend on each other in a cycle: train → align → train',
    '  align: {kind: align, with: {model: "${{ stages.train.model }}", target: x}}',
    '                                                 ^^^^^^^^^^^',
    'study.yaml:2:49  note: `train` reads `align` here',
    '  train: {kind: train, with: {data: "${{ stages.align.model }}"}}',
    '                                                ^^^^^^^^^^^',
    'hint: a stage can only read outputs of stages that do not read from it',
  ],
});

test('STAGE_CYCLE is reported once when a stage reads the other end twice', golden, {
  study: [
    'stages:',
    '  train: {kind: train, with: {data: "${{ stages.align.model }}", tags: ["${{ stages.align.score }}"]}}',
    '  align: {kind: align, with: {model: "${{ stages.train.model }}", baseline: "${{ stages.train.accuracy }}", target: x}}',
  ],
  expected: [
    'study.yaml:3:50  STAGE_CYCLE  stages depend on each other in a cycle: train → align → train',
    '  align: {kind: align, with: {model: "${{ stages.train.model }}", baseline: "${{ stages.train.accuracy }}", target: x}}',
    '                                                 ^^^^^^^^^^^',
    'study.yaml:2:49  note: `train` reads `align` here',
    '  train: {kind: train, with: {data: "${{ stages.align.model }}", tags: ["${{ stages.align.score }}"]}}',
    '                                                ^^^^^^^^^^^',
    'hint: a stage can only read outputs of stages that do not read from it',
  ],
});

test('UNKNOWN_AXIS', golden, {
  study: [
    'sweep: {target: [a, b]}',
    'stages:',
    '  data: {kind: fashion-mnist, with: {source: "${{ sweep.targte }}"}}',
  ],
  expected: [
    'study.yaml:1:9  UNUSED_AXIS  warning: no stage reads sweep axis `target`',
    'sweep: {target: [a, b]}',
    '        ^^^^^^',
    'hint: use `${{ sweep.target }}` in a stage, or remove the axis',
    '',
    'study.yaml:3:57  UNKNOWN_AXIS  there is no sweep axis `targte`',
    '  data: {kind: fashion-mnist, with: {source: "${{ sweep.targte }}"}}',
    '                                                        ^^^^^^',
    'hint: did you mean `target`?',
  ],
});

test('UNUSED_AXIS (a warning; the plan still compiles)', golden, {
  study: ['sweep: {target: [a, b]}', 'stages:', '  data: {kind: fashion-mnist}'],
  plan: true,
  expected: [
    'study.yaml:1:9  UNUSED_AXIS  warning: no stage reads sweep axis `target`',
    'sweep: {target: [a, b]}',
    '        ^^^^^^',
    'hint: use `${{ sweep.target }}` in a stage, or remove the axis',
  ],
});

test('ZIP_LENGTH_MISMATCH', golden, {
  study: [
    'sweep:',
    '  zip:',
    '    lr: [0.1, 0.01]',
    '    bs: [16, 32, 64]',
    'stages:',
    '  data: {kind: fashion-mnist, seed: "${{ sweep.bs + round(sweep.lr) }}"}',
  ],
  expected: [
    'study.yaml:4:5  ZIP_LENGTH_MISMATCH  zipped axis `bs` has 3 values but `lr` has 2',
    '    bs: [16, 32, 64]',
    '    ^^',
    'study.yaml:3:5  note: `lr` is declared here',
    '    lr: [0.1, 0.01]',
    '    ^^',
    'hint: zipped axes are paired value by value, so their lists must be equally long',
  ],
});

test('EXCLUDE_REMOVES_ALL', golden, {
  study: [
    'sweep:',
    '  grid: {lr: [0.1, 0.2]}',
    '  exclude: ["${{ sweep.lr > 0 }}"]',
    'stages:',
    '  data: {kind: fashion-mnist, seed: "${{ round(sweep.lr) }}"}',
  ],
  expected: [
    'study.yaml:3:3  EXCLUDE_REMOVES_ALL  `exclude` removes all 2 cells of the sweep',
    '  exclude: ["${{ sweep.lr > 0 }}"]',
    '  ^^^^^^^',
    'hint: loosen the exclude entries so that at least one cell remains',
  ],
});

test('EMPTY_AXIS', golden, {
  study: ['sweep: {lr: []}', 'stages:', '  data: {kind: fashion-mnist}'],
  expected: [
    'study.yaml:1:13  EMPTY_AXIS  axis `lr` has no values, so the sweep has no cells',
    'sweep: {lr: []}',
    '            ^^',
    'hint: give the axis at least one value, or remove it',
  ],
});

test('DUPLICATE_AXIS', golden, {
  study: [
    'sweep:',
    '  grid: {lr: [1]}',
    '  zip: {lr: [2]}',
    'stages:',
    '  data: {kind: fashion-mnist, seed: "${{ sweep.lr }}"}',
  ],
  expected: [
    'study.yaml:3:9  DUPLICATE_AXIS  axis `lr` is declared twice',
    '  zip: {lr: [2]}',
    '        ^^',
    'study.yaml:2:10  note: first declared here',
    '  grid: {lr: [1]}',
    '         ^^',
  ],
});

test('INCOMPLETE_INCLUDE', golden, {
  study: [
    'sweep:',
    '  grid: {lr: [1], bs: [2]}',
    '  include: [{lr: 3}]',
    'stages:',
    '  data: {kind: fashion-mnist, seed: "${{ sweep.lr + sweep.bs }}"}',
  ],
  expected: [
    'study.yaml:3:13  INCOMPLETE_INCLUDE  this included cell gives no value for `bs`',
    '  include: [{lr: 3}]',
    '            ^^^^^^^',
    'hint: an included cell names a value for every axis',
  ],
});

test('EXPRESSION_SYNTAX in a double-quoted string with escapes', golden, {
  study: ['stages:', '  data: {kind: fashion-mnist, with: {source: "\\t\\u00e9${{ (1 + ) }}"}}'],
  expected: [
    'study.yaml:2:64  EXPRESSION_SYNTAX  expected a value but found `)`',
    '  data: {kind: fashion-mnist, with: {source: "\\t\\u00e9${{ (1 + ) }}"}}',
    '                                                               ^',
  ],
});

test('EXPRESSION_SYNTAX in a single-quoted string', golden, {
  study: ['stages:', "  data: {kind: fashion-mnist, with: {source: 'it''s ${{ params.a @ 2 }}'}}"],
  expected: [
    'study.yaml:2:66  EXPRESSION_SYNTAX  unexpected character `@`',
    "  data: {kind: fashion-mnist, with: {source: 'it''s ${{ params.a @ 2 }}'}}",
    '                                                                 ^',
  ],
});

test('UNCLOSED_EXPRESSION', golden, {
  study: ['stages:', '  data: {kind: fashion-mnist, with: {source: "x-${{ 1 + 2 "}}'],
  expected: [
    'study.yaml:2:49  UNCLOSED_EXPRESSION  this `${{` has no matching `}}`',
    '  data: {kind: fashion-mnist, with: {source: "x-${{ 1 + 2 "}}',
    '                                                ^^^',
    'hint: close the expression with `}}`, or write `$${{` for a literal `${{`',
  ],
});

test('REFERENCE_IN_STRING', golden, {
  study: [
    'stages:',
    '  data: {kind: fashion-mnist}',
    '  report: {kind: report, with: {aligned: "at ${{ stages.data.dataset }}"}}',
  ],
  expected: [
    'study.yaml:3:50  REFERENCE_IN_STRING  a stage output cannot be part of a longer string',
    '  report: {kind: report, with: {aligned: "at ${{ stages.data.dataset }}"}}',
    '                                                 ^^^^^^^^^^^^^^^^^^^',
    'hint: make the reference the whole value: `${{ stages.NAME.OUTPUT }}`',
  ],
});

test('UNKNOWN_NAME', golden, {
  study: ['stages:', '  data: {kind: fashion-mnist, seed: "${{ sed + 1 }}"}'],
  expected: [
    'study.yaml:2:42  UNKNOWN_NAME  unknown name `sed`',
    '  data: {kind: fashion-mnist, seed: "${{ sed + 1 }}"}',
    '                                         ^^^',
    'hint: did you mean `seed`?',
  ],
});

test('UNKNOWN_FUNCTION', golden, {
  study: ['stages:', '  data: {kind: fashion-mnist, seed: "${{ lenn([1]) }}"}'],
  expected: [
    'study.yaml:2:42  UNKNOWN_FUNCTION  unknown function `lenn`',
    '  data: {kind: fashion-mnist, seed: "${{ lenn([1]) }}"}',
    '                                         ^^^^',
    'hint: did you mean `len`?',
  ],
});

test('UNKNOWN_KEY in an expression', golden, {
  study: [
    'params: {epochs: 3}',
    'stages:',
    '  data: {kind: fashion-mnist, seed: "${{ params.epoch }}"}',
  ],
  expected: [
    'study.yaml:3:49  UNKNOWN_KEY  there is no key `epoch` here',
    '  data: {kind: fashion-mnist, seed: "${{ params.epoch }}"}',
    '                                                ^^^^^',
    'hint: did you mean `epochs`?',
  ],
});

test('DIVISION_BY_ZERO', golden, {
  study: [
    'params: {n: 0}',
    'stages:',
    '  data: {kind: fashion-mnist, seed: "${{ 10 / params.n }}"}',
  ],
  expected: [
    'study.yaml:3:47  DIVISION_BY_ZERO  division by zero',
    '  data: {kind: fashion-mnist, seed: "${{ 10 / params.n }}"}',
    '                                              ^^^^^^^^',
  ],
});

test('UNDECLARED_ENV', golden, {
  study: ['stages:', '  data: {kind: fashion-mnist, with: {source: "${{ env.DATA }}"}}'],
  expected: [
    'study.yaml:2:55  UNDECLARED_ENV  environment variable `DATA` is not declared',
    '  data: {kind: fashion-mnist, with: {source: "${{ env.DATA }}"}}',
    '                                                      ^^^^',
    'hint: add it to the study: `env: [DATA]`',
  ],
});

test('GATHERED_AXIS_USED', golden, {
  study: [
    'sweep: {t: [1, 2]}',
    'stages:',
    '  data: {kind: fashion-mnist, seed: "${{ sweep.t }}"}',
    '  report: {kind: report, gather: [t], with: {aligned: "${{ stages.data.dataset }}", title: "${{ sweep.t }}"}}',
  ],
  expected: [
    'study.yaml:4:103  GATHERED_AXIS_USED  axis `t` is gathered by this stage, so it has no single value here',
    '  report: {kind: report, gather: [t], with: {aligned: "${{ stages.data.dataset }}", title: "${{ sweep.t }}"}}',
    '                                                                                                      ^',
    'hint: read the axis values from the gathered entries instead',
  ],
});

test('BAD_SEED', golden, {
  study: ['seed: 1.5', 'stages: {data: {kind: fashion-mnist}}'],
  expected: [
    'study.yaml:1:7  BAD_SEED  the study seed must be a whole number from 0 to 4294967295',
    'seed: 1.5',
    '      ^^^',
    'hint: write `seed: 0`',
  ],
});

test('BAD_SEED for a negative study seed', golden, {
  study: ['seed: -3', 'stages: {data: {kind: fashion-mnist}}'],
  expected: [
    'study.yaml:1:7  BAD_SEED  the study seed must be a whole number from 0 to 4294967295',
    'seed: -3',
    '      ^^',
    'hint: write `seed: 0`',
  ],
});

test('BAD_SEED for a study seed past 2^32 - 1', golden, {
  study: ['seed: 1e30', 'stages: {data: {kind: fashion-mnist}}'],
  expected: [
    'study.yaml:1:7  BAD_SEED  the study seed must be a whole number from 0 to 4294967295',
    'seed: 1e30',
    '      ^^^^',
    'hint: write `seed: 0`',
  ],
});

test('BAD_SEED for a negative stage seed', golden, {
  study: ['stages: {data: {kind: fashion-mnist, seed: -5}}'],
  expected: [
    'study.yaml:1:44  BAD_SEED  a stage seed must be a whole number from 0 to 4294967295, not -5',
    'stages: {data: {kind: fashion-mnist, seed: -5}}',
    '                                           ^^',
    'hint: write `seed: 3` or an expression giving such a number',
  ],
});

test('BAD_SEED for a stage seed computed from the sweep', golden, {
  study: [
    'sweep: {s: [1, 4294967296]}',
    'stages: {data: {kind: fashion-mnist, seed: "${{ sweep.s }}"}}',
  ],
  expected: [
    'study.yaml:2:44  BAD_SEED  a stage seed must be a whole number from 0 to 4294967295, not 4294967296',
    'stages: {data: {kind: fashion-mnist, seed: "${{ sweep.s }}"}}',
    '                                           ^^^^^^^^^^^^^^^^',
    'hint: write `seed: 3` or an expression giving such a number',
  ],
});

test('BAD_SEED for --seed', golden, {
  study: ['stages: {data: {kind: fashion-mnist}}'],
  options: { seed: 4294967296 },
  expected: [
    '<command line>:1:8  BAD_SEED  the seed must be a whole number from 0 to 4294967295, not 4294967296',
    '--seed 4294967296',
    '       ^^^^^^^^^^',
    'hint: write `--seed 0`',
  ],
});

test('BAD_NAME for a name that climbs out of the runs folder', golden, {
  study: ['name: ../../escaped', 'stages: {data: {kind: fashion-mnist}}'],
  expected: [
    'study.yaml:1:7  BAD_NAME  the study name `../../escaped` cannot be a folder name',
    'name: ../../escaped',
    '      ^^^^^^^^^^^^^',
    'hint: use letters, digits, `-`, `_` and `.`, or leave `name` out to use the file name `study`',
  ],
});

test('BAD_NAME for a name with a slash', golden, {
  study: ['name: "a/b"', 'stages: {data: {kind: fashion-mnist}}'],
  expected: [
    'study.yaml:1:7  BAD_NAME  the study name `a/b` cannot be a folder name',
    'name: "a/b"',
    '      ^^^^^',
    'hint: use letters, digits, `-`, `_` and `.`, or leave `name` out to use the file name `study`',
  ],
});

test('BAD_NAME for a name with a backslash', golden, {
  study: ["name: 'a\\b'", 'stages: {data: {kind: fashion-mnist}}'],
  expected: [
    'study.yaml:1:7  BAD_NAME  the study name `a\\b` cannot be a folder name',
    "name: 'a\\b'",
    '      ^^^^^',
    'hint: use letters, digits, `-`, `_` and `.`, or leave `name` out to use the file name `study`',
  ],
});

test('BAD_NAME for a name starting with a dot', golden, {
  study: ['name: .hidden', 'stages: {data: {kind: fashion-mnist}}'],
  expected: [
    'study.yaml:1:7  BAD_NAME  the study name `.hidden` cannot be a folder name',
    'name: .hidden',
    '      ^^^^^^^',
    'hint: use letters, digits, `-`, `_` and `.`, or leave `name` out to use the file name `study`',
  ],
});

test('BAD_NAME for a name with a space', golden, {
  study: ['name: my study', 'stages: {data: {kind: fashion-mnist}}'],
  expected: [
    'study.yaml:1:7  BAD_NAME  the study name `my study` cannot be a folder name',
    'name: my study',
    '      ^^^^^^^^',
    'hint: use letters, digits, `-`, `_` and `.`, or leave `name` out to use the file name `study`',
  ],
});

test('ARTIFACT_KIND_MISMATCH', golden, {
  study: [
    'stages:',
    '  data: {kind: fashion-mnist}',
    '  train: {kind: train, with: {data: "${{ stages.data.dataset }}"}}',
    '  align: {kind: align, with: {model: "${{ stages.data.dataset }}", target: x}}',
  ],
  expected: [
    'study.yaml:4:50  ARTIFACT_KIND_MISMATCH  parameter `model` expects a model artifact, but `stages.data.dataset` is a dataset',
    '  align: {kind: align, with: {model: "${{ stages.data.dataset }}", target: x}}',
    '                                                 ^^^^^^^^^^^^',
    'hint: pass a model artifact, e.g. `stages.train.model`',
  ],
});

test('ARTIFACT_KIND_MISMATCH with no producer of the expected kind', golden, {
  study: [
    'stages:',
    '  data: {kind: fashion-mnist}',
    '  align: {kind: align, with: {model: "${{ stages.data.dataset }}", target: x}}',
  ],
  expected: [
    'study.yaml:3:50  ARTIFACT_KIND_MISMATCH  parameter `model` expects a model artifact, but `stages.data.dataset` is a dataset',
    '  align: {kind: align, with: {model: "${{ stages.data.dataset }}", target: x}}',
    '                                                 ^^^^^^^^^^^^',
    'hint: no stage of this study produces a model artifact; add one and pass its output',
  ],
});

test('ARTIFACT_KIND_MISMATCH for each entry of a list of references', golden, {
  study: [
    'stages:',
    '  data: {kind: fashion-mnist}',
    '  train: {kind: train, with: {data: "${{ stages.data.dataset }}"}}',
    '  bundle: {kind: bundle, with: {models: ["${{ stages.train.model }}", "${{ stages.data.dataset }}"]}}',
  ],
  expected: [
    'study.yaml:4:83  ARTIFACT_KIND_MISMATCH  parameter `models` expects a model artifact, but `stages.data.dataset` is a dataset',
    '  bundle: {kind: bundle, with: {models: ["${{ stages.train.model }}", "${{ stages.data.dataset }}"]}}',
    '                                                                                  ^^^^^^^^^^^^',
    'hint: pass a model artifact, e.g. `stages.train.model`',
  ],
});

test('ARTIFACT_KIND_MISMATCH for a gathered reference', golden, {
  study: [
    'sweep: {lr: [0.1, 0.2]}',
    'stages:',
    '  data: {kind: fashion-mnist}',
    '  train: {kind: train, with: {data: "${{ stages.data.dataset }}", lr: "${{ sweep.lr }}"}}',
    '  bundle: {kind: bundle, gather: [lr], with: {datasets: "${{ stages.train.model }}"}}',
  ],
  expected: [
    'study.yaml:5:69  ARTIFACT_KIND_MISMATCH  parameter `datasets` expects a dataset artifact, but `stages.train.model` is a model',
    '  bundle: {kind: bundle, gather: [lr], with: {datasets: "${{ stages.train.model }}"}}',
    '                                                                    ^^^^^^^^^^^',
    'hint: pass a dataset artifact, e.g. `stages.data.dataset`',
  ],
});

test('EMPTY_STUDY for a file holding only a comment', golden, {
  study: ['# nothing yet'],
  expected: [
    'study.yaml:1:1  EMPTY_STUDY  the study file is empty',
    '# nothing yet',
    '^',
    'hint: start with `stages:` and one stage',
  ],
});

test('NO_STAGES for an empty stages map', golden, {
  study: ['name: empty', 'stages: {}'],
  expected: [
    'study.yaml:2:9  NO_STAGES  the study has no stages: `stages` is an empty map',
    'stages: {}',
    '        ^^',
    'hint: name at least one stage: `stages: {data: {kind: fashion-mnist}}`',
  ],
});

test('TYPE_MISMATCH caused by a -p value shows the override', golden, {
  study: [
    'params: {epochs: 3}',
    'stages:',
    '  data: {kind: fashion-mnist}',
    '  train: {kind: train, with: {data: "${{ stages.data.dataset }}", epochs: "${{ params.epochs }}"}}',
  ],
  options: { params: ['params.epochs=abc'] },
  expected: [
    'study.yaml:4:75  TYPE_MISMATCH  parameter `epochs` expects a whole number, not a string',
    '  train: {kind: train, with: {data: "${{ stages.data.dataset }}", epochs: "${{ params.epochs }}"}}',
    '                                                                          ^^^^^^^^^^^^^^^^^^^^^^',
    '<command line>:1:4  note: the value comes from `-p params.epochs=abc` on the command line',
    '-p params.epochs=abc',
    '   ^^^^^^^^^^^^^^^^^',
    'hint: passes over the data',
  ],
});

test('TYPE_MISMATCH caused by a -s value shows the override', golden, {
  study: [
    'sweep: {target: [in_mask, out_mask]}',
    'stages:',
    '  data: {kind: fashion-mnist}',
    '  train: {kind: train, with: {data: "${{ stages.data.dataset }}"}}',
    '  align: {kind: align, with: {model: "${{ stages.train.model }}", target: "${{ sweep.target }}"}}',
  ],
  options: { sweep: ['target=[in_mask]'] },
  expected: [
    'study.yaml:5:75  TYPE_MISMATCH  parameter `target` expects a string, not a list',
    '  align: {kind: align, with: {model: "${{ stages.train.model }}", target: "${{ sweep.target }}"}}',
    '                                                                          ^^^^^^^^^^^^^^^^^^^^^',
    '<command line>:1:4  note: the value comes from `-s target=[in_mask]` on the command line',
    '-s target=[in_mask]',
    '   ^^^^^^^^^^^^^^^^',
    'hint: mask to align to',
  ],
});

test('a -p value read through its parent map and used in arithmetic shows the override', golden, {
  study: [
    'params: {train: {epochs: 3}}',
    'stages:',
    '  data: {kind: fashion-mnist}',
    '  train: {kind: train, with: {data: "${{ stages.data.dataset }}", epochs: "${{ params.train.epochs * 2 }}"}}',
  ],
  options: { params: ['params.train={epochs: x}'] },
  expected: [
    'study.yaml:4:100  TYPE_MISMATCH  `*` needs two numbers, not a string and a number',
    '  train: {kind: train, with: {data: "${{ stages.data.dataset }}", epochs: "${{ params.train.epochs * 2 }}"}}',
    '                                                                                                   ^',
    '<command line>:1:4  note: the value comes from `-p params.train={epochs: x}` on the command line',
    '-p params.train={epochs: x}',
    '   ^^^^^^^^^^^^^^^^^^^^^^^^',
  ],
});

test('AXIS_NOT_A_LIST caused by a -p value shows the override', golden, {
  study: [
    'params: {lrs: [0.1, 0.2]}',
    'sweep: {lr: "${{ params.lrs }}"}',
    'stages:',
    '  data: {kind: fashion-mnist}',
    '  train: {kind: train, with: {data: "${{ stages.data.dataset }}", lr: "${{ sweep.lr }}"}}',
  ],
  options: { params: ['params.lrs=0.3'] },
  expected: [
    'study.yaml:2:13  AXIS_NOT_A_LIST  the values of axis `lr` must be a list, not a number',
    'sweep: {lr: "${{ params.lrs }}"}',
    '            ^^^^^^^^^^^^^^^^^^^',
    '<command line>:1:4  note: the value comes from `-p params.lrs=0.3` on the command line',
    '-p params.lrs=0.3',
    '   ^^^^^^^^^^^^^^',
    'hint: write `lr: [a, b]`',
    '',
    'study.yaml:5:82  UNKNOWN_AXIS  there is no sweep axis `lr`',
    '  train: {kind: train, with: {data: "${{ stages.data.dataset }}", lr: "${{ sweep.lr }}"}}',
    '                                                                                 ^^',
  ],
});

test('a -p value that is fine gives no note on an unrelated problem', golden, {
  study: [
    'params: {epochs: 3}',
    'stages:',
    '  data: {kind: fashion-mnist}',
    '  train: {kind: train, with: {data: "${{ stages.data.dataset }}", epochs: "${{ params.epochs }}", lr: -1}}',
  ],
  options: { params: ['params.epochs=4'] },
  expected: [
    'study.yaml:4:103  OUT_OF_RANGE  parameter `lr` must be at least 0, not -1',
    '  train: {kind: train, with: {data: "${{ stages.data.dataset }}", epochs: "${{ params.epochs }}", lr: -1}}',
    '                                                                                                      ^^',
    'hint: learning rate',
  ],
});

test('EXPRESSION_IN_PARAMS', golden, {
  study: ['params: {a: 1, b: "${{ params.a }}"}', 'stages: {data: {kind: fashion-mnist}}'],
  expected: [
    'study.yaml:1:20  EXPRESSION_IN_PARAMS  params hold plain values, not `${{ }}` expressions',
    'params: {a: 1, b: "${{ params.a }}"}',
    '                   ^^^',
    'hint: compute the value where a stage uses it, e.g. `${{ params.lambda * 2 }}` in `with:`',
  ],
});

test('NO_STAGES', golden, {
  study: ['name: empty', 'stages:'],
  expected: [
    'study.yaml:2:8  NO_STAGES  the study has no stages',
    'stages:',
    '       ^',
    'hint: add a `stages:` map naming at least one stage',
  ],
});

test('YAML_TOO_LARGE', golden, {
  study: [
    'a: &a [x, x, x, x, x, x, x, x, x, x]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    'e: [*d, *d, *d]',
    'stages: {data: {kind: fashion-mnist}}',
  ],
  expected: [
    'study.yaml:5:5  YAML_TOO_LARGE  the document expands to more than 20000 values',
    'e: [*d, *d, *d]',
    '    ^',
    'hint: aliases that repeat aliases multiply quickly; write the values out',
  ],
});

test('BAD_OVERRIDE', golden, {
  study: ['params: {epochs: 3}', 'stages: {data: {kind: fashion-mnist}}'],
  options: { params: ['params.epochs=[1, 2'], sweep: ['lr'] },
  expected: [
    '<command line>:1:23  BAD_OVERRIDE  this value is not valid YAML',
    '-p params.epochs=[1, 2 -s lr',
    '                      ^',
    "hint: quote the value for your shell, e.g. -p 'params.x=[1, 2]'",
    '',
    '<command line>:1:27  BAD_OVERRIDE  `-s` needs an axis and its values: `-s AXIS=V1,V2`',
    '-p params.epochs=[1, 2 -s lr',
    '                          ^^',
    'hint: write `-s target=in_mask,out_mask`',
  ],
});

test('UNKNOWN_OVERRIDE', golden, {
  study: ['params: {train: {epochs: 3}}', 'stages: {data: {kind: fashion-mnist}}'],
  options: { params: ['params.train.epoch=5'], sweep: ['target=a,b'] },
  expected: [
    '<command line>:1:17  UNKNOWN_OVERRIDE  the study has no parameter `params.train.epoch`',
    '-p params.train.epoch=5 -s target=a,b',
    '                ^^^^^',
    'hint: did you mean `epochs`?',
    '',
    '<command line>:1:28  UNKNOWN_AXIS  the study has no sweep axis `target`',
    '-p params.train.epoch=5 -s target=a,b',
    '                           ^^^^^^',
  ],
});

test('IMPORT_NOT_FOUND', golden, {
  study: ['imports: [base.yaml, missing.yaml]', 'stages: {data: {kind: fashion-mnist}}'],
  files: {
    'base.yaml': 'params: {a: 1}\n',
  },
  expected: [
    'study.yaml:1:22  IMPORT_NOT_FOUND  cannot read imported file `missing.yaml`',
    'imports: [base.yaml, missing.yaml]',
    '                     ^^^^^^^^^^^^',
    "hint: the path is relative to this file's folder: .",
  ],
});

test('IMPORT_CYCLE and errors inside an imported file', golden, {
  study: ['imports: [a.yaml]', 'stages: {data: {kind: fashion-mnist}}'],
  files: {
    'a.yaml': 'imports: [study.yaml]\nstages:\n  train: {kind: trian}\n',
  },
  expected: [
    'a.yaml:1:11  IMPORT_CYCLE  importing `study.yaml` closes a cycle: study.yaml → a.yaml → study.yaml',
    'imports: [study.yaml]',
    '          ^^^^^^^^^^',
    'hint: move what both files need into a third file that neither imports back',
    '',
    'a.yaml:3:17  UNKNOWN_STAGE_KIND  unknown stage kind `trian`',
    '  train: {kind: trian}',
    '                ^^^^^',
    'hint: did you mean `train`?',
  ],
});

// 39 distinct codes: ARTIFACT_EXPECTED, BAD_OVERRIDE, BAD_SEED, BAD_SWEEP, DIVISION_BY_ZERO, DUPLICATE_AXIS, DUPLICATE_KEY, EMPTY_AXIS, EXCLUDE_REMOVES_ALL, EXPRESSION_IN_PARAMS, EXPRESSION_SYNTAX, GATHERED_AXIS_USED, IMPORT_CYCLE, IMPORT_NOT_FOUND, INCOMPLETE_INCLUDE, MISSING_KIND, MISSING_PARAM, NOT_IN_ENUM, NO_STAGES, OUT_OF_RANGE, REFERENCE_IN_STRING, STAGE_CYCLE, TYPE_MISMATCH, UNCLOSED_EXPRESSION, UNDECLARED_ENV, UNKNOWN_ANCHOR, UNKNOWN_AXIS, UNKNOWN_FUNCTION, UNKNOWN_KEY, UNKNOWN_NAME, UNKNOWN_OUTPUT, UNKNOWN_OVERRIDE, UNKNOWN_PARAM, UNKNOWN_STAGE, UNKNOWN_STAGE_KIND, UNUSED_AXIS, YAML_SYNTAX, YAML_TOO_LARGE, ZIP_LENGTH_MISMATCH

test('an empty (0-byte) study file is an EMPTY_STUDY error at 1:1', async (t) => {
  const r = await checkText('');
  t.is(
    printed(r),
    [
      'study.yaml:1:1  EMPTY_STUDY  the study file is empty',
      'hint: start with `stages:` and one stage',
    ].join('\n'),
  );
  t.is(r.plan, undefined);
});

test('the default name from the file name is always a safe name', (t) => {
  const cases: [string, string][] = [
    ['experiments/fashion-mnist-quick.yaml', 'fashion-mnist-quick'],
    ['study.yaml', 'study'],
    ['runs/v1.2.yaml', 'v1.2'],
    ['my study (copy).yaml', 'my-study-copy-'],
    ['.hidden.yaml', 'hidden'],
    ['...yaml', 'study'],
    ['a..b.yaml', 'a.b'],
  ];
  for (const [file, name] of cases) {
    t.is(defaultName(file), name, file);
    t.true(isSafeName(defaultName(file)), file);
  }
  t.true(isSafeName('fashion-mnist_v2.1'));
  for (const bad of ['..', '../x', 'a/b', 'a\\b', '.x', 'a..b', 'a b', 'x'.repeat(101), ''])
    t.false(isSafeName(bad), bad);
});

test('a study without a name takes a safe name from its file', async (t) => {
  const r = await checkText('stages: {data: {kind: fashion-mnist}}\n');
  t.is(r.plan?.name, 'study');
});

test('untagged artifact parameters and outputs accept any artifact', async (t) => {
  const r = await checkText(
    [
      'stages:',
      '  data: {kind: fashion-mnist}',
      '  pack: {kind: bundle, with: {extra: "${{ stages.data.dataset }}"}}',
      '  align: {kind: align, with: {model: "${{ stages.pack.bundle }}", target: x}}',
    ].join('\n') + '\n',
  );
  t.is(printed(r), '');
  t.truthy(r.plan);
});

test('a folder named as the study file says it is a folder', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alignlab-dir-'));
  const r = await checkStudy(dir, { registry: testRegistry });
  t.is(r.diagnostics.length, 1);
  t.is(r.diagnostics[0]!.message, `\`${dir}\` is a folder, not a study file`);
  t.regex(r.diagnostics[0]!.hint!, /name a \.yaml file in it/);
});
