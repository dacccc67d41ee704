/**
 * `alignlab show` through the real binary: a 3 x 2 sweep run in part (one
 * cell crashes, two are left out with --sweep), then shown whole: done,
 * failed and not-run cells, values from the cache, sort, filter, formats.
 * The CLI helper strips stdout's final newline.
 */
import test from 'ava';
import { alignlab, studyDir, withPlugin } from './fixtures/runtime/cli.js';

const STUDY = `name: grid
seed: 1
sweep:
  grid:
    lr: [0.1, 0.2, 0.3]
    model: [a, b]
stages:
  shared:
    kind: test/work
    with:
      value: 7
  w:
    kind: test/work
    with:
      input: \${{ stages.shared.value }}
      crash: \${{ sweep.lr == 0.2 && sweep.model == "b" }}
      value:
        acc: \${{ sweep.lr * 2 }}
        loss: "\${{ sweep.model == 'a' ? 1 - sweep.lr : 2 - sweep.lr }}"
  rep:
    kind: test/report
    gather: [lr, model]
    with:
      input: \${{ stages.w.value }}
`;

const prepared = (async () => {
  const { dir, study } = studyDir(STUDY);
  const run = await withPlugin(dir, 'run', study, '-s', 'lr=0.1,0.2', '--jobs', '2');
  return { dir, study, run };
})();

const show = async (...args: string[]) => {
  const { dir, study } = await prepared;
  return withPlugin(dir, 'show', study, ...args);
};

test('the partial run fails in one cell', async (t) => {
  const { run } = await prepared;
  t.is(run.exitCode, 1, run.stderr);
});

test('json: one row per cell, failed and not-run cells included, values from the cache', async (t) => {
  const r = await show('--format', 'json');
  t.is(r.exitCode, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
  t.deepEqual(
    rows.map((x) => [x.lr, x.model, x.status, x['w.value.acc'], x['w.value.loss']]),
    [
      [0.1, 'a', 'done', 0.2, 0.9],
      [0.1, 'b', 'done', 0.2, 1.9],
      [0.2, 'a', 'done', 0.4, 0.8],
      [0.2, 'b', 'failed', null, null],
      [0.3, 'a', 'not run', null, null],
      [0.3, 'b', 'not run', null, null],
    ],
  );
  // The shared stage is the same in every row, the report is not a metric.
  t.false(Object.keys(rows[0]!).some((k) => k.startsWith('shared.') || k.startsWith('rep.')));
  t.regex(String(rows[3]!.detail), /^w\[lr=0\.2,model=b\]: /);
});

test('table: sorted by a metric, descending, missing values last', async (t) => {
  const r = await show('--sort=-w.value.loss');
  t.is(r.exitCode, 0, r.stderr);
  const lines = r.stdout.split('\n');
  t.is(lines[0], '  lr   model  status   cached  w.value.acc  w.value.loss  w.read.value');
  t.deepEqual(
    lines.slice(1, 7).map((l) => l.trim().split(/\s+/).slice(0, 3).join(' ')),
    ['0.1 b done', '0.1 a done', '0.2 a done', '0.2 b failed', '0.3 a not', '0.3 b not'],
  );
  t.regex(r.stdout, /Failures:\n {2}lr=0\.2,model=b: w\[lr=0\.2,model=b\]/);
});

test('filter: an expression over axes and metrics', async (t) => {
  const r = await show('--filter', 'model == "a" && w.value.acc >= 0.2', '--format', 'csv');
  t.is(r.exitCode, 0, r.stderr);
  t.is(
    r.stdout,
    'lr,model,status,cached,w.value.acc,w.value.loss,w.read.value\n' +
      '0.1,a,done,2/2,0.2,0.9,7\n0.2,a,done,2/2,0.4,0.8,7',
  );
  const byStatus = await show('--filter', 'status != "done"', '--format', 'json');
  t.deepEqual(
    (JSON.parse(byStatus.stdout) as { cell: string }[]).map((x) => x.cell),
    ['lr=0.2,model=b', 'lr=0.3,model=a', 'lr=0.3,model=b'],
  );
});

test('markdown: a pipe table', async (t) => {
  const r = await show('--format', 'markdown', '--filter', 'sweep.lr == 0.3');
  t.is(
    r.stdout,
    '| lr | model | status | cached | w.value.acc | w.value.loss | w.read.value |\n' +
      '|---|---|---|---|---|---|---|\n' +
      '| 0.3 | a | not run | 1/2 | - | - | - |\n| 0.3 | b | not run | 1/2 | - | - | - |',
  );
});

const mistakes: [string, string[], RegExp][] = [
  [
    'misspelt name in --filter',
    ['--filter', 'modle == "a"'],
    /unknown name `modle`; did you mean `model`\?/,
  ],
  [
    'misspelt metric in --filter',
    ['--filter', 'w.value.acx > 0'],
    /there is no key `acx` here; did you mean `acc`\?; columns: w\.value\.acc, w\.value\.loss/,
  ],
  [
    'unquoted axis value in --filter',
    ['--filter', 'model == a'],
    /unknown name `a`; to compare with the value a, quote it: 'a'/,
  ],
  ['filter that is not true or false', ['--filter', 'lr + 1'], /must give true or false/],
  ['filter that divides by zero', ['--filter', '1 / 0 > 0'], /--filter: division by zero/i],
  [
    'unknown --sort column',
    ['--sort', 'w.value.los'],
    /no column `w.value.los`; did you mean `w.value.loss`\?/,
  ],
  [
    'unknown --format',
    ['--format', 'yaml'],
    /--format for show must be one of table, csv, json, markdown/,
  ],
];
for (const [name, args, message] of mistakes) {
  test(`usage error: ${name}`, async (t) => {
    const r = await show(...args);
    t.is(r.exitCode, 2);
    t.regex(r.stderr, message);
  });
}

test('a study never run: every cell listed as not run', async (t) => {
  const { dir, study } = studyDir(STUDY);
  const r = await alignlab(
    dir,
    'show',
    study,
    '--plugin',
    (await import('./fixtures/runtime/helpers.js')).PLUGIN,
  );
  t.is(r.exitCode, 0, r.stderr);
  t.is(r.stdout.split('\n').filter((l) => l.includes('not run  0/2')).length, 6);
});

test('--columns narrows the output; filter and sort still see every column', async (t) => {
  const r = await show(
    '--columns',
    'w.value.acc',
    '--filter',
    'w.value.loss > 1',
    '--format',
    'csv',
  );
  t.is(r.exitCode, 0, r.stderr);
  t.is(r.stdout, 'lr,model,status,cached,w.value.acc\n0.1,b,done,2/2,0.2');
  const all = await show('--columns', 'w.value', '--format', 'csv', '--filter', 'lr == 0.1');
  t.is(all.stdout.split('\n')[0], 'lr,model,status,cached,w.value.acc,w.value.loss');
  const bad = await show('--columns', 'w.value.los');
  t.is(bad.exitCode, 2);
  t.regex(bad.stderr, /--columns: no column `w.value.los`; did you mean `w.value.loss`\?/);
  // Axes are always there; naming one with a metric is no mistake.
  const axis = await show(
    '--columns',
    'model,w.value.acc',
    '--format',
    'csv',
    '--filter',
    'lr == 0.1',
  );
  t.is(axis.stdout.split('\n')[0], 'lr,model,status,cached,w.value.acc');
  const empty = await show('--columns', ' , ');
  t.is(empty.exitCode, 2);
  t.regex(empty.stderr, /--columns names no column/);
});
