/**
 * Crash tests: a run is killed with SIGKILL at a named fault point or at a
 * seeded random one, then run again. The resumed run must end with exactly
 * the cache entries (file digests and outputs) and report of a run that was
 * never interrupted, and no corrupt or half-written entry may be left.
 */
import test, { type ExecutionContext } from 'ava';
import PQueue from 'p-queue';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyCache } from '../runtime/verify-cache.js';
import { listed, runWithFault, snapshotCache } from './fixtures/runtime/faults.js';
import { seeded } from './helpers/seeded.js';
import { PLUGIN, tempDir } from './fixtures/runtime/helpers.js';

/** prep → train[x=1], train[x=2] (checkpointed) → report (gathers x). */
const STUDY = `name: faults
seed: 3
sweep:
  grid:
    x: [1, 2]
stages:
  prep:
    kind: test/steps
    with: { value: prep, steps: 3, work: 2000 }
  train:
    kind: test/steps
    with:
      value: \${{ sweep.x }}
      input: \${{ stages.prep.files }}
      steps: 6
      work: 2000
      checkpointEvery: 2
  report:
    kind: test/report
    gather: [x]
    with:
      input: \${{ stages.train.files }}
`;

/** One worker at a time, so the n-th point reached is the same every run. */
const ARGS = ['run', 'study.yaml', '--plugin', PLUGIN, '--jobs', '1'];

/** [point, n]: which arrival at the point is killed, and whose process it is. */
const NAMED: [string, number, 'cli' | 'worker'][] = [
  ['plan-manifest-read', 2, 'cli'],
  ['journal-torn', 7, 'cli'],
  ['lock-taken', 2, 'cli'],
  ['published-before-journal', 1, 'cli'],
  ['published-before-journal', 3, 'cli'],
  ['report-removed', 1, 'cli'],
  ['before-run-end', 1, 'cli'],
  ['worker-start', 2, 'worker'],
  ['fake-step', 4, 'worker'],
  ['fake-checkpoint-written', 2, 'worker'],
  ['artifact-torn', 2, 'worker'],
  ['stage-returned', 1, 'worker'],
  ['publish-digested', 2, 'worker'],
  ['manifest-torn', 3, 'worker'],
  ['publish-before-rename', 2, 'worker'],
  ['publish-after-rename', 2, 'worker'],
  ['published-with-checkpoint', 3, 'worker'],
  ['published-before-result', 2, 'worker'],
  ['result-sent', 1, 'worker'],
];
const RANDOM_SEED = 20_260_412;
const RANDOM_CASES = 8;

function newStudy(): string {
  const dir = tempDir('alignlab-fault-');
  writeFileSync(join(dir, 'study.yaml'), STUDY);
  return dir;
}

function reportOf(dir: string): string {
  return readFileSync(join(dir, 'runs', 'faults', 'report', 'report.txt'), 'utf8');
}

/** The uninterrupted run every crash is compared with. */
const reference = (async () => {
  const dir = newStudy();
  const run = await runWithFault(dir, ARGS, 'any:0');
  if (run.exitCode !== 0) throw new Error(`reference run failed: ${run.stderr}`);
  return {
    snapshot: snapshotCache(join(dir, '.alignlab')),
    report: reportOf(dir),
    points: run.trace.map(([, point]) => point),
  };
})();

// Each case starts two or three node processes at a time; two cases at once
// keep the two cores busy without starving the others' tests.
const queue = new PQueue({ concurrency: 2 });

async function crashAndResume(t: ExecutionContext, fault: string): Promise<void> {
  const ref = await reference;
  const dir = newStudy();
  const cache = join(dir, '.alignlab');
  const [point, n] = fault.split(':') as [string, string];
  await queue.add(async () => {
    const crashed = await runWithFault(dir, ARGS, fault);
    // The point was reached n times: the kill happened where it was asked.
    const reached = crashed.trace.filter(([, p]) => point === 'any' || p === point).length;
    t.true(reached >= Number(n), `${fault} reached ${reached} times`);

    // Publication is atomic: whatever the moment, no entry is half there.
    t.deepEqual((await verifyCache(cache, false)).problems, []);
    for (const [key, entry] of Object.entries(snapshotCache(cache))) {
      t.is(entry, ref.snapshot[key], `entry ${key} differs from the uninterrupted run`);
    }

    const resumed = await runWithFault(dir, ARGS);
    t.is(resumed.exitCode, 0, resumed.stderr);
    t.regex(resumed.stdout, /4 instances: \d executed, \d cached, 0 failed/);
  });

  t.deepEqual(snapshotCache(cache), ref.snapshot);
  t.is(reportOf(dir), ref.report);
  t.deepEqual((await verifyCache(cache, false)).problems, []);
  t.deepEqual(listed(cache, 'tmp'), [], 'staging folders left');
  t.deepEqual(listed(cache, 'checkpoints'), [], 'checkpoints left');
  t.deepEqual(listed(cache, 'locks'), [], 'locks left');
}

test('the uninterrupted run reaches every named fault point', async (t) => {
  const { points, snapshot } = await reference;
  t.is(Object.keys(snapshot).length, 4);
  for (const [point, n] of NAMED) {
    t.true(points.filter((p) => p === point).length >= n, `${point} reached fewer than ${n} times`);
  }
});

for (const [point, n, owner] of NAMED) {
  test(`kill -9 of the ${owner} at ${point}:${n}, then resume`, crashAndResume, `${point}:${n}`);
}

// Random moments: the k-th fault point of the run, whichever it is, with k
// drawn from a fixed seed; the reference run has 88 points in all.
const draw = seeded(RANDOM_SEED);
const picks = Array.from({ length: RANDOM_CASES }, () => 1 + Math.floor(draw() * 88));
for (const k of picks) {
  test(`kill -9 at random moment any:${k}, then resume`, crashAndResume, `any:${k}`);
}

test('the reference run has the 88 fault points the random cases draw from', async (t) => {
  t.is((await reference).points.length, 88);
});
