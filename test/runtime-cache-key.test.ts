import test from 'ava';
import { computeKeys, refersToStages } from '../runtime/cache-key.js';
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

test('a result-neutral parameter is left out of the key', async (t) => {
  const { computeKeys: keysOf } = await import('../runtime/cache-key.js');
  const kind = {
    kind: 'test/neutral',
    version: 1,
    doc: '',
    usesEngine: false,
    params: {
      lr: { type: 'number' as const, doc: '' },
      checkpoint_every: { type: 'integer' as const, doc: '', resultNeutral: true },
    },
    outputs: {},
    run: async () => ({}),
  };
  const plan = (lr: number, every: number) => ({
    name: 's',
    file: 's.yaml',
    axes: [],
    seed: 0,
    cells: [],
    instances: [
      {
        id: 'a',
        stage: 'a',
        kind: 'test/neutral',
        axes: {},
        params: { lr, checkpoint_every: every },
        deps: [],
        seed: 0,
        pos: { file: 's.yaml', offset: 0, line: 1, col: 1 },
      },
    ],
  });
  const registry = new Map([[kind.kind, kind]]);
  const key = (lr: number, every: number) =>
    keysOf(plan(lr, every), registry, 'wasm').get('a')!.key;
  t.is(key(0.1, 10), key(0.1, 500));
  t.not(key(0.1, 10), key(0.2, 10));
});

test('references to other stages are found at any depth, in plans and in key records', (t) => {
  t.true(refersToStages({ $ref: { instance: 'train', output: 'model' } }));
  t.true(refersToStages([1, { a: { $gather: [] } }]));
  t.true(refersToStages({ x: [{ $ref: { key: 'abc', output: 'model' } }] }));
  // A map that merely has a `$ref` key among others is a value, not a reference.
  t.false(refersToStages({ $ref: 1, other: 2 }));
  t.false(refersToStages({ a: [1, 'x', null], b: { c: true } }));
  t.false(refersToStages('$ref'));
});
