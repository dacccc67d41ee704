import test from 'ava';
import { mkdirSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chainStudy, runUntil, studyDir, withPlugin } from './fixtures/runtime/cli.js';
import { PLUGIN } from './fixtures/runtime/helpers.js';

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

test('gc keeps what a running run planned, and removes stray checkpoints', async (t) => {
  const { dir, study } = studyDir('');
  writeFileSync(
    study,
    `name: busy
stages:
  quick:
    kind: test/work
    with: { value: 1 }
  slow:
    kind: test/work
    with: { input: "\${{ stages.quick.value }}", sleepMs: 60000 }
`,
  );
  const other = join(dir, 'other.yaml');
  writeFileSync(other, 'name: other\nstages:\n  x:\n    kind: test/work\n    with: { value: 9 }\n');
  const { child: run } = await runUntil(
    dir,
    ['run', study, '--plugin', PLUGIN],
    /"instance-start","instance":"slow"/,
  );
  // The slow stage outlasts gc however loaded the machine; it is stopped after.
  const gc = await withPlugin(dir, 'gc', other, '--yes');
  run.kill('SIGINT');
  t.is((await run).exitCode, 130);
  t.is(gc.exitCode, 0, gc.stderr);
  t.regex(gc.stdout, new RegExp(`keeping what the running run \\(pid ${run.pid}\\) planned`));
  t.regex(gc.stdout, /1 study keeps 1 entry; removed 0 /);
  t.is(entries(dir), 1);

  // A checkpoint of work no study reaches goes; the stopped stage's stays.
  const stray = 'f'.repeat(64);
  mkdirSync(join(dir, '.alignlab', 'checkpoints', stray), { recursive: true });
  const dry = await withPlugin(dir, 'gc', study);
  t.regex(dry.stdout, /would remove 1 checkpoint of unfinished work no study reaches/);
  await withPlugin(dir, 'gc', study, '--yes');
  t.false(readdirSync(join(dir, '.alignlab', 'checkpoints')).includes(stray));
  t.is(entries(dir), 1);
});

test('gc keeps what the last run of a study used, even after the study changed', async (t) => {
  const { dir, study } = studyDir('');
  writeFileSync(study, chainStudy(dir, 3));
  t.is((await withPlugin(dir, 'run', study)).exitCode, 0);
  // Edited but not run again: its last run's entries stay.
  writeFileSync(study, chainStudy(dir, 4));
  const gc = await withPlugin(dir, 'gc', study, '--yes');
  t.is(gc.exitCode, 0, gc.stderr);
  t.regex(gc.stdout, /keeping what the last run of chain used/);
  t.regex(gc.stdout, /keeps 3 entries; removed 0 /);
  t.is(entries(dir), 3);
});

test('gc removes nothing while a study cannot find its data, or a run is still hashing', async (t) => {
  const { dir, study } = studyDir('');
  writeFileSync(study, chainStudy(dir, 3));
  t.is((await withPlugin(dir, 'run', study)).exitCode, 0);
  const unmounted = join(dir, 'photos.yaml');
  writeFileSync(
    unmounted,
    `name: photos\nstages:\n  data:\n    kind: image-folder\n    with: {root: ${join(dir, 'gone')}}\n`,
  );
  const gc = await withPlugin(dir, 'gc', unmounted, '--yes');
  t.is(gc.exitCode, 2);
  t.regex(
    gc.stderr,
    /does not exist; gc cannot tell which entries the study needs until its data is back/,
  );
  t.is(entries(dir), 3);

  // A run that is still hashing has planned nothing yet.
  mkdirSync(join(dir, 'big', 'a'), { recursive: true });
  const big = join(dir, 'big', 'a', 'big.bin');
  writeFileSync(big, '');
  truncateSync(big, 64 * 1024 ** 3);
  const hashing = join(dir, 'hashing.yaml');
  writeFileSync(
    hashing,
    `name: hashing\nstages:\n  data:\n    kind: image-folder\n    with: {root: big}\n`,
  );
  const { child: run } = await runUntil(dir, ['run', hashing], /"type":"run-start"/);
  const refused = await withPlugin(dir, 'gc', study, '--yes');
  run.kill('SIGINT');
  await run;
  t.is(refused.exitCode, 2);
  t.regex(refused.stderr, new RegExp(`a run on this cache \\(pid ${run.pid}\\) is still hashing`));
  t.is(entries(dir), 3);
});
