/**
 * Seeded, stratified assignment of items to train/val/test, and the order
 * in which a split's items are taken when a limit applies.
 *
 * Items are grouped by stratum (their label, or label set); each group is
 * shuffled with the seed and cut by the split fractions, so every split
 * holds about the same share of each stratum. Within a split, items are
 * ordered by dealing one item of each stratum in turn, so the first k
 * items of a split are themselves close to stratified.
 */
import { Rng } from '../tf/rng.js';
import type { SplitName } from './dataset.js';

export type Fractions = Record<SplitName, number>;

/**
 * Assign each item (given by its stratum key) to a split. Returns, per
 * split, the item indices in taking order.
 */
export function stratifiedSplit(
  strata: readonly string[],
  fractions: Fractions,
  seed: number,
): Record<SplitName, number[]> {
  const total = fractions.train + fractions.val + fractions.test;
  if (!(total > 0)) throw new Error('split fractions must add up to more than 0');
  const cutTrain = fractions.train / total;
  const cutVal = (fractions.train + fractions.val) / total;

  const groups = groupBy(strata);
  const out: Record<SplitName, Map<string, number[]>> = {
    train: new Map(),
    val: new Map(),
    test: new Map(),
  };
  for (const [key, members] of groups) {
    const rng = Rng.derive(seed, `split:${key}`);
    const order = rng.permutation(members.length).map((j) => members[j]);
    order.forEach((item, rank) => {
      // The item's position within its group, at the centre of its slot.
      const at = (rank + 0.5) / order.length;
      const s: SplitName = at < cutTrain ? 'train' : at < cutVal ? 'val' : 'test';
      const list = out[s].get(key) ?? [];
      list.push(item);
      out[s].set(key, list);
    });
  }
  return { train: deal(out.train), val: deal(out.val), test: deal(out.test) };
}

/** Order a split's items by strata given elsewhere (e.g. a split column), seeded. */
export function stratifiedOrder(
  items: readonly number[],
  strata: readonly string[],
  seed: number,
  purpose: string,
): number[] {
  const groups = new Map<string, number[]>();
  for (const i of items) {
    const list = groups.get(strata[i]) ?? [];
    list.push(i);
    groups.set(strata[i], list);
  }
  for (const [key, members] of groups) {
    const rng = Rng.derive(seed, `${purpose}:${key}`);
    groups.set(
      key,
      rng.permutation(members.length).map((j) => members[j]),
    );
  }
  return deal(groups);
}

function groupBy(keys: readonly string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  keys.forEach((k, i) => {
    const list = groups.get(k) ?? [];
    list.push(i);
    groups.set(k, list);
  });
  // Sorted keys, so the seeded streams are drawn in a fixed order.
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Round-robin over the groups (sorted by key), one item of each in turn. */
function deal(groups: Map<string, number[]>): number[] {
  const lists = [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, l]) => l);
  const out: number[] = [];
  for (let r = 0; lists.some((l) => r < l.length); r++) {
    for (const l of lists) if (r < l.length) out.push(l[r]);
  }
  return out;
}
