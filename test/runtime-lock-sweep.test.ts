import test from 'ava';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { computeKeys } from '../runtime/cache-key.js';
import { CacheLayout } from '../runtime/cache-layout.js';
import { registry } from '../stdlib/registry.js';
import { makePlan } from './fixtures/runtime/plan-builder.js';
import { eventsOf, executions, runFixture, tempDir } from './fixtures/runtime/helpers.js';

const timing = { heartbeatMs: 100, staleMs: 5_000 };
/** A pid that certainly does not exist (above the kernel's pid_max). */
const DEAD = 2 ** 22 + 1;

function setUp(dir: string) {
  const counter = join(dir, 'count');
  const plan = makePlan('sweep', [{ id: 'x', params: { value: 1, counter } }]);
  const key = computeKeys(plan, registry, 'cpu').get('x')!.key;
  const layout = new CacheLayout(join(dir, 'cache'));
  mkdirSync(layout.lockDir(), { recursive: true });
  return { plan, counter, key, layout };
}

function writeLock(path: string, owner: Record<string, unknown>) {
  writeFileSync(path, JSON.stringify({ host: hostname(), runId: 'old', created: '', ...owner }));
}

test('a dead holder whose worker still runs keeps its lock until it is gone', async (t) => {
  const dir = tempDir();
  const { plan, counter, layout, key } = setUp(dir);
  // The holder was killed; its worker (here: a live process) is finishing.
  writeLock(layout.lock(key), { pid: DEAD, worker: process.ppid });
  setTimeout(() => rmSync(layout.lock(key)), 1000);
  const { events, summary } = await runFixture(plan, dir, { lockTiming: timing });
  t.is(eventsOf(events, 'lock-wait').length, 1);
  t.is(eventsOf(events, 'lock-takeover').length, 0);
  t.like(summary, { executed: 1 });
  t.deepEqual(executions(counter), { x: 1 });
});

test('a dead holder with a dead worker is taken over at once', async (t) => {
  const dir = tempDir();
  const { plan, layout, key } = setUp(dir);
  writeLock(layout.lock(key), { pid: DEAD, worker: DEAD + 1 });
  const { events } = await runFixture(plan, dir, { lockTiming: timing });
  t.is(eventsOf(events, 'lock-takeover').length, 1);
  t.is(eventsOf(events, 'lock-wait').length, 0);
});

test('a run notes its worker in the lock while the instance runs', async (t) => {
  const dir = tempDir();
  const counter = join(dir, 'count');
  const plan = makePlan('note', [{ id: 'slow', params: { value: 1, sleepMs: 1500, counter } }]);
  const key = computeKeys(plan, registry, 'cpu').get('slow')!.key;
  const layout = new CacheLayout(join(dir, 'cache'));
  const run = runFixture(plan, dir);
  let owner: { pid: number; worker?: number } | undefined;
  for (let i = 0; i < 100 && owner?.worker === undefined; i++) {
    await new Promise((r) => setTimeout(r, 50));
    try {
      owner = JSON.parse(readFileSync(layout.lock(key), 'utf8'));
    } catch {
      owner = undefined;
    }
  }
  t.is(owner?.pid, process.pid);
  t.true(typeof owner?.worker === 'number' && owner.worker !== process.pid);
  t.like((await run).summary, { executed: 1 });
  t.deepEqual(readdirSync(layout.lockDir()), []);
});

test('a run removes stale locks and checkpoints of published keys only', async (t) => {
  const dir = tempDir();
  const { plan, layout, key } = setUp(dir);
  await runFixture(plan, dir);

  // What a run killed after publishing leaves: its lock and a checkpoint.
  writeLock(layout.lock(key), { pid: DEAD });
  mkdirSync(layout.checkpoint(key), { recursive: true });
  writeFileSync(join(layout.checkpoint(key), 'step'), '3');
  // An unfinished key's lock and checkpoint must stay for its next run.
  const other = 'f'.repeat(64);
  writeLock(layout.lock(other), { pid: DEAD });
  mkdirSync(layout.checkpoint(other), { recursive: true });

  const { summary } = await runFixture(plan, dir);
  t.like(summary, { cached: 1, executed: 0 });
  t.deepEqual(readdirSync(layout.lockDir()), [`${other}.lock`]);
  t.deepEqual(readdirSync(join(dir, 'cache', 'checkpoints')), [other]);
});
