/**
 * Crash tests with the real `train` and `align` stages on a tiny run: a
 * training worker killed with SIGKILL (or a run stopped with Ctrl-C)
 * resumes from its last checkpoint and ends with weights bit-identical to
 * an uninterrupted run.
 */
import test, { type ExecutionContext } from 'ava';
import { execaNode } from 'execa';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyCache } from '../runtime/verify-cache.js';
import { listed, runWithFault, snapshotCache } from './fixtures/runtime/faults.js';
import { CLI, tempDir } from './fixtures/runtime/helpers.js';

/** 64 images in batches of 16: 8 training steps, checkpoints at 2, 4, 6. */
const STUDY = `name: train-faults
seed: 0
stages:
  data:
    kind: fashion-mnist
    with: { source: sample, train: 64, test: 32 }
  train:
    kind: train
    with:
      data: \${{ stages.data.dataset }}
      model: cnn
      epochs: 2
      batch_size: 16
      checkpoint_every: 2
  align:
    kind: align
    with:
      model: \${{ stages.train.model }}
      data: \${{ stages.data.dataset }}
      target: in_mask
      explainer: gradient
      epochs: 1
      batch_size: 16
      checkpoint_every: 2
`;
const ARGS = ['run', 'study.yaml', '--jobs', '1', '--backend', 'wasm'];

function newStudy(): string {
  const dir = tempDir('alignlab-fault-train-');
  writeFileSync(join(dir, 'study.yaml'), STUDY);
  return dir;
}

const reference = (async () => {
  const dir = newStudy();
  const run = await runWithFault(dir, ARGS);
  if (run.exitCode !== 0) throw new Error(`reference run failed: ${run.stderr}`);
  return snapshotCache(join(dir, '.alignlab'));
})();

/** Log lines of the most recent run's `train` instance. */
function trainLog(dir: string): string {
  const logs = join(dir, '.alignlab', 'logs');
  const last = readdirSync(logs).sort().at(-1)!;
  return readFileSync(join(logs, last, 'train.log'), 'utf8');
}

async function resumeMatches(t: ExecutionContext, dir: string): Promise<void> {
  const cache = join(dir, '.alignlab');
  const resumed = await runWithFault(dir, ARGS);
  t.is(resumed.exitCode, 0, resumed.stderr);
  t.regex(resumed.stdout, /3 instances: 2 executed, 1 cached, 0 failed/);
  // Weights, optimiser-driven history and the aligned model: same bytes.
  t.deepEqual(snapshotCache(cache), await reference);
  t.deepEqual((await verifyCache(cache, false)).problems, []);
  t.deepEqual(listed(cache, 'checkpoints'), []);
}

test('train killed after its last step, before publishing: resumes from step 6', async (t) => {
  const dir = newStudy();
  // The second stage to return is train (data is the first).
  const crashed = await runWithFault(dir, ARGS, 'stage-returned:2');
  t.is(crashed.exitCode, 1);
  t.regex(crashed.stdout, /train +the worker process was killed by SIGKILL/);
  t.deepEqual(Object.keys(snapshotCache(join(dir, '.alignlab'))).length, 1);
  await resumeMatches(t, dir);
  t.regex(trainLog(dir), /resumed from checkpoint at epoch 2, step 2/);
});

test('train killed while renaming its first checkpoint: starts over, same weights', async (t) => {
  const dir = newStudy();
  const crashed = await runWithFault(dir, ARGS, 'checkpoint-renaming:1');
  t.is(crashed.exitCode, 1);
  await resumeMatches(t, dir);
  t.notRegex(trainLog(dir), /resumed from checkpoint/);
});

// A checkpoint is one file replaced by one rename, so a kill just before the
// rename leaves the previous checkpoint whole.
test('train killed just before its second checkpoint replaces the first: same weights', async (t) => {
  const dir = newStudy();
  const crashed = await runWithFault(dir, ARGS, 'checkpoint-renaming:2');
  t.is(crashed.exitCode, 1);
  await resumeMatches(t, dir);
});

test('Ctrl-C during training checkpoints, exits 130, and the resume matches', async (t) => {
  const dir = newStudy();
  const child = execaNode(CLI, [...ARGS, '--json'], { cwd: dir, reject: false, buffer: false });
  let seen = '';
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (/"type":"instance-start","instance":"train"/.test(seen)) resolve();
    });
  });
  child.kill('SIGINT');
  const stopped = await child;
  t.is(stopped.exitCode, 130);
  t.regex(
    seen,
    /"instance":"train","reason":"stopped: interrupted at epoch \d, step \d; a checkpoint was saved"/,
  );
  t.is(listed(join(dir, '.alignlab'), 'checkpoints').length, 1);

  await resumeMatches(t, dir);
  t.regex(trainLog(dir), /resumed from checkpoint at epoch \d, step \d/);
});
