import { readFile } from 'node:fs/promises';
import test from 'ava';
import { checkStudy, studyJsonSchema } from '../lang/index.js';
import type { Plan } from '../lang/plan.js';
import { checkText, printed } from './lang-helpers.js';
import { testRegistry } from './lang-registry.js';

const SAMPLE = 'test/fixtures/lang/sample.yaml';

async function plan(text: string, options = {}, files = {}): Promise<Plan> {
  const r = await checkText(text, options, files);
  if (!r.plan) throw new Error(`unexpected diagnostics:\n${printed(r)}`);
  return r.plan;
}

const byId = (p: Plan, id: string) => {
  const inst = p.instances.find((i) => i.id === id);
  if (!inst) throw new Error(`no instance ${id}; have ${p.instances.map((i) => i.id).join(' ')}`);
  return inst;
};

test('the sample study shares train between both align instances', async (t) => {
  const r = await checkStudy(SAMPLE, { registry: testRegistry });
  t.deepEqual(r.diagnostics, []);
  const p = r.plan!;
  t.is(p.name, 'fashion-mnist-quick');
  t.deepEqual(p.axes, ['target']);
  t.deepEqual(
    p.instances.map((i) => i.id),
    ['data', 'train', 'align[target=in_mask]', 'align[target=out_mask]', 'report'],
  );
  t.deepEqual(byId(p, 'train').params, {
    data: { $ref: { instance: 'data', output: 'dataset' } },
    epochs: 10,
    lr: 0.01,
    tags: [],
  });
  t.is(byId(p, 'train').seed, 3);
  t.is(byId(p, 'data').seed, 0);
  t.deepEqual(byId(p, 'align[target=out_mask]').params, {
    model: { $ref: { instance: 'train', output: 'model' } },
    target: 'out_mask',
    lambda: 2,
    options: {},
  });
  t.deepEqual(byId(p, 'align[target=in_mask]').deps, ['train']);
  t.deepEqual(byId(p, 'align[target=in_mask]').axes, { target: 'in_mask' });
  t.deepEqual(byId(p, 'report').params.aligned, {
    $gather: [
      { axes: { target: 'in_mask' }, ref: { instance: 'align[target=in_mask]', output: 'model' } },
      {
        axes: { target: 'out_mask' },
        ref: { instance: 'align[target=out_mask]', output: 'model' },
      },
    ],
  });
  t.deepEqual(byId(p, 'report').deps, ['align[target=in_mask]', 'align[target=out_mask]']);
  t.deepEqual(p.cells, [
    {
      id: 'target=in_mask',
      axes: { target: 'in_mask' },
      instances: ['data', 'train', 'align[target=in_mask]', 'report'],
    },
    {
      id: 'target=out_mask',
      axes: { target: 'out_mask' },
      instances: ['data', 'train', 'align[target=out_mask]', 'report'],
    },
  ]);
  t.deepEqual(byId(p, 'report').pos, {
    file: SAMPLE,
    offset: (await readFile(SAMPLE, 'utf8')).indexOf('  report:') + 2,
    line: 26,
    col: 3,
  });
  t.regex(r.studyHash, /^[0-9a-f]{64}$/);
});

test('instances come in topological order even when declared backwards', async (t) => {
  const p = await plan(`
stages:
  report: {kind: report, with: {aligned: "\${{ stages.train.accuracy }}"}}
  train: {kind: train, with: {data: "\${{ stages.data.dataset }}"}}
  data: {kind: fashion-mnist}
`);
  t.deepEqual(
    p.instances.map((i) => i.id),
    ['data', 'train', 'report'],
  );
  t.deepEqual(p.cells, [{ id: '', axes: {}, instances: ['data', 'train', 'report'] }]);
});

