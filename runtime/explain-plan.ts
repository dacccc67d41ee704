/**
 * `alignlab plan`: for each instance, whether it is cached or will run, and
 * why, in words. Reasons compare the new key record with the one the same
 * instance had in the most recent run that mentioned it.
 */
import type { StageKind } from '../stdlib/types.js';
import type { Plan } from '../lang/plan.js';
import { canonicalJson } from './canonical.js';
import { type KeyRecord, refersToStages } from './cache-key.js';
import { keyPlan } from './input-files.js';
import { CacheStore } from './cache-store.js';
import { readJournal } from './journal.js';
import { hasCheckpoint, mapLimited } from './scheduler.js';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface PlanRow {
  instance: string;
  kind: string;
  key: string;
  status: 'cached' | 'will run';
  /** Why it will run; for a cached one, only when it shares another's work. */
  reason?: string;
}

/** How many recent journals to search for an instance's previous key. */
const JOURNALS_SEARCHED = 20;

export async function explainPlan(
  plan: Plan,
  registry: ReadonlyMap<string, StageKind>,
  cacheDir: string,
  engineFamily: string,
): Promise<PlanRow[]> {
  const store = new CacheStore(cacheDir);
  const keyed = await keyPlan(plan, registry, engineFamily, cacheDir);
  const previous = await previousKeys(store.layout.journalDir());
  const rows = new Map<string, PlanRow>();
  const firstWithKey = new Map<string, string>();

  const all = [...keyed.values()];
  const cached = await mapLimited(
    all,
    32,
    async (k) => (await store.manifest(k.key)) !== undefined,
  );

  for (const [i, k] of all.entries()) {
    const id = k.instance.id;
    const row: PlanRow = { instance: id, kind: k.kind.kind, key: k.key, status: 'cached' };
    rows.set(id, row);
    if (cached[i]) continue;

    // The scheduler computes equal keys once, for the first instance.
    const first = firstWithKey.get(k.key);
    if (first !== undefined) {
      row.reason = `same work as \`${first}\`, which computes it`;
      continue;
    }
    firstWithKey.set(k.key, id);
    row.status = 'will run';

    const before = previous.get(id);
    // A rebuilt input explains a new key by itself.
    const rebuilt = k.instance.deps.find((d) => rows.get(d)?.status === 'will run');
    if (before === undefined) {
      row.reason = 'never run';
    } else if (rebuilt !== undefined) {
      row.reason = `input \`${rebuilt}\` will be rebuilt`;
    } else if (before.key === k.key) {
      row.reason = await sameKeyReason(before.state, k.key, store.layout.corruptDir());
    } else {
      const old = await store.manifest(before.key as never);
      row.reason =
        old === undefined ? 'its inputs or settings changed' : describeChange(old.record, k.record);
    }
    if (await hasCheckpoint(store.layout.checkpoint(k.key))) {
      row.reason += '; resumes from a checkpoint';
    }
  }
  return [...rows.values()];
}

/** Which fields of the key record differ, in words. */
export function describeChange(old: KeyRecord, now: KeyRecord): string {
  const changes: string[] = [];
  if (old.format !== now.format) changes.push('the cache format changed');
  if (old.version !== now.version) {
    changes.push(`stage version changed (${old.version} → ${now.version})`);
  }
  const params = changedParams(old.params, now.params);
  if (params.length > 0) changes.push(`parameters changed: ${params.join(', ')}`);
  if (old.seed !== now.seed) changes.push(`seed changed (${old.seed} → ${now.seed})`);
  if (old.engine !== now.engine) {
    changes.push(`engine changed (${old.engine ?? 'none'} → ${now.engine ?? 'none'})`);
  }
  if (old.files !== now.files) changes.push('its input files changed');
  return changes.length > 0 ? changes.join('; ') : 'its inputs or settings changed';
}

function changedParams(old: unknown, now: unknown): string[] {
  const a = (old ?? {}) as Record<string, unknown>;
  const b = (now ?? {}) as Record<string, unknown>;
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names]
    .filter((n) => canonicalJson(a[n]) !== canonicalJson(b[n]))
    .sort()
    .map((n) => {
      if (refersToStages(b[n])) return `\`${n}\` (its input changed)`;
      return `\`${n}\` ${shortValue(a[n])} → ${shortValue(b[n])}`;
    });
}

/** A parameter value in a line of `plan`: JSON, cut at 40 characters. */
function shortValue(value: unknown): string {
  if (value === undefined) return '(unset)';
  const text = JSON.stringify(value);
  return text.length <= 40 ? text : `${text.slice(0, 39)}…`;
}

/**
 * Why an instance whose key did not change has no entry: how its last run
 * ended, or, when that run finished it, where the entry went.
 */
async function sameKeyReason(state: LastState, key: string, corruptDir: string): Promise<string> {
  if (state === 'failed') return 'it failed in the last run that had it';
  if (state !== 'done') return 'the last run did not finish it';
  const moved = await readdir(corruptDir).catch(() => [] as string[]);
  return moved.some((name) => name.startsWith(`${key}.`))
    ? 'its cache entry was found corrupt and moved aside'
    : 'its cache entry was removed';
}

type LastState = 'planned' | 'done' | 'failed';

/** Most recent key of each instance id, and how it ended, from the newest journals. */
async function previousKeys(dir: string): Promise<Map<string, { key: string; state: LastState }>> {
  const keys = new Map<string, { key: string; state: LastState }>();
  let names: string[];
  try {
    names = (await readdir(dir))
      .filter((n) => n.endsWith('.jsonl'))
      .sort()
      .reverse();
  } catch {
    return keys;
  }
  for (const name of names.slice(0, JOURNALS_SEARCHED)) {
    const found = new Map<string, { key: string; state: LastState }>();
    for (const line of await readJournal(join(dir, name))) {
      if (line.type === 'instance-cached') {
        found.set(line.instance, { key: line.key, state: 'done' });
      } else if (line.type === 'instance-queued') {
        found.set(line.instance, { key: line.key, state: 'planned' });
      } else if (line.type === 'instance-done' || line.type === 'instance-failed') {
        const state = line.type === 'instance-done' ? 'done' : 'failed';
        if (found.get(line.instance)?.key === line.key)
          found.set(line.instance, { key: line.key, state });
      }
    }
    for (const [id, last] of found) if (!keys.has(id)) keys.set(id, last);
  }
  return keys;
}
