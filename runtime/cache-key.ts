/**
 * Cache keys. A key is the sha256 of a typed, ordered record of everything
 * that decides a stage instance's results, and of nothing else: never the
 * study text, its key order or its comments.
 */
import { createHash } from 'node:crypto';
import type { Json, StageKind } from '../stdlib/types.js';
import type { Plan, PlanInstance, PlanValue } from '../lang/plan.js';
import { canonicalJson } from './canonical.js';
import { UserError } from './errors.js';

/**
 * Version salt of the key record and entry layout. Bump it to invalidate
 * every cache entry at once.
 *   1: first format.
 */
export const CACHE_FORMAT = 1;

/** A sha256 hex digest naming a cache entry (branded to keep hashes apart). */
export type CacheKey = string & { readonly __brand: 'CacheKey' };

/** Everything a key is made of, in the order it is hashed. */
export interface KeyRecord {
  format: number;
  kind: string;
  version: number;
  /** Resolved parameters with references replaced by producer keys. */
  params: Json;
  seed: number;
  /** Only present for kinds whose results depend on the numeric engine. */
  engine?: string;
  /** Only present for kinds that read files: the digest of their contents. */
  files?: string;
}

export interface KeyedInstance {
  instance: PlanInstance;
  kind: StageKind;
  key: CacheKey;
  record: KeyRecord;
}

export function hashRecord(record: KeyRecord): CacheKey {
  // An array of [field, value] pairs fixes the field order explicitly.
  const ordered: [string, unknown][] = [
    ['format', record.format],
    ['kind', record.kind],
    ['version', record.version],
    ['params', record.params],
    ['seed', record.seed],
  ];
  if (record.engine !== undefined) ordered.push(['engine', record.engine]);
  if (record.files !== undefined) ordered.push(['files', record.files]);
  return createHash('sha256').update(canonicalJson(ordered)).digest('hex') as CacheKey;
}

/**
 * Compute every instance's key in topological order, so that a reference
 * can be replaced by the key of the instance that produces it. `files` holds
 * the input-file digests of the instances that read files (`inputDigests`).
 */
export function computeKeys(
  plan: Plan,
  registry: ReadonlyMap<string, StageKind>,
  engineFamily: string,
  files: ReadonlyMap<string, string> = new Map(),
): Map<string, KeyedInstance> {
  const keyed = new Map<string, KeyedInstance>();
  for (const instance of plan.instances) {
    const kind = registry.get(instance.kind);
    if (kind === undefined) {
      throw new UserError(
        `stage instance \`${instance.id}\` uses the unknown stage kind ` +
          `\`${instance.kind}\`; load the module that defines it with --plugin`,
      );
    }
    const lookup = (id: string): CacheKey => {
      const dep = keyed.get(id);
      if (dep === undefined) {
        throw new Error(
          `stage instance \`${instance.id}\` reads \`${id}\`, which is not ` +
            'planned before it; the plan is not in topological order',
        );
      }
      return dep.key;
    };
    const record: KeyRecord = {
      format: CACHE_FORMAT,
      kind: kind.kind,
      version: kind.version,
      params: keyParams(resultParams(instance.params, kind), lookup),
      seed: instance.seed,
    };
    if (kind.usesEngine) record.engine = engineFamily;
    const digest = files.get(instance.id);
    if (digest !== undefined) record.files = digest;
    keyed.set(instance.id, { instance, kind, key: hashRecord(record), record });
  }
  return keyed;
}

/** The parameters that can change results: those not marked resultNeutral. */
function resultParams(params: Record<string, PlanValue>, kind: StageKind) {
  const out: Record<string, PlanValue> = {};
  for (const [k, v] of Object.entries(params)) {
    if (kind.params[k]?.resultNeutral !== true) out[k] = v;
  }
  return out;
}

/** Replace `$ref` / `$gather` by the producing keys; other values pass through. */
export function keyParams(value: PlanValue, keyOf: (id: string) => CacheKey): Json {
  if (Array.isArray(value)) return value.map((v) => keyParams(v, keyOf));
  if (value === null || typeof value !== 'object') return value;
  const ref = asRef(value);
  if (ref !== undefined) {
    return { $ref: { key: keyOf(ref.instance), output: ref.output } };
  }
  const gather = asGather(value);
  if (gather !== undefined) {
    return {
      $gather: gather.map((g) => ({
        axes: g.axes,
        key: keyOf(g.ref.instance),
        output: g.ref.output,
      })),
    };
  }
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value)) out[k] = keyParams(v, keyOf);
  return out;
}

export interface RefValue {
  instance: string;
  output: string;
}
export interface GatherEntry {
  axes: Record<string, Json>;
  ref: RefValue;
}

export function asRef(value: PlanValue): RefValue | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== '$ref') return undefined;
  return (value as { $ref: RefValue }).$ref;
}

export function asGather(value: PlanValue): GatherEntry[] | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== '$gather') return undefined;
  return (value as { $gather: GatherEntry[] }).$gather;
}

/** Whether a value holds a reference to another stage's output, at any depth. */
export function refersToStages(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const v = value as PlanValue;
  if (asRef(v) !== undefined || asGather(v) !== undefined) return true;
  return Object.values(value).some(refersToStages);
}