test('a whole expression keeps its type; longer strings interpolate; $${{ escapes', async (t) => {
  const p = await plan(`
sweep: {lr: [0.1, 1e-2]}
stages:
  data: {kind: fashion-mnist}
  train:
    kind: train
    with:
      data: \${{ stages.data.dataset }}
      lr: \${{ 1e-3 * 2 }}
      epochs: "\${{ 3 }}"
      tags: ['run-\${{ sweep.lr }}', 'n=\${{ 1 + 1 }}/\${{ [1, "a"] }}', '$\${{ not evaluated }}', '\${{ sweep.lr > 0.05 }}']
`);
  t.deepEqual(byId(p, 'train[lr=0.1]').params, {
    data: { $ref: { instance: 'data', output: 'dataset' } },
    epochs: 3,
    lr: 0.002,
    tags: ['run-0.1', 'n=2/[1,"a"]', '${{ not evaluated }}', true],
  });
  t.deepEqual(byId(p, 'train[lr=0.01]').params.tags, [
    'run-0.01',
    'n=2/[1,"a"]',
    '${{ not evaluated }}',
    false,
  ]);
});

test('grid, zip, include and exclude make the cells in declaration order', async (t) => {
  const p = await plan(`
sweep:
  grid: {target: [in_mask, out_mask]}
  zip: {lr: [0.1, 0.01], bs: [16, 32]}
  include: [{target: extra, lr: 1, bs: 8}]
  exclude:
    - {target: out_mask, lr: 0.1}
    - "\${{ sweep.lr < 0.05 && sweep.target == 'in_mask' }}"
stages:
  data: {kind: fashion-mnist}
  train: {kind: train, with: {data: "\${{ stages.data.dataset }}"}}
  align:
    kind: align
    with: {model: "\${{ stages.train.model }}", target: "\${{ sweep.target }}", lambda: "\${{ sweep.lr * sweep.bs }}"}
`);
  t.deepEqual(p.axes, ['target', 'lr', 'bs']);
  t.deepEqual(
    p.cells.map((c) => c.id),
    ['target=in_mask,lr=0.1,bs=16', 'target=out_mask,lr=0.01,bs=32', 'target=extra,lr=1,bs=8'],
  );
  t.deepEqual(
    p.instances.map((i) => i.id),
    [
      'data',
      'train',
      'align[target=in_mask,lr=0.1,bs=16]',
      'align[target=out_mask,lr=0.01,bs=32]',
      'align[target=extra,lr=1,bs=8]',
    ],
  );
  t.is(byId(p, 'align[target=out_mask,lr=0.01,bs=32]').params.lambda, 0.32);
});

test('numbers are formatted canonically in ids; strings stay as written', async (t) => {
  const p = await plan(`
sweep: {lr: [1e-1, 0.1, 0.25], version: ["3.10", "v2"]}
stages:
  data: {kind: fashion-mnist, with: {source: "\${{ sweep.version == 'v2' ? 'full' : 'sample' }}"}}
  train: {kind: train, with: {data: "\${{ stages.data.dataset }}", lr: "\${{ sweep.lr }}"}}
`);
  t.deepEqual(
    p.cells.map((c) => c.id),
    ['lr=0.1,version="3.10"', 'lr=0.1,version=v2', 'lr=0.25,version="3.10"', 'lr=0.25,version=v2'],
  );
  t.deepEqual(
    p.instances.map((i) => i.id),
    [
      'data[version="3.10"]',
      'data[version=v2]',
      'train[lr=0.1,version="3.10"]',
      'train[lr=0.1,version=v2]',
      'train[lr=0.25,version="3.10"]',
      'train[lr=0.25,version=v2]',
    ],
  );
  t.is(byId(p, 'data[version=v2]').params.source, 'full');
});

