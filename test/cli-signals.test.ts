/**
 * SIGTERM and SIGHUP stop a run the way the first Ctrl-C does: nothing new
 * starts, running stages checkpoint, the journal gets its end, exit 130.
 */
import test from 'ava';
import { execaNode } from 'execa';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { alignlab, runUntil, studyDir, withPlugin } from './fixtures/runtime/cli.js';
import { CLI, executions, PLUGIN } from './fixtures/runtime/helpers.js';

const study = (counter: string) => `name: stopped
stages:
  slow:
    kind: test/work
    with: { value: 1, sleepMs: 4000, counter: ${counter} }
  after:
    kind: test/work
    with:
      input: \${{ stages.slow.value }}
  later:
    kind: test/work
    with: { value: 2, counter: ${counter} }
`;

for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
  test(`${signal} stops like Ctrl-C: checkpoint, summary, journal, exit 130`, async (t) => {
    const { dir, study: file } = studyDir('');
    const counter = join(dir, 'count');
    writeFileSync(file, study(counter));
    const child = execaNode(CLI, ['run', file, '--plugin', PLUGIN, '--jobs', '1'], {
      cwd: dir,
      reject: false,
    });
    let seen = '';
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (/slow: part 2\/10/.test(seen)) resolve();
      });
    });
    child.kill(signal);
    const result = await child;

    t.is(result.exitCode, 130);
    t.regex(String(result.stderr), new RegExp(`interrupted by ${signal}: stopping`));
    t.regex(String(result.stderr), /not run +slow: stopped at step \d+; checkpoint saved/);
    t.regex(
      String(result.stdout),
      /3 instances: 0 executed, 0 cached, 0 failed, 3 not run .* interrupted/,
    );

    // No lock is left, and the checkpoint folder holds the checkpoint.
    const cache = join(dir, '.alignlab');
    t.deepEqual(readdirSync(join(cache, 'locks')), []);
    const [key] = readdirSync(join(cache, 'checkpoints'));
    t.deepEqual(readdirSync(join(cache, 'checkpoints', key!)), ['step']);

    const status = await alignlab(dir, 'status');
    t.regex(status.stdout, /interrupted; run the same command again/);
    t.notRegex(status.stdout, /running/);

    const plan = await withPlugin(dir, 'plan', file);
    t.regex(
      plan.stdout,
      /will run +slow +test\/work +the last run did not finish it; resumes from a checkpoint/,
    );
    t.regex(plan.stdout, /will run +later +test\/work +the last run did not finish it$/);

    const again = await withPlugin(dir, 'run', file, '--jobs', '1');
    t.is(again.exitCode, 0, again.stderr);
    t.regex(again.stderr, /start +slow \(resumes from a checkpoint\)/);
    t.regex(again.stderr, /start +later$/m);
    t.deepEqual(executions(counter), { slow: 2, later: 1 });
  });
}

test('a worker that was stopped before saving anything leaves no checkpoint folder', async (t) => {
  const { dir, study: file } = studyDir(`name: bare
stages:
  slow:
    kind: test/work
    with: { value: 1, sleepMs: 3000, ignoreAbort: true, fail: "stopped without a checkpoint" }
`);
  const child = execaNode(CLI, ['run', file, '--plugin', PLUGIN], { cwd: dir, reject: false });
  let seen = '';
  await new Promise<void>((resolve) => {
    child.stderr.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (/slow: part 1\/10/.test(seen)) resolve();
    });
  });
  child.kill('SIGTERM');
  t.is((await child).exitCode, 130);
  t.deepEqual(readdirSync(join(dir, '.alignlab', 'checkpoints')), []);
  const plan = await withPlugin(dir, 'plan', file);
  t.notRegex(plan.stdout, /resumes/);
});

test('Ctrl-C while input files are hashed ends the run, exit 130', async (t) => {
  const { dir, study: file } = studyDir('');
  // A large sparse file takes seconds to hash but no disk space.
  mkdirSync(join(dir, 'imgs', 'a'), { recursive: true });
  const big = join(dir, 'imgs', 'a', 'big.bin');
  writeFileSync(big, '');
  truncateSync(big, 64 * 1024 ** 3);
  writeFileSync(
    file,
    'name: hashing\nstages:\n  data:\n    kind: image-folder\n    with: {root: imgs}\n',
  );
  const { child } = await runUntil(dir, ['run', file], /"type":"run-start"/);
  child.kill('SIGINT');
  const result = await child;
  t.is(result.exitCode, 130);
  const events = String(result.stdout)
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; summary?: { interrupted: boolean } });
  t.true(events.at(-1)?.type === 'run-end' && events.at(-1)?.summary?.interrupted === true);
  // Nothing started, so the one instance is left for the next run.
  t.like(events.at(-1)?.summary, { instances: 1, skipped: 1, executed: 0 });
  // A file cut off mid-read is not remembered with a wrong digest.
  const memo = join(dir, '.alignlab', 'file-digests.json');
  t.false(existsSync(memo) && big in JSON.parse(readFileSync(memo, 'utf8')));
});
