/**
 * Turning symbolic references into what a stage receives: artifact outputs
 * as absolute folder paths of verified entries, json outputs as values, and
 * gathered references as lists of `{ axes, value }`.
 */
import type { Json } from '../stdlib/types.js';
import type { PlanValue } from '../lang/plan.js';
import { asGather, asRef, type RefValue } from './cache-key.js';
import type { CacheLayout } from './cache-layout.js';
import type { Manifest } from './manifest.js';

/** Manifests of the instances an instance reads, by instance id. */
export type InputManifests = ReadonlyMap<string, Manifest>;

export function resolveParams(
  params: Record<string, PlanValue>,
  inputs: InputManifests,
  layout: CacheLayout,
  instanceId: string,
): Record<string, unknown> {
  const resolveRef = (ref: RefValue): unknown => {
    const manifest = inputs.get(ref.instance);
    if (manifest === undefined) {
      throw new Error(
        `stage instance \`${instanceId}\` reads \`${ref.instance}\`, whose result ` +
          'is not available; it must finish first',
      );
    }
    const output = manifest.outputs[ref.output];
    if (output === undefined) {
      const known = Object.keys(manifest.outputs).join(', ') || 'none';
      throw new Error(
        `stage instance \`${instanceId}\` reads output \`${ref.output}\` of ` +
          `\`${ref.instance}\`, which produced only: ${known}`,
      );
    }
    return output.type === 'artifact' ? layout.artifact(manifest.key, ref.output) : output.value;
  };

  const walk = (value: PlanValue): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    const ref = asRef(value);
    if (ref !== undefined) return resolveRef(ref);
    const gather = asGather(value);
    if (gather !== undefined) {
      return gather.map((g) => ({ axes: g.axes, value: resolveRef(g.ref) as Json }));
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v);
    return out;
  };

  const resolved: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) resolved[name] = walk(value);
  return resolved;
}

/** Which instances' artifact outputs an instance reads (they need verifying). */
export function artifactInputs(
  params: Record<string, PlanValue>,
  isArtifact: (ref: RefValue) => boolean,
): Set<string> {
  const found = new Set<string>();
  const walk = (value: PlanValue): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (value === null || typeof value !== 'object') return;
    const ref = asRef(value);
    if (ref !== undefined) {
      if (isArtifact(ref)) found.add(ref.instance);
      return;
    }
    const gather = asGather(value);
    if (gather !== undefined) {
      for (const g of gather) if (isArtifact(g.ref)) found.add(g.ref.instance);
      return;
    }
    Object.values(value).forEach(walk);
  };
  Object.values(params).forEach(walk);
  return found;
}
