import test from 'ava';
import { execaNode } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyCache } from '../runtime/verify-cache.js';
import { studyDir } from './fixtures/runtime/cli.js';
import { CLI, executions, PLUGIN } from './fixtures/runtime/helpers.js';

test('two alignlab run processes on one cache compute each instance once', async (t) => {
  const { dir, study } = studyDir('');
  const counter = join(dir, 'count');
  writeFileSync(
    study,
    `name: shared
sweep:
  grid:
    x: [1, 2, 3, 4]
stages:
  cell:
    kind: test/work
    with:
      value: \${{ sweep.x }}
      sleepMs: 600
      counter: ${counter}
  rep:
    kind: test/report
    gather: [x]
    with:
      input: \${{ stages.cell.value }}
`,
  );
  const start = (out: string) =>
    execaNode(CLI, ['run', study, '--plugin', PLUGIN, '--jobs', '2', '--out', join(dir, out)], {
      cwd: dir,
      reject: false,
    });
  const [a, b] = await Promise.all([start('a'), start('b')]);
  t.is(a.exitCode, 0, String(a.stderr));
  t.is(b.exitCode, 0, String(b.stderr));

  // Every cell ran exactly once, in one process or the other.
  t.deepEqual(executions(counter), {
    'cell[x=1]': 1,
    'cell[x=2]': 1,
    'cell[x=3]': 1,
    'cell[x=4]': 1,
  });
  const executed = (s: string) => Number(/(\d+) executed/.exec(s)?.[1]);
  t.is(executed(String(a.stdout)) + executed(String(b.stdout)), 5);
  // Both print the same report.
  const report = (s: string) => /REPORT .*/.exec(s)?.[0];
  t.is(report(String(a.stdout)), report(String(b.stdout)));
  t.deepEqual((await verifyCache(join(dir, '.alignlab'), false)).problems, []);
});
