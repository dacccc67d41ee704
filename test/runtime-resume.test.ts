import test from 'ava';
import { execaNode, type ResultPromise } from 'execa';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../runtime/events.js';
import { verifyCache } from '../runtime/verify-cache.js';
import { makePlan, ref } from './fixtures/runtime/plan-builder.js';
import { executions, RUN_SCRIPT, tempDir } from './fixtures/runtime/helpers.js';

/** Start the run script on a plan; `events` fills as JSON lines arrive. */
function startRun(dir: string, plan: ReturnType<typeof makePlan>) {
  const planFile = join(dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const events: RunEvent[] = [];
  const child = execaNode(RUN_SCRIPT, [planFile, join(dir, 'cache'), join(dir, 'out'), '2'], {
    reject: false,
    buffer: false,
    stdout: 'pipe',
  });
  let rest = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop()!;
    for (const line of lines) if (line.trim() !== '') events.push(JSON.parse(line) as RunEvent);
  });
  return { child, events };
}

async function waitFor(events: RunEvent[], match: (e: RunEvent) => boolean, ms = 20_000) {
  const end = Date.now() + ms;
  while (!events.some(match)) {
    if (Date.now() > end) throw new Error('timed out waiting for an event');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const slowPlan = (counter: string) =>
  makePlan('resume', [
    { id: 'quick', params: { value: 1, counter } },
    { id: 'slow', params: { value: 2, sleepMs: 4000, counter } },
    { id: 'last', params: { input: ref('slow', 'files'), counter } },
  ]);

async function finish(child: ResultPromise) {
  return child;
}

test('a run killed with SIGKILL resumes without recomputing finished work', async (t) => {
  const dir = tempDir();
  const counter = join(dir, 'count');
  const first = startRun(dir, slowPlan(counter));
  await waitFor(first.events, (e) => e.type === 'instance-done' && e.instance === 'quick');
  await waitFor(
    first.events,
    (e) => e.type === 'instance-progress' && e.instance === 'slow' && e.step >= 3,
  );
  first.child.kill('SIGKILL');
  await finish(first.child);
  // The orphaned worker notices its parent is gone, saves a checkpoint, exits.
  await new Promise((r) => setTimeout(r, 1000));

  t.deepEqual((await verifyCache(join(dir, 'cache'), false)).problems, []);
  const second = startRun(dir, slowPlan(counter));
  const result = await finish(second.child);
  t.is(result.exitCode, 0);
  const end = second.events.find((e) => e.type === 'run-end');
  t.like(end, { summary: { executed: 2, cached: 1, failed: 0 } });
  // The lock of the killed run was stale and taken over.
  t.true(second.events.some((e) => e.type === 'lock-takeover' && e.instance === 'slow'));
  t.deepEqual(executions(counter), { quick: 1, slow: 2, last: 1 });
  const slowLog = second.events.find((e) => e.type === 'instance-start' && e.instance === 'slow');
  t.regex(readFileSync((slowLog as { log: string }).log, 'utf8'), /resuming at step [1-9]/);
  // Staging left by the killed worker is swept; the checkpoint is gone after success.
  t.deepEqual(readdirSync(join(dir, 'cache', 'tmp')), []);
  t.deepEqual(readdirSync(join(dir, 'cache', 'checkpoints')), []);
});

test('Ctrl-C stops the run with exit 130, keeping a checkpoint to resume from', async (t) => {
  const dir = tempDir();
  const counter = join(dir, 'count');
  const first = startRun(dir, slowPlan(counter));
  await waitFor(
    first.events,
    (e) => e.type === 'instance-progress' && e.instance === 'slow' && e.step >= 2,
  );
  first.child.kill('SIGINT');
  const result = await finish(first.child);
  t.is(result.exitCode, 130);
  const end = first.events.find((e) => e.type === 'run-end') as Extract<
    RunEvent,
    { type: 'run-end' }
  >;
  t.true(end.summary.interrupted);
  t.is(end.summary.failed, 0);
  const checkpoints = readdirSync(join(dir, 'cache', 'checkpoints'));
  t.true(checkpoints.some((key) => existsSync(join(dir, 'cache', 'checkpoints', key, 'step'))));

  const second = startRun(dir, slowPlan(counter));
  t.is((await finish(second.child)).exitCode, 0);
  t.like(
    second.events.find((e) => e.type === 'run-end'),
    { summary: { cached: 1, failed: 0 } },
  );
  const slowLog = second.events.find((e) => e.type === 'instance-start' && e.instance === 'slow');
  t.regex(readFileSync((slowLog as { log: string }).log, 'utf8'), /resuming at step [1-9]/);
});
