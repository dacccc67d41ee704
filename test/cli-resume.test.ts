import test from 'ava';
import { execaNode } from 'execa';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alignlab, studyDir, withPlugin } from './fixtures/runtime/cli.js';
import { CLI, executions, PLUGIN } from './fixtures/runtime/helpers.js';

test('kill -9 of the CLI mid-run: the next run reuses finished work', async (t) => {
  const { dir, study } = studyDir('');
  const counter = join(dir, 'count');
  writeFileSync(
    study,
    `name: killed
stages:
  quick:
    kind: test/work
    with: { value: 1, counter: ${counter} }
  slow:
    kind: test/work
    with: { value: 2, sleepMs: 4000, counter: ${counter} }
`,
  );
  const child = execaNode(CLI, ['run', study, '--plugin', PLUGIN, '--json'], {
    cwd: dir,
    reject: false,
    buffer: false,
  });
  let seen = '';
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (
        /"instance-done","instance":"quick"/.test(seen) &&
        /"instance":"slow","step":3/.test(seen)
      ) {
        resolve();
      }
    });
  });
  child.kill('SIGKILL');
  await child;
  await new Promise((r) => setTimeout(r, 1000));

  const status = await alignlab(dir, 'status');
  t.regex(status.stdout, /did not finish/);
  // What the killed run had running is not shown as running.
  t.regex(status.stdout, /\n {2}slow +cut off +/);
  const json = JSON.parse((await alignlab(dir, 'status', '--json')).stdout);
  t.is(json.run, 'killed');
  t.like(json.instances, { quick: { state: 'done' }, slow: { state: 'cut off' } });
  const verify = await alignlab(dir, 'verify');
  t.is(verify.exitCode, 0);
  const plan = await withPlugin(dir, 'plan', study);
  t.regex(plan.stdout, /cached +quick/);
  t.regex(plan.stdout, /will run +slow +test\/work +the last run did not finish it/);

  const again = await withPlugin(dir, 'run', study);
  t.is(again.exitCode, 0, again.stderr);
  t.regex(again.stdout, /2 instances: 1 executed, 1 cached, 0 failed/);
  t.regex(again.stderr, /took over the stale lock/);
  t.deepEqual(executions(counter), { quick: 1, slow: 2 });
  t.deepEqual(readdirSync(join(dir, '.alignlab', 'tmp')), []);
});

test('Ctrl-C twice kills a stage that does not stop; exit 130', async (t) => {
  const { dir, study } = studyDir(`name: stubborn
stages:
  slow:
    kind: test/work
    with: { value: 1, sleepMs: 120000, ignoreAbort: true }
`);
  const child = execaNode(CLI, ['run', study, '--plugin', PLUGIN, '--json'], {
    cwd: dir,
    reject: false,
    buffer: false,
  });
  let seen = '';
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (/"instance":"slow","step":1/.test(seen)) resolve();
    });
  });
  const started = Date.now();
  child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 500));
  child.kill('SIGINT');
  const result = await child;
  t.is(result.exitCode, 130);
  // The stage would sleep two minutes: ending well before shows it was killed.
  t.true(Date.now() - started < 60000);
  t.regex(seen, /"type":"interrupt","force":false/);
  t.regex(seen, /"type":"interrupt","force":true/);
  t.regex(seen, /"interrupted":true/);
});
