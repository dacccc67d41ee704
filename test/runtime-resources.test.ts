import test from 'ava';
import { ResourcePool } from '../runtime/resource-pool.js';

const need = (cpu: number, gpu = 0) => ({ cpu, gpu, memoryMb: 0 });

test('requests wait until enough is free, first come first served', async (t) => {
  const pool = new ResourcePool({ cpu: 4, gpu: 1, memoryMb: 1000 });
  const order: string[] = [];
  const small1 = await pool.acquire(need(1));
  const small2 = await pool.acquire(need(1));
  const big = pool.acquire(need(4)).then((release) => (order.push('big'), release));
  const small3 = pool.acquire(need(1)).then((release) => (order.push('small3'), release));
  await new Promise((r) => setTimeout(r, 10));
  t.deepEqual(order, []);
  small1();
  small2();
  (await big)();
  (await small3)();
  t.deepEqual(order, ['big', 'small3']);
});

test('GPU instances run one at a time', async (t) => {
  const pool = new ResourcePool({ cpu: 8, gpu: 1, memoryMb: 1000 });
  const first = await pool.acquire(need(1, 1));
  let second = false;
  const pending = pool.acquire(need(1, 1)).then((r) => ((second = true), r));
  await new Promise((r) => setTimeout(r, 10));
  t.false(second);
  first();
  (await pending)();
  t.true(second);
});

test('a request larger than the machine is capped, not stuck', (t) => {
  const pool = new ResourcePool({ cpu: 2, gpu: 1, memoryMb: 100 });
  const kind = { resources: { cpu: 16, gpu: 4, memoryMb: 10_000 } } as never;
  t.deepEqual(pool.needOf(kind), { cpu: 2, gpu: 1, memoryMb: 100 });
});
