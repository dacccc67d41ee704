import test from 'ava';
import { computeKeys } from '../runtime/cache-key.js';
import { canonicalJson } from '../runtime/canonical.js';
import { registry } from '../stdlib/registry.js';
import { makePlan, ref, type InstanceSpec } from './fixtures/runtime/plan-builder.js';
import './fixtures/runtime/fake-stages.js';

function keysOf(specs: InstanceSpec[], engine = 'wasm'): Record<string, string> {
  const keyed = computeKeys(makePlan('k', specs), registry, engine);
  return Object.fromEntries([...keyed].map(([id, k]) => [id, k.key]));
}

test('canonical JSON sorts keys at every depth and normalises numbers', (t) => {
  t.is(canonicalJson({ b: 1, a: { d: [1.0, -0], c: 'x' } }), '{"a":{"c":"x","d":[1,0]},"b":1}');
  t.throws(() => canonicalJson({ x: Number.NaN }), { message: /non-finite/ });
});

test('parameter order does not change a key', (t) => {
  const a = keysOf([{ id: 's', params: { value: 1, sleepMs: 5, input: { x: 1, y: 2 } } }]);
  const b = keysOf([{ id: 's', params: { input: { y: 2, x: 1 }, sleepMs: 5, value: 1 } }]);
  t.is(a.s, b.s);
});

test('the instance id and stage name are not part of the key', (t) => {
  const a = keysOf([{ id: 'first', params: { value: 1 } }]);
  const b = keysOf([{ id: 'renamed', params: { value: 1 } }]);
  t.is(a.first, b.renamed);
});

const changes: [string, InstanceSpec, InstanceSpec][] = [
  ['a parameter', { id: 's', params: { value: 1 } }, { id: 's', params: { value: 2 } }],
  ['the seed', { id: 's', seed: 1 }, { id: 's', seed: 2 }],
  ['the kind', { id: 's', kind: 'test/work' }, { id: 's', kind: 'test/engine' }],
];
for (const [what, before, after] of changes) {
  test(`changing ${what} changes the key`, (t) => {
    t.not(keysOf([before]).s, keysOf([after]).s);
  });
}

test('a reference stands for the producer key, so changes propagate', (t) => {
  const base = keysOf([
    { id: 'a', params: { value: 1 } },
    { id: 'b', params: { input: ref('a', 'files') } },
  ]);
  const changed = keysOf([
    { id: 'a', params: { value: 2 } },
    { id: 'b', params: { input: ref('a', 'files') } },
  ]);
  t.not(base.b, changed.b);
  const otherOutput = keysOf([
    { id: 'a', params: { value: 1 } },
    { id: 'b', params: { input: ref('a', 'value') } },
  ]);
  t.not(base.b, otherOutput.b);
});

test('the engine family counts only for kinds that use the engine', (t) => {
  const spec: InstanceSpec[] = [
    { id: 'plain', kind: 'test/work' },
    { id: 'tf', kind: 'test/engine' },
  ];
  const wasm = keysOf(spec, 'wasm');
  const native = keysOf(spec, 'tensorflow');
  t.is(wasm.plain, native.plain);
  t.not(wasm.tf, native.tf);
});

test('gathered references carry their axes into the key', (t) => {
  const gather = (axis: string) => ({
    $gather: [{ axes: { target: axis }, ref: { instance: 'a', output: 'value' } }],
  });
  const a = keysOf([{ id: 'a' }, { id: 'g', params: { input: gather('in') } }]);
  const b = keysOf([{ id: 'a' }, { id: 'g', params: { input: gather('out') } }]);
  t.not(a.g, b.g);
});

test('an unknown kind is reported with the instance and what to do', (t) => {
  t.throws(() => keysOf([{ id: 'x', kind: 'nope' }]), { message: /`x`.*`nope`.*--plugin/ });
});
