/**
 * Matching a robustness stage's gathered parameters into groups: every
 * combination of the non-target axes is one group, holding the in-mask and
 * out-mask results (and, when given, the base model's) of the same model
 * and explainer.
 */
import type { Gathered, Json } from '../types.js';
import {
  display,
  groupLabel,
  type GroupInput,
  type PerImage,
  SCORES,
  type Summary,
} from './analysis.js';

export const IN = 'in_mask';
export const OUT = 'out_mask';

export interface RelevancePaths {
  in?: string;
  out?: string;
  base?: string;
}

export interface MatchedInputs {
  groups: GroupInput[];
  /** Relevance artifact folders per group label. */
  relevance: Map<string, RelevancePaths>;
}

export function isGathered(v: unknown): v is Gathered<unknown>[] {
  return (
    Array.isArray(v) &&
    v.every((e) => typeof e === 'object' && e !== null && 'axes' in e && 'value' in e)
  );
}

function withoutAxis(axes: Record<string, Json>, axis: string): Record<string, Json> {
  return Object.fromEntries(Object.entries(axes).filter(([k]) => k !== axis));
}

/** Do the entry's axes agree with the group's on every axis they share? */
function agrees(entry: Record<string, Json>, group: Record<string, Json>): boolean {
  return Object.entries(entry).every(
    ([k, v]) => !(k in group) || display(group[k]!) === display(v),
  );
}

/** A single value used by every group, or the gathered entry matching the group. */
function pick<T>(value: unknown, group: Record<string, Json>, targetAxis: string): T | undefined {
  if (value === null || value === undefined) return undefined;
  if (!isGathered(value)) return value as T;
  return value.find((e) => agrees(withoutAxis(e.axes, targetAxis), group))?.value as T | undefined;
}

/**
 * What keeps gathered entries (given by their axes) from pairing up: the
 * target axis not gathered, or a group without both target values. The same
 * rule runs on the plan (`alignlab check`) and on the values (at run time).
 */
export function pairingProblem(
  entries: Record<string, Json>[] | undefined,
  name: string,
  targetAxis: string,
): { message: string; hint: string } | undefined {
  if (entries === undefined || !entries.some((axes) => targetAxis in axes)) {
    return {
      message: `\`${name}\` must be gathered over the \`${targetAxis}\` axis`,
      hint: `add \`gather: [${targetAxis}]\` (and the model and explainer axes) to the stage`,
    };
  }
  const targets = new Map<string, Set<string>>();
  for (const axes of entries) {
    const label = groupLabel(withoutAxis(axes, targetAxis));
    if (!targets.has(label)) targets.set(label, new Set());
    targets.get(label)!.add(display(axes[targetAxis] ?? null));
  }
  for (const [label, seen] of targets) {
    const missing = [IN, OUT].filter((t) => !seen.has(t));
    if (missing.length > 0) {
      const who = targets.size === 1 ? `\`${name}\` needs` : `group ${label} needs`;
      return {
        message:
          `${who} results for both ${targetAxis}=${IN} and ${targetAxis}=${OUT}, ` +
          `but has no ${missing.map((m) => `${targetAxis}=${m}`).join(' and no ')}`,
        hint: `sweep \`${targetAxis}\` over both values`,
      };
    }
  }
  return undefined;
}

const SUMMARY_KEYS = ['accuracy', 'auroc', 'mass_accuracy', 'rank_accuracy'] as const;

/** A metrics summary: numbers (or null) under the summary keys, at least one of them. */
function isSummary(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  const scalar = (x: unknown) => x === null || typeof x === 'number';
  return SUMMARY_KEYS.some((k) => k in r) && SUMMARY_KEYS.every((k) => !(k in r) || scalar(r[k]));
}

/** Per-image scores: one list per score. */
function isPerImage(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  return SCORES.every((k) => Array.isArray(r[k]));
}

function describeShape(v: unknown): string {
  if (v === null || typeof v !== 'object') return `a ${v === null ? 'null' : typeof v}`;
  if (Array.isArray(v)) return `a list of ${v.length}`;
  const keys = Object.entries(v as Record<string, unknown>).map(
    ([k, x]) => `${k}${Array.isArray(x) ? '[]' : ''}`,
  );
  return `keys ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}`;
}

export function matchInputs(
  p: {
    summary: unknown;
    per_image: unknown;
    base?: unknown;
    relevance?: unknown;
    base_relevance?: unknown;
  },
  targetAxis: string,
  stage: string,
): MatchedInputs {
  for (const name of ['summary', 'per_image'] as const) {
    const v = p[name];
    const problem = pairingProblem(
      isGathered(v) ? v.map((e) => e.axes) : undefined,
      name,
      targetAxis,
    );
    if (problem !== undefined) throw new Error(`${stage}: ${problem.message}; ${problem.hint}`);
  }
  const summaries = p.summary as Gathered<Summary>[];
  const perImage = p.per_image as Gathered<PerImage>[];
  for (const [name, list, ok] of [
    ['summary', summaries, isSummary],
    ['per_image', perImage, isPerImage],
  ] as const) {
    const bad = list.find((e) => !ok(e.value));
    if (bad !== undefined) {
      throw new Error(
        `${stage}: \`${name}\` for ${groupLabel(bad.axes)} is not a metrics stage's ` +
          `\`${name}\` output (${describeShape(bad.value)}); ` +
          'check which output the parameter reads',
      );
    }
  }

  // Groups in the order the study lists its cells.
  const seen = new Map<string, Record<string, Json>>();
  for (const e of summaries) {
    const axes = withoutAxis(e.axes, targetAxis);
    const label = groupLabel(axes);
    if (!seen.has(label)) seen.set(label, axes);
  }

  const groups: GroupInput[] = [];
  const relevance = new Map<string, RelevancePaths>();
  for (const [label, axes] of seen) {
    const find = <T>(list: Gathered<T>[], target: string) =>
      list.find(
        (e) =>
          display(e.axes[targetAxis] ?? null) === target &&
          agrees(withoutAxis(e.axes, targetAxis), axes),
      )?.value;
    const inS = find(summaries, IN);
    const outS = find(summaries, OUT);
    const inP = find(perImage, IN);
    const outP = find(perImage, OUT);
    if (!inS || !outS || !inP || !outP) {
      throw new Error(
        `${stage}: group ${label} needs results for both ${targetAxis}=${IN} and ` +
          `${targetAxis}=${OUT}; sweep the axis over both values`,
      );
    }
    groups.push({
      axes,
      base: pick<Summary>(p.base, axes, targetAxis),
      in: { summary: inS, perImage: inP },
      out: { summary: outS, perImage: outP },
    });

    const rel = isGathered(p.relevance) ? (p.relevance as Gathered<string>[]) : [];
    relevance.set(label, {
      in: find(rel, IN),
      out: find(rel, OUT),
      base: pick<string>(p.base_relevance, axes, targetAxis),
    });
  }
  return { groups, relevance };
}
