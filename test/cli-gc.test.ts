import test from 'ava';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chainStudy, studyDir, withPlugin } from './fixtures/runtime/cli.js';

const entries = (dir: string) => readdirSync(join(dir, '.alignlab', 'cache')).length;

test('gc keeps what the named studies reach and removes the rest only with --yes', async (t) => {
  const { dir, study } = studyDir('');
  writeFileSync(study, chainStudy(dir, 3));
  t.is((await withPlugin(dir, 'run', study)).exitCode, 0);
  writeFileSync(study, chainStudy(dir, 4));
  t.is((await withPlugin(dir, 'run', study)).exitCode, 0);
  // v=3 and v=4 each made a, b and rep.
  t.is(entries(dir), 6);

  const dry = await withPlugin(dir, 'gc', study);
  t.is(dry.exitCode, 0, dry.stderr);
  t.regex(dry.stdout, /1 study keeps 3 entries; would remove 3 /);
  t.regex(dry.stdout, /run `alignlab gc --yes`/);
  for (const id of ['a', 'b', 'rep']) t.regex(dry.stdout, new RegExp(`  ${id} +\\d+ KiB`));
  t.is(entries(dir), 6);

  const wet = await withPlugin(dir, 'gc', study, '--yes');
  t.regex(wet.stdout, /keeps 3 entries; removed 3 /);
  t.is(entries(dir), 3);
  t.deepEqual(readdirSync(join(dir, '.alignlab', 'tmp')), []);

  // What the study reaches is intact; the old variant is gone.
  t.regex((await withPlugin(dir, 'run', study)).stdout, /0 executed, 3 cached/);
  writeFileSync(study, chainStudy(dir, 3));
  t.regex((await withPlugin(dir, 'plan', study)).stdout, /0 cached, 3 will run/);
});

test('gc with a study that does not compile removes nothing; exit 2', async (t) => {
  const { dir, study } = studyDir('');
  writeFileSync(study, chainStudy(dir, 3));
  t.is((await withPlugin(dir, 'run', study)).exitCode, 0);
  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, 'name: broken\nstages:\n  x:\n    kind: test/nope\n');
  const gc = await withPlugin(dir, 'gc', broken, '--yes');
  t.is(gc.exitCode, 2);
  t.is(entries(dir), 3);
});