test('gathering one axis keeps the others: one report per lr', async (t) => {
  const p = await plan(`
sweep: {target: [a, b], lr: [0.1, 0.2]}
stages:
  data: {kind: fashion-mnist}
  train: {kind: train, with: {data: "\${{ stages.data.dataset }}", lr: "\${{ sweep.lr }}"}}
  align: {kind: align, with: {model: "\${{ stages.train.model }}", target: "\${{ sweep.target }}"}}
  report:
    kind: report
    gather: [target]
    with: {aligned: "\${{ stages.align.model }}", scores: ["\${{ stages.train.accuracy }}"], title: "lr \${{ sweep.lr }}"}
`);
  const report = byId(p, 'report[lr=0.2]');
  t.deepEqual(report.params, {
    aligned: {
      $gather: [
        { axes: { target: 'a' }, ref: { instance: 'align[target=a,lr=0.2]', output: 'model' } },
        { axes: { target: 'b' }, ref: { instance: 'align[target=b,lr=0.2]', output: 'model' } },
      ],
    },
    scores: [{ $ref: { instance: 'train[lr=0.2]', output: 'accuracy' } }],
    title: 'lr 0.2',
  });
  t.deepEqual(report.deps, ['align[target=a,lr=0.2]', 'align[target=b,lr=0.2]', 'train[lr=0.2]']);
  t.is(p.instances.filter((i) => i.stage === 'report').length, 2);
  t.is(p.instances.filter((i) => i.stage === 'train').length, 2);
});

test('a stage seed may depend on the sweep, which makes the stage vary', async (t) => {
  const p = await plan(`
seed: 5
sweep: {rep: [1, 2]}
stages:
  data: {kind: fashion-mnist, seed: "\${{ seed * 10 + sweep.rep }}"}
`);
  t.deepEqual(
    p.instances.map((i) => [i.id, i.seed]),
    [
      ['data[rep=1]', 51],
      ['data[rep=2]', 52],
    ],
  );
  const q = await plan('seed: 5\nstages: {data: {kind: fashion-mnist}}', { seed: 9 });
  t.is(q.seed, 9);
  t.is(q.instances[0]!.seed, 9);
});

test('command-line overrides replace params and axis values', async (t) => {
  const text = await readFile(SAMPLE, 'utf8');
  const p = await plan(text, { params: ['params.epochs=5'], sweep: ['target=out_mask'] });
  t.is(byId(p, 'train').params.epochs, 5);
  t.deepEqual(
    p.instances.map((i) => i.id),
    ['data', 'train', 'align[target=out_mask]', 'report'],
  );
  const q = await plan(text, { params: ['params.lambda=3'], sweep: ["target='a,b',c"] });
  t.is(byId(q, 'align[target=c]').params.lambda, 6);
  t.deepEqual(
    q.cells.map((c) => c.id),
    ['target="a,b"', 'target=c'],
  );
});

test('env values are read from the environment when declared', async (t) => {
  process.env.ALIGNLAB_TEST_SOURCE = 'full';
  const p = await plan(
    'env: [ALIGNLAB_TEST_SOURCE]\nstages: {data: {kind: fashion-mnist, with: {source: "${{ env.ALIGNLAB_TEST_SOURCE }}"}}}',
  );
  t.is(p.instances[0]!.params.source, 'full');
});

test('imports merge maps deeply, replace lists, and the importing file wins', async (t) => {
  const files = {
    'base.yaml':
      'params: {epochs: 3, lambda: 4}\nsweep: {target: [a, b, c]}\nstages:\n  data: {kind: fashion-mnist, with: {source: full}}\n  train: {kind: train, with: {data: "${{ stages.data.dataset }}", epochs: "${{ params.epochs }}", tags: [x, y]}}\n',
    'more.yaml': 'params: {epochs: 7}\n',
  };
  const p = await plan(
    'imports: [base.yaml, more.yaml]\nsweep: {target: [a]}\nstages:\n  train: {with: {tags: [z]}}\n  align: {kind: align, with: {model: "${{ stages.train.model }}", target: "${{ sweep.target }}", lambda: "${{ params.lambda }}"}}\n',
    {},
    files,
  );
  t.deepEqual(
    p.instances.map((i) => i.id),
    ['data', 'train', 'align[target=a]'],
  );
  t.is(byId(p, 'data').params.source, 'full');
  t.deepEqual(byId(p, 'train').params.tags, ['z']);
  t.is(byId(p, 'train').params.epochs, 7);
  t.is(byId(p, 'align[target=a]').params.lambda, 4);
  t.is(byId(p, 'train').pos.file, 'base.yaml');
});

