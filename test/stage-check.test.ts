import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkStudy } from '../lang/index.js';
import { loadRegistry } from '../runtime/load-registry.js';
import { matchInputs, pairingProblem } from '../stdlib/report/inputs.js';

const QUICK = 'experiments/fashion-mnist-quick.yaml';

test('check rejects a robustness stage left with one target value', async (t) => {
  const registry = await loadRegistry([]);
  const whole = await checkStudy(QUICK, { registry });
  t.deepEqual(whole.diagnostics, []);

  const r = await checkStudy(QUICK, { registry, sweep: ['target=in_mask'] });
  t.is(r.plan, undefined);
  t.is(r.diagnostics.length, 1);
  const d = r.diagnostics[0]!;
  t.is(d.code, 'STAGE_INPUTS');
  t.is(
    d.message,
    'stage `report`: `summary` needs results for both target=in_mask and ' +
      'target=out_mask, but has no target=out_mask',
  );
  t.is(d.hint, 'sweep `target` over both values');
  // At the stage's name.
  t.like(d.pos, { line: 85, col: 3 });
  t.is(d.length, 'report'.length);
});

test('pairing: the target axis must be gathered, and every group needs both values', (t) => {
  const cell = (model: string, target: string) => ({ model, target });
  t.is(
    pairingProblem(
      [
        cell('cnn', 'in_mask'),
        cell('cnn', 'out_mask'),
        cell('vit', 'out_mask'),
        cell('vit', 'in_mask'),
      ],
      'summary',
      'target',
    ),
    undefined,
  );
  t.is(
    pairingProblem(
      [cell('cnn', 'in_mask'), cell('cnn', 'out_mask'), cell('vit', 'in_mask')],
      'summary',
      'target',
    )?.message,
    'group model=vit needs results for both target=in_mask and target=out_mask, ' +
      'but has no target=out_mask',
  );
  t.is(
    pairingProblem([{ target: 'none' }], 'per_image', 'target')?.message,
    '`per_image` needs results for both target=in_mask and target=out_mask, ' +
      'but has no target=in_mask and no target=out_mask',
  );
  // Not gathered at all (a single value), or gathered over other axes only.
  t.is(
    pairingProblem(undefined, 'summary', 'target')?.message,
    '`summary` must be gathered over the `target` axis',
  );
  t.is(
    pairingProblem([{ model: 'cnn' }], 'summary', 'target')?.hint,
    'add `gather: [target]` (and the model and explainer axes) to the stage',
  );
});

/** The quick study with one line of its robustness stage replaced. */
async function quickWith(from: string, to: string) {
  const dir = mkdtempSync(join(tmpdir(), 'alignlab-check-'));
  const text = readFileSync(QUICK, 'utf8');
  if (!text.includes(from)) throw new Error(`the quick study has no \`${from}\``);
  const file = join(dir, 'study.yaml');
  writeFileSync(file, text.replace(from, to));
  return checkStudy(file, { registry: await loadRegistry([]) });
}

test('check: robustness inputs from a stage that does not vary with the target', async (t) => {
  const r = await quickWith(
    'relevance: ${{ stages.explain.relevance }}\n      base_relevance',
    'relevance: ${{ stages.explain_base.relevance }}\n      base_relevance',
  );
  t.is(r.diagnostics.length, 1);
  t.is(r.diagnostics[0]!.code, 'STAGE_INPUTS');
  t.is(
    r.diagnostics[0]!.message,
    'stage `report`: `relevance` reads stage `explain_base`, which does not vary with `target`',
  );
  t.regex(r.diagnostics[0]!.hint!, /point `relevance` at an output that depends on the fine-tuned/);

  const summary = await quickWith(
    'summary: ${{ stages.metrics.summary }}',
    'summary: ${{ stages.metrics_base.summary }}',
  );
  t.regex(summary.diagnostics[0]!.message, /`summary` reads stage `metrics_base`/);
});

test('check: a robustness stage without gather is told to gather', async (t) => {
  const r = await quickWith(
    '    gather: [target]\n    with:\n      title:',
    '    with:\n      title:',
  );
  t.is(r.diagnostics.length, 1);
  t.is(
    r.diagnostics[0]!.message,
    'stage `report`: `summary` must be gathered over the `target` axis',
  );
});

test('run time: a summary that is not a metrics summary names the group and the shape', (t) => {
  const entry = (target: string, value: unknown) => ({ axes: { target }, value });
  const perImage = { mass: [0.5], rank: [0.5] };
  const error = t.throws(() =>
    matchInputs(
      {
        summary: [entry('in_mask', perImage), entry('out_mask', perImage)],
        per_image: [entry('in_mask', perImage), entry('out_mask', perImage)],
      },
      'target',
      'report',
    ),
  );
  t.is(
    error?.message,
    "report: `summary` for target=in_mask is not a metrics stage's `summary` output " +
      '(keys mass[], rank[]); check which output the parameter reads',
  );
});

test('check warns about data paths that are not there, or of the wrong type', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alignlab-check-'));
  writeFileSync(join(dir, 'list.csv'), 'image,label\n');
  const file = join(dir, 'study.yaml');
  writeFileSync(
    file,
    [
      'stages:',
      '  folder:',
      '    kind: image-folder',
      `    with: {root: ${join(dir, 'nowhere')}}`,
      '  fm:',
      '    kind: fashion-mnist',
      `    with: {source: full, root: ${dir}}`,
      '  manifest:',
      '    kind: csv-manifest',
      `    with: {csv: ${dir}}`,
      '  fine:',
      '    kind: csv-manifest',
      `    with: {csv: ${join(dir, 'list.csv')}}`,
    ].join('\n') + '\n',
  );
  const r = await checkStudy(file, { registry: await loadRegistry([]) });
  t.not(r.plan, undefined, 'warnings leave the plan');
  t.deepEqual(
    r.diagnostics.map((d) => [d.severity, d.pos.line, d.message]),
    [
      ['warning', 2, `stage \`folder\`: \`root\`: ${join(dir, 'nowhere')} does not exist`],
      [
        'warning',
        5,
        `stage \`fm\`: \`source: full\` reads ${dir}, which holds no Fashion-MNIST set`,
      ],
      ['warning', 8, `stage \`manifest\`: \`csv\`: ${dir} is a folder, not a file`],
    ],
  );
  t.regex(r.diagnostics[0]!.hint!, /relative paths are read from the folder alignlab runs in/);
});
