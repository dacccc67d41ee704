import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CacheStore } from '../runtime/cache-store.js';
import { verifyCache } from '../runtime/verify-cache.js';
import { makePlan, ref } from './fixtures/runtime/plan-builder.js';
import { eventsOf, executions, runFixture, tempDir } from './fixtures/runtime/helpers.js';

test('a second identical run executes nothing', async (t) => {
  const dir = tempDir();
  const counter = join(dir, 'count');
  const plan = makePlan('again', [
    { id: 'a', params: { value: 1, counter } },
    { id: 'b', params: { input: ref('a', 'files'), counter } },
  ]);
  const first = await runFixture(plan, dir);
  t.like(first.summary, { instances: 2, executed: 2, cached: 0, failed: 0 });
  const second = await runFixture(plan, dir);
  t.like(second.summary, { instances: 2, executed: 0, cached: 2, failed: 0 });
  t.deepEqual(executions(counter), { a: 1, b: 1 });
});

test('changing a parameter reruns that instance and its dependants only', async (t) => {
  const dir = tempDir();
  const counter = join(dir, 'count');
  const plan = (v: number) =>
    makePlan('change', [
      { id: 'a', params: { value: v, counter } },
      { id: 'b', params: { input: ref('a', 'value'), counter } },
      { id: 'other', params: { value: 'x', counter } },
    ]);
  await runFixture(plan(1), dir);
  const second = await runFixture(plan(2), dir);
  t.like(second.summary, { executed: 2, cached: 1 });
  t.deepEqual(executions(counter), { a: 2, b: 2, other: 1 });
});

test('a failing instance fails its dependants only', async (t) => {
  const dir = tempDir();
  const plan = makePlan('fail', [
    { id: 'bad', params: { fail: 'boom: no data' } },
    { id: 'after', params: { input: ref('bad', 'value') } },
    { id: 'fine', params: { value: 1, sleepMs: 200 } },
  ]);
  const { summary, events } = await runFixture(plan, dir);
  t.like(summary, { executed: 1, failed: 1, skipped: 1 });
  t.is(summary.failures.length, 1);
  const [row] = summary.failures;
  t.is(row!.instance, 'bad');
  t.is(row!.error, 'boom: no data');
  t.regex(readFileSync(row!.log!, 'utf8'), /boom: no data/);
  t.deepEqual(
    eventsOf(events, 'instance-skipped').map((e) => [e.instance, e.reason]),
    [['after', 'input `bad` failed']],
  );
});

test('fail-fast stops starting new work after the first failure', async (t) => {
  const dir = tempDir();
  const plan = makePlan('fast', [
    { id: 'bad', params: { fail: 'boom' } },
    { id: 'later1', params: { value: 1, sleepMs: 100 } },
    { id: 'later2', params: { value: 2 } },
  ]);
  const { summary } = await runFixture(plan, dir, { jobs: 1, failFast: true });
  t.like(summary, { failed: 1, executed: 0, skipped: 2 });
});

test('a crashed worker fails only its instance', async (t) => {
  const dir = tempDir();
  const plan = makePlan('crash', [
    { id: 'crash', params: { crash: true } },
    { id: 'fine', params: { value: 1 } },
  ]);
  const { summary } = await runFixture(plan, dir);
  t.like(summary, { executed: 1, failed: 1 });
  t.regex(summary.failures[0]!.error, /killed by SIGKILL before reporting a result/);
});

test('a corrupt input entry is reported, moved aside and recomputed', async (t) => {
  const dir = tempDir();
  const counter = join(dir, 'count');
  const plan = (tag: string) =>
    makePlan('corrupt', [
      { id: 'a', params: { value: 1, counter } },
      { id: 'b', params: { input: ref('a', 'files'), value: tag, counter } },
    ]);
  const first = await runFixture(plan('one'), dir);
  const aKey = eventsOf(first.events, 'instance-done').find((e) => e.instance === 'a')!.key;
  const store = new CacheStore(join(dir, 'cache'));
  writeFileSync(store.layout.artifact(aKey, 'files') + '/value.txt', 'tampered');

  const second = await runFixture(plan('two'), dir);
  const corrupt = eventsOf(second.events, 'entry-corrupt');
  t.is(corrupt.length, 1);
  t.like(corrupt[0], {
    instance: 'a',
    problem: 'file out/files/value.txt does not match its digest',
  });
  t.like(second.summary, { executed: 2, failed: 0 });
  t.deepEqual(executions(counter), { a: 2, b: 2 });
  // b read the recomputed value, not the tampered file.
  const b = await store.manifest(
    eventsOf(second.events, 'instance-done').find((e) => e.instance === 'b')!.key as never,
  );
  t.deepEqual((b!.outputs.value as unknown as { value: { read: unknown } }).value.read, {
    value: 1,
    read: null,
  });
  t.deepEqual((await verifyCache(join(dir, 'cache'), false)).problems, []);
});

test('published reports are copied and verified, and their text is reported', async (t) => {
  const dir = tempDir();
  const plan = makePlan('report', [
    { id: 'a', params: { value: 7 } },
    { id: 'rep', kind: 'test/report', params: { input: ref('a', 'value') } },
  ]);
  const first = await runFixture(plan, dir);
  const [report] = eventsOf(first.events, 'report');
  t.is(report!.folder, join(dir, 'out', 'rep'));
  t.regex(report!.text!, /^REPORT \{"id":"a","value":7/);
  t.is(readFileSync(join(dir, 'out', 'rep', 'report.txt'), 'utf8'), report!.text!);
  const provenance = JSON.parse(readFileSync(join(dir, 'out', 'rep', 'provenance.json'), 'utf8'));
  t.like(provenance, { study: 'report', backend: 'cpu' });
  t.deepEqual(
    provenance.instances.map((i: { id: string; state: string }) => [i.id, i.state]),
    [
      ['a', 'done'],
      ['rep', 'done'],
    ],
  );

  // A tampered report entry is not published; it is computed again.
  const store = new CacheStore(join(dir, 'cache'));
  const repKey = eventsOf(first.events, 'instance-done').find((e) => e.instance === 'rep')!.key;
  writeFileSync(store.layout.artifact(repKey!, 'report') + '/report.txt', 'forged');
  const second = await runFixture(plan, dir);
  t.like(second.summary, { executed: 1, cached: 1 });
  t.regex(eventsOf(second.events, 'report')[0]!.text!, /^REPORT/);
});

test('json outputs reach consumers as values and gathers as lists', async (t) => {
  const dir = tempDir();
  const plan = makePlan('gather', [
    { id: 'a[t=1]', params: { value: 1 } },
    { id: 'a[t=2]', params: { value: 2 } },
    {
      id: 'g',
      params: {
        input: {
          $gather: [
            { axes: { t: 1 }, ref: { instance: 'a[t=1]', output: 'value' } },
            { axes: { t: 2 }, ref: { instance: 'a[t=2]', output: 'files' } },
          ],
        },
      },
    },
  ]);
  const { events } = await runFixture(plan, dir);
  const g = eventsOf(events, 'instance-done').find((e) => e.instance === 'g')!;
  const manifest = await new CacheStore(join(dir, 'cache')).manifest(g.key as never);
  t.deepEqual((manifest!.outputs.value as unknown as { value: { read: unknown } }).value.read, [
    { axes: { t: 1 }, value: { id: 'a[t=1]', value: 1, read: null } },
    { axes: { t: 2 }, value: { value: 2, read: null } },
  ]);
});