test('the study hash follows the resolved study, not its text', async (t) => {
  const a = await checkText('params: {n: 3}\nstages: {data: {kind: fashion-mnist}}\n');
  const b = await checkText(
    '# same study, other layout\nparams:\n  n: 3\nstages:\n  data:\n    kind: fashion-mnist\n',
  );
  const c = await checkText('params: {n: 3}\nstages: {data: {kind: fashion-mnist}}\n', {
    params: ['params.n=4'],
  });
  t.is(a.studyHash, b.studyHash);
  t.not(a.studyHash, c.studyHash);
});

test('the JSON schema lists stage kinds with their parameters', (t) => {
  const schema = studyJsonSchema(testRegistry) as any;
  const stage = schema.properties.stages.additionalProperties;
  t.deepEqual(stage.properties.kind.enum, ['fashion-mnist', 'train', 'align', 'report', 'bundle']);
  const train = stage.oneOf[1];
  t.deepEqual(train.properties.kind, { const: 'train', description: 'test stage train' });
  t.deepEqual(train.properties.with.required, ['data']);
  t.is(train.properties.with.properties.epochs.default, 5);
  t.is(train.properties.with.properties.epochs.anyOf[0].maximum, 1000);
});

test('zipped axes may repeat a value; a repeated pair or grid value runs once, with a warning', async (t) => {
  const stages = `stages:
  data: {kind: fashion-mnist}
  train: {kind: train, with: {data: "\${{ stages.data.dataset }}", lr: "\${{ sweep.lr }}", epochs: "\${{ sweep.bs }}"}}
`;
  const zipped = await checkText(`sweep:\n  zip: {lr: [0.1, 0.1], bs: [16, 32]}\n${stages}`);
  t.deepEqual(zipped.diagnostics, []);
  t.deepEqual(
    zipped.plan!.cells.map((c) => c.id),
    ['lr=0.1,bs=16', 'lr=0.1,bs=32'],
  );

  const pair = await checkText(`sweep:\n  zip: {lr: [0.1, 0.1], bs: [16, 16]}\n${stages}`);
  t.deepEqual(
    pair.plan!.cells.map((c) => c.id),
    ['lr=0.1,bs=16'],
  );
  t.deepEqual(
    pair.diagnostics.map((d) => [d.code, d.severity, d.message]),
    [
      [
        'DUPLICATE_AXIS_VALUE',
        'warning',
        'the zipped axes pair the same values more than once; 1 repeated cell(s) run once',
      ],
    ],
  );

  const grid = await checkText(`sweep:\n  lr: [10, 0.1, 1e1]\n  bs: [16]\n${stages}`, {
    sweep: ['bs=8,8'],
  });
  t.deepEqual(
    grid.plan!.cells.map((c) => c.id),
    ['lr=10,bs=8', 'lr=0.1,bs=8'],
  );
  t.deepEqual(
    grid.diagnostics.map((d) => [d.pos.file, d.pos.line, d.pos.col, d.message]),
    [
      ['study.yaml', 2, 7, 'axis `lr` lists 10 more than once; each value runs once'],
      ['<command line>', 1, 4, 'axis `bs` lists 8 more than once; each value runs once'],
    ],
  );
  // Repeats in values that `-s` replaces never run: no warning about them.
  const replaced = await checkText(`sweep:\n  lr: [0.1, 0.1]\n  bs: [16]\n${stages}`, {
    sweep: ['lr=0.5'],
  });
  t.deepEqual(replaced.diagnostics, []);
  t.deepEqual(
    replaced.plan!.cells.map((c) => c.id),
    ['lr=0.5,bs=16'],
  );
});
