import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chainStudy, studyDir, withPlugin, alignlab } from './fixtures/runtime/cli.js';
import { executions } from './fixtures/runtime/helpers.js';
import type { RunEvent } from '../runtime/events.js';

test('run, re-run from cache, reorder, then change a parameter', async (t) => {
  const { dir, study } = studyDir('');
  writeFileSync(study, chainStudy(dir));
  const counter = join(dir, 'count');

  const first = await withPlugin(dir, 'run', study);
  t.is(first.exitCode, 0, first.stderr);
  t.regex(first.stdout, /REPORT \{"id":"b"/);
  t.regex(first.stdout, /3 instances: 3 executed, 0 cached, 0 failed/);
  t.regex(readFileSync(join(dir, 'runs', 'chain', 'rep', 'report.txt'), 'utf8'), /^REPORT/);

  // How fast a cached re-run is belongs to bench/runtime-noop.ts, not here.
  const second = await withPlugin(dir, 'run', study);
  t.regex(second.stdout, /3 instances: 0 executed, 3 cached, 0 failed/);

  // Key order and comments are not part of any cache key.
  const reordered = chainStudy(dir)
    .replace('name: chain\nseed: 1\n', '# a comment\nseed: 1 # seed\nname: chain\n')
    .replace(
      / {4}kind: test\/work\n {4}with:\n {6}value: (.*)\n {6}counter: (.*)\n/,
      '    with:\n      counter: $2\n      value: $1\n    kind: test/work\n',
    );
  t.not(reordered, chainStudy(dir));
  writeFileSync(study, reordered);
  const third = await withPlugin(dir, 'run', study);
  t.regex(third.stdout, /0 executed, 3 cached/);
  t.deepEqual(executions(counter), { a: 1, b: 1 });

  const plan = await withPlugin(dir, 'plan', study, '-p', 'params.v=4');
  t.is(plan.exitCode, 0);
  t.regex(plan.stdout, /will run +a +test\/work +parameters changed: `value` 3 → 4/);
  t.regex(plan.stdout, /will run +b +test\/work +input `a` will be rebuilt/);

  const changed = await withPlugin(dir, 'run', study, '-p', 'params.v=4');
  t.regex(changed.stdout, /3 executed, 0 cached/);
  t.deepEqual(executions(counter), { a: 2, b: 2 });

  const status = await alignlab(dir, 'status');
  t.regex(status.stdout, /run .* of chain/);
  t.regex(status.stdout, /3 instances: 3 executed/);
  const json = JSON.parse((await alignlab(dir, 'status', '--json')).stdout);
  t.is(json.run, 'ended');
  t.is(json.summary.executed, 3);
});

test('a failing stage does not stop an independent one; exit 1 and a failure table', async (t) => {
  const { dir, study } = studyDir(`name: fails
stages:
  bad:
    kind: test/work
    with:
      fail: "boom: the data folder is empty"
  after:
    kind: test/work
    with:
      input: \${{ stages.bad.value }}
  fine:
    kind: test/work
    with:
      value: 1
      sleepMs: 300
`);
  const r = await withPlugin(dir, 'run', study);
  t.is(r.exitCode, 1);
  t.regex(r.stdout, /3 instances: 1 executed, 0 cached, 1 failed, 1 not run/);
  t.regex(
    r.stdout,
    /Failures:\n {2}instance +error +log\n {2}bad +boom: the data folder is empty +\S+bad\.log/,
  );
  t.regex(r.stderr, /not run +after: input `bad` failed/);
  const plan = await withPlugin(dir, 'plan', study);
  t.regex(plan.stdout, /will run +bad +test\/work +it failed in the last run that had it/);
  t.regex(plan.stdout, /cached +fine /);
  const log = /(\S+bad\.log)/.exec(r.stdout)![1]!;
  t.regex(readFileSync(log, 'utf8'), /boom: the data folder is empty/);
});

test('--json prints one parseable event per line', async (t) => {
  const { dir, study } = studyDir('');
  writeFileSync(study, chainStudy(dir));
  const r = await withPlugin(dir, 'run', study, '--json', '--jobs', '1');
  t.is(r.exitCode, 0);
  const events = r.stdout.split('\n').map((line) => JSON.parse(line) as RunEvent);
  t.is(events[0]!.type, 'run-start');
  t.like(events.at(-1), { type: 'run-end', summary: { executed: 3, failed: 0 } });
  t.true(events.some((e) => e.type === 'report'));
});

test('verify finds a tampered entry, and the next run recomputes it', async (t) => {
  const { dir, study } = studyDir('');
  writeFileSync(study, chainStudy(dir));
  const first = await withPlugin(dir, 'run', study, '--json');
  const done = first.stdout.split('\n').map((l) => JSON.parse(l) as RunEvent);
  const a = done.find((e) => e.type === 'instance-done' && e.instance === 'a') as { key: string };
  writeFileSync(join(dir, '.alignlab', 'cache', a.key, 'out', 'files', 'value.txt'), 'x');

  const verify = await alignlab(dir, 'verify');
  t.is(verify.exitCode, 1);
  t.regex(
    verify.stdout,
    new RegExp(
      `corrupt  a \\(entry ${a.key}\\): file out/files/value.txt does not match its digest`,
    ),
  );
  t.regex(verify.stdout, /3 entries checked, 1 corrupt/);

  const fixed = await alignlab(dir, 'verify', '--fix');
  t.regex(fixed.stdout, /moved to .*corrupt/);
  const plan = await withPlugin(dir, 'plan', study);
  t.regex(
    plan.stdout,
    /will run +a +test\/work +its cache entry was found corrupt and moved aside/,
  );
  t.regex(plan.stdout, /cached +b /);
  const rerun = await withPlugin(dir, 'run', study);
  t.regex(rerun.stdout, /1 executed, 2 cached/);
  t.is((await alignlab(dir, 'verify')).exitCode, 0);
});

test('--fail-fast: a stage that fails by itself while the run stops counts as failed', async (t) => {
  const { dir, study } = studyDir(`name: fast
stages:
  train1:
    kind: test/work
    with: { fail: "train1: loss is NaN" }
  train2:
    kind: test/work
    with: { sleepMs: 1500, ignoreAbort: true, fail: "train2: total diverged" }
  train3:
    kind: test/work
    with: { value: 3 }
`);
  const r = await withPlugin(dir, 'run', study, '--fail-fast', '--jobs', '2');
  t.is(r.exitCode, 1);
  t.regex(r.stdout, /^3 instances: 0 executed, 0 cached, 2 failed, 1 not run/);
  // The instance id is not repeated when the error starts with it.
  t.regex(r.stderr, /FAILED +train1: loss is NaN\n/);
  t.regex(r.stderr, /FAILED +train2: total diverged\n/);
  t.regex(r.stdout, /\n {2}train2 +total diverged +\S+train2\.log/);
  t.regex(r.stderr, /not run +train3: the run stopped before it started/);
});

test('the instance log gets one line per phase, not one per progress tick', async (t) => {
  const { dir, study } = studyDir(`name: phases
stages:
  long:
    kind: test/work
    with: { value: 1, sleepMs: 500, phase: "epoch 1/3" }
`);
  const r = await withPlugin(dir, 'run', study, '--json');
  t.is(r.exitCode, 0, r.stderr);
  const start = r.stdout
    .split('\n')
    .map((l) => JSON.parse(l) as RunEvent)
    .find((e) => e.type === 'instance-start') as { log: string };
  const log = readFileSync(start.log, 'utf8');
  t.is(log.match(/phase epoch 1\/3/g)?.length, 1, log);
});

test('run, check, plan and summaries say 1 instance, 1 job', async (t) => {
  const { dir, study } = studyDir('name: one\nstages:\n  a:\n    kind: test/work\n');
  t.is((await withPlugin(dir, 'check', study)).stdout, `${study}: ok, 1 stage instance`);
  t.regex(
    (await withPlugin(dir, 'plan', study)).stdout,
    /^one: 1 instance, 0 cached, 1 will run$/m,
  );
  const r = await withPlugin(dir, 'run', study, '--jobs', '1');
  t.regex(r.stderr, /^run \S+: one, 1 instance, 1 job, backend /);
  t.regex(r.stdout, /^1 instance: 1 executed, 0 cached, 0 failed/);
  t.regex((await alignlab(dir, 'verify')).stdout, /^1 entry checked, 0 corrupt$/);
});

test('a wasm trap in an engine stage is explained as memory running out', async (t) => {
  const { dir, study } = studyDir(`name: trap
stages:
  big:
    kind: test/engine
    with:
      fail: "memory access out of bounds"
  plain:
    kind: test/work
    with:
      fail: "memory access out of bounds"
`);
  const r = await withPlugin(dir, 'run', study, '--backend', 'wasm');
  t.is(r.exitCode, 1);
  const log = (id: string) =>
    readFileSync(new RegExp(`(\\S+${id}\\.log)`).exec(r.stdout)![1]!, 'utf8');
  t.regex(
    log('big'),
    /memory access out of bounds: the wasm engine stopped, most likely out of memory \(it has at most 4 GiB per worker process\); lower `batch_size`/,
  );
  // A stage that does not use the engine keeps its own message.
  t.notRegex(log('plain'), /wasm engine/);
  t.regex(log('plain'), /memory access out of bounds/);
});
