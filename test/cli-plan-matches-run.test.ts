/**
 * What `alignlab plan` says, instance by instance, is what `alignlab run`
 * then does: every "cached" instance comes from the cache, every "will run"
 * instance is executed, across a series of edits to one study.
 */
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { studyDir, withPlugin } from './fixtures/runtime/cli.js';
import { executions } from './fixtures/runtime/helpers.js';

interface Edit {
  name: string;
  params: { v: number; w: number };
  xs: number[];
  /** Instances the plan must say will run; the rest are cached. */
  willRun: string[];
}

function study(dir: string, e: Edit): string {
  return `name: plan-run
seed: 1
params:
  v: ${e.params.v}
  w: ${e.params.w}
sweep:
  grid:
    x: [${e.xs.join(', ')}]
stages:
  base:
    kind: test/work
    with:
      value: \${{ params.v }}
      counter: ${join(dir, 'count')}
  cell:
    kind: test/work
    with:
      value: \${{ sweep.x }}
      input: \${{ stages.base.files }}
      counter: ${join(dir, 'count')}
  side:
    kind: test/work
    with:
      value: \${{ params.w }}
      counter: ${join(dir, 'count')}
  rep:
    kind: test/report
    gather: [x]
    with:
      input:
        cells: \${{ stages.cell.value }}
        side: \${{ stages.side.value }}
`;
}

// With v = w, base and side are the same work (equal keys): it runs once.
const EDITS: Edit[] = [
  {
    name: 'first run',
    params: { v: 1, w: 1 },
    xs: [1, 2],
    willRun: ['base', 'cell[x=1]', 'cell[x=2]', 'rep'],
  },
  { name: 'nothing changed', params: { v: 1, w: 1 }, xs: [1, 2], willRun: [] },
  { name: 'a leaf parameter', params: { v: 1, w: 2 }, xs: [1, 2], willRun: ['side', 'rep'] },
  {
    name: 'an upstream parameter',
    params: { v: 5, w: 2 },
    xs: [1, 2],
    willRun: ['base', 'cell[x=1]', 'cell[x=2]', 'rep'],
  },
  {
    name: 'a new sweep value',
    params: { v: 5, w: 2 },
    xs: [1, 2, 3],
    willRun: ['cell[x=3]', 'rep'],
  },
  { name: 'back to the first', params: { v: 1, w: 1 }, xs: [1, 2], willRun: [] },
];

interface Row {
  instance: string;
  status: 'cached' | 'will run';
}

test('plan says exactly what run then does, edit after edit', async (t) => {
  const { dir, study: file } = studyDir('');
  let before: Record<string, number> = {};
  for (const edit of EDITS) {
    writeFileSync(file, study(dir, edit));

    const plan = await withPlugin(dir, 'plan', file, '--json');
    t.is(plan.exitCode, 0, plan.stderr);
    const rows = plan.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Row);
    const planned = rows.filter((r) => r.status === 'will run').map((r) => r.instance);
    t.deepEqual(planned.sort(), [...edit.willRun].sort(), `plan after ${edit.name}`);

    const run = await withPlugin(dir, 'run', file, '--json');
    t.is(run.exitCode, 0, run.stderr);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    const of = (type: string) => events.filter((e) => e.type === type).map((e) => e.instance!);
    t.deepEqual(of('instance-start').sort(), planned, `executed after ${edit.name}`);
    t.deepEqual(
      of('instance-cached').sort(),
      rows
        .filter((r) => r.status === 'cached')
        .map((r) => r.instance)
        .sort(),
      `cached after ${edit.name}`,
    );

    // The counter file agrees: work stages ran once more each, no others.
    const after = executions(join(dir, 'count'));
    const ranNow = Object.keys(after).filter((id) => after[id] !== before[id]);
    t.deepEqual(
      ranNow.sort(),
      planned.filter((id) => id !== 'rep'),
      `counted after ${edit.name}`,
    );
    before = after;
  }
});
