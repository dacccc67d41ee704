/**
 * The stage registry: every stage kind a study may name. Plugins add kinds
 * with registerStageKind before a study is checked.
 */
import type { StageKind } from './types.js';

export const registry = new Map<string, StageKind>();

export function registerStageKind(kind: StageKind): void {
  if (registry.has(kind.kind)) {
    throw new Error(`stage kind \`${kind.kind}\` is registered twice`);
  }
  registry.set(kind.kind, kind);
}
