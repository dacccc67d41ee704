import test from 'ava';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { computeKeys } from '../runtime/cache-key.js';
import { CacheLayout } from '../runtime/cache-layout.js';
import { registry } from '../stdlib/registry.js';
import { makePlan } from './fixtures/runtime/plan-builder.js';
import { eventsOf, executions, runFixture, tempDir } from './fixtures/runtime/helpers.js';

const timing = { heartbeatMs: 100, staleMs: 2_000 };

function planWithLock(dir: string, owner: { pid: number; ageMs: number; worker?: number }) {
  const counter = join(dir, 'count');
  const plan = makePlan('lock', [{ id: 'x', params: { value: 1, counter } }]);
  const key = computeKeys(plan, registry, 'cpu').get('x')!.key;
  const layout = new CacheLayout(join(dir, 'cache'));
  mkdirSync(layout.lockDir(), { recursive: true });
  const lock = layout.lock(key);
  const { pid, worker } = owner;
  writeFileSync(lock, JSON.stringify({ pid, host: hostname(), runId: 'old', created: '', worker }));
  const when = new Date(Date.now() - owner.ageMs);
  utimesSync(lock, when, when);
  return { plan, counter, lock };
}

test('a lock whose process is dead is taken over', async (t) => {
  const dir = tempDir();
  // A pid that certainly does not exist (above the kernel's pid_max).
  const { plan, counter } = planWithLock(dir, { pid: 2 ** 22 + 1, ageMs: 0 });
  const { events, summary } = await runFixture(plan, dir, { lockTiming: timing });
  t.is(eventsOf(events, 'lock-takeover').length, 1);
  t.like(summary, { executed: 1 });
  t.deepEqual(executions(counter), { x: 1 });
});

test('a lock with an old heartbeat is taken over', async (t) => {
  const dir = tempDir();
  const { plan } = planWithLock(dir, { pid: process.ppid, ageMs: 60_000 });
  const { events, summary } = await runFixture(plan, dir, { lockTiming: timing });
  t.is(eventsOf(events, 'lock-takeover').length, 1);
  t.like(summary, { executed: 1 });
});

test('a live lock whose holder computes the key is waited for, and said so', async (t) => {
  const dir = tempDir();
  const { plan, lock } = planWithLock(dir, { pid: process.ppid, ageMs: 0, worker: process.pid });
  setTimeout(() => rmSync(lock), 1000);
  const { events, summary } = await runFixture(plan, dir, { lockTiming: timing });
  t.like(eventsOf(events, 'lock-wait'), [
    { holder: `pid ${process.ppid} on ${hostname()}, run old` },
  ]);
  t.is(eventsOf(events, 'lock-takeover').length, 0);
  t.like(summary, { executed: 1 });
});

test('a live lock whose holder only queued the key is waited for quietly', async (t) => {
  const dir = tempDir();
  const { plan, lock } = planWithLock(dir, { pid: process.ppid, ageMs: 0 });
  setTimeout(() => rmSync(lock), 1000);
  const { events, summary } = await runFixture(plan, dir, { lockTiming: timing });
  t.is(eventsOf(events, 'lock-wait').length, 0);
  t.is(eventsOf(events, 'lock-takeover').length, 0);
  t.like(summary, { executed: 1 });
});

test('two runs sharing a cache compute each instance once', async (t) => {
  const dir = tempDir();
  const counter = join(dir, 'count');
  const plan = makePlan('shared', [
    { id: 'slow', params: { value: 1, sleepMs: 1500, counter } },
    { id: 'other', params: { value: 2, counter } },
  ]);
  const [a, b] = await Promise.all([runFixture(plan, dir), runFixture(plan, dir)]);
  t.deepEqual(executions(counter), { slow: 1, other: 1 });
  t.is(a.summary.executed + b.summary.executed, 2);
  t.is(a.summary.failed + b.summary.failed, 0);
});
