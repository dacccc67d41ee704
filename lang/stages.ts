/**
 * Reads the `stages` section: kinds, parameter names, gathered axes and the
 * references between stages; orders the stages and finds which sweep axes
 * each one depends on.
 */
import type { StageKind } from '../stdlib/types.js';
import { findReferences, type AxisUse, type StageUse } from './resolve.js';
import type { Related, Reporter } from './source.js';
import { didYouMean } from './suggest.js';
import { entry, span, type YEntry, type YMap, type YNode, type YScalar } from './yaml-tree.js';

export interface StageDecl {
  name: string;
  nameNode: YScalar;
  node: YMap;
  kind?: StageKind;
  with?: YMap;
  seed?: YNode;
  gather: string[];
  axisUses: AxisUse[];
  stageUses: StageUse[];
  /** Sweep axes the stage depends on, in declaration order (filled by orderStages). */
  axes: string[];
}

const STAGE_KEYS = ['kind', 'with', 'seed', 'gather', 'doc'];

export function readStages(
  node: YNode | undefined,
  registry: ReadonlyMap<string, StageKind>,
  axes: readonly string[],
  rep: Reporter,
): StageDecl[] {
  if (!node || (node.kind === 'scalar' && node.value === null)) {
    const at = node ?? { file: [...rep.sources.keys()][0] ?? '', start: 0, end: 1 };
    rep.error({
      code: 'NO_STAGES',
      message: 'the study has no stages',
      file: at.file,
      offset: at.start,
      hint: 'add a `stages:` map naming at least one stage',
    });
    return [];
  }
  if (node.kind !== 'map') {
    rep.error({
      code: 'BAD_STAGES',
      message: '`stages` must be a map from stage names to stages',
      file: node.file,
      offset: node.start,
      length: span(node),
      hint: 'write `stages: {train: {kind: train}}`',
    });
    return [];
  }
  if (node.entries.length === 0) {
    rep.error({
      code: 'NO_STAGES',
      message: 'the study has no stages: `stages` is an empty map',
      file: node.file,
      offset: node.start,
      length: span(node),
      hint: 'name at least one stage: `stages: {data: {kind: fashion-mnist}}`',
    });
    return [];
  }
  return node.entries.flatMap((e) => readStage(e, registry, axes, rep) ?? []);
}

function readStage(
  e: YEntry,
  registry: ReadonlyMap<string, StageKind>,
  axes: readonly string[],
  rep: Reporter,
): StageDecl | undefined {
  const at = { file: e.keyNode.file, offset: e.keyNode.start, length: span(e.keyNode) };
  if (e.value.kind !== 'map') {
    rep.error({
      code: 'BAD_STAGE',
      message: `stage \`${e.key}\` must be a map with a \`kind\``,
      ...at,
      hint: `write \`${e.key}: {kind: KIND, with: {...}}\``,
    });
    return undefined;
  }
  const node = e.value;
  for (const k of node.entries) {
    if (STAGE_KEYS.includes(k.key)) continue;
    rep.error({
      code: 'UNKNOWN_KEY',
      message: `\`${k.key}\` is not a stage key`,
      file: k.keyNode.file,
      offset: k.keyNode.start,
      length: span(k.keyNode),
      hint: didYouMean(k.key, STAGE_KEYS),
    });
  }
  const decl: StageDecl = {
    name: e.key,
    nameNode: e.keyNode,
    node,
    gather: [],
    axisUses: [],
    stageUses: [],
    axes: [],
  };

  // The kind decides which parameters are allowed.
  const kindEntry = entry(node, 'kind');
  const kindNode = kindEntry?.value;
  if (!kindNode) {
    rep.error({
      code: 'MISSING_KIND',
      message: `stage \`${e.key}\` has no \`kind\``,
      ...at,
      hint: `add \`kind:\` naming one of: ${[...registry.keys()].slice(0, 8).join(', ')}`,
    });
  } else if (kindNode.kind !== 'scalar' || typeof kindNode.value !== 'string') {
    rep.error({
      code: 'BAD_KIND',
      message: '`kind` must be the name of a stage kind',
      file: kindNode.file,
      offset: kindNode.start,
      length: span(kindNode),
    });
  } else {
    decl.kind = registry.get(kindNode.value);
    if (!decl.kind) {
      rep.error({
        code: 'UNKNOWN_STAGE_KIND',
        message: `unknown stage kind \`${kindNode.value}\``,
        file: kindNode.file,
        offset: kindNode.start,
        length: span(kindNode),
        hint: didYouMean(kindNode.value, registry.keys()),
      });
    }
  }

  const withNode = entry(node, 'with')?.value;
  if (withNode && withNode.kind === 'map') decl.with = withNode;
  else if (withNode && !(withNode.kind === 'scalar' && withNode.value === null)) {
    rep.error({
      code: 'BAD_WITH',
      message: '`with` must be a map of parameter values',
      file: withNode.file,
      offset: withNode.start,
      length: span(withNode),
      hint: 'write `with: {epochs: 10}`',
    });
  }
  if (decl.kind) checkParamNames(decl, decl.kind, rep);

  decl.seed = entry(node, 'seed')?.value;
  decl.gather = readGather(entry(node, 'gather')?.value, axes, rep);
  for (const part of [decl.with, decl.seed]) {
    if (!part) continue;
    const refs = findReferences(part, axes, rep);
    decl.axisUses.push(...refs.axes);
    decl.stageUses.push(...refs.stages);
  }
  return decl;
}

function checkParamNames(decl: StageDecl, kind: StageKind, rep: Reporter): void {
  const names = Object.keys(kind.params);
  for (const p of decl.with?.entries ?? []) {
    if (Object.hasOwn(kind.params, p.key)) continue;
    rep.error({
      code: 'UNKNOWN_PARAM',
      message: `stage kind \`${kind.kind}\` has no parameter \`${p.key}\``,
      file: p.keyNode.file,
      offset: p.keyNode.start,
      length: span(p.keyNode),
      hint: didYouMean(p.key, names),
    });
  }
  for (const [name, spec] of Object.entries(kind.params)) {
    if (!spec.required || spec.default !== undefined || (decl.with && entry(decl.with, name)))
      continue;
    const at = decl.with ? entry(decl.node, 'with')!.keyNode : decl.nameNode;
    rep.error({
      code: 'MISSING_PARAM',
      message: `stage \`${decl.name}\` needs parameter \`${name}\` (${spec.doc})`,
      file: at.file,
      offset: at.start,
      length: span(at),
      hint: `add \`${name}:\` under \`with:\``,
    });
  }
}

function readGather(node: YNode | undefined, axes: readonly string[], rep: Reporter): string[] {
  if (!node) return [];
  const items = node.kind === 'seq' ? node.items : [node];
  const out: string[] = [];
  for (const i of items) {
    if (i.kind !== 'scalar' || typeof i.value !== 'string') {
      rep.error({
        code: 'BAD_GATHER',
        message: '`gather` lists sweep axis names',
        file: i.file,
        offset: i.start,
        length: span(i),
        hint: 'write `gather: [target]`',
      });
      continue;
    }
    if (!axes.includes(i.value)) {
      rep.error({
        code: 'UNKNOWN_AXIS',
        message: `there is no sweep axis \`${i.value}\` to gather`,
        file: i.file,
        offset: i.start,
        length: span(i),
        hint: didYouMean(i.value, axes),
      });
      continue;
    }
    out.push(i.value);
  }
  return out;
}

/** The stage a reference names and a problem with it, if any. */
export function refProblem(
  use: { stage: string; output?: string },
  decls: ReadonlyMap<string, StageDecl>,
): { code: string; message: string; hint?: string } | undefined {
  const target = decls.get(use.stage);
  if (!target)
    return {
      code: 'UNKNOWN_STAGE',
      message: `there is no stage \`${use.stage}\``,
      hint: didYouMean(use.stage, decls.keys()),
    };
  if (!target.kind || use.output === undefined) return undefined;
  if (!Object.hasOwn(target.kind.outputs, use.output)) {
    return {
      code: 'UNKNOWN_OUTPUT',
      message: `stage \`${use.stage}\` (kind \`${target.kind.kind}\`) has no output \`${use.output}\``,
      hint: didYouMean(use.output, Object.keys(target.kind.outputs)),
    };
  }
  return undefined;
}

/**
 * Checks references, reports cycles and returns the stages in an order where
 * every stage comes after those it reads from. Stages on a cycle are left out.
 */
export function orderStages(
  decls: StageDecl[],
  allAxes: readonly string[],
  rep: Reporter,
): StageDecl[] {
  // Later declarations of the same name were reported as duplicate keys already.
  const byName = new Map(decls.map((d) => [d.name, d]));
  const deps = new Map<string, StageUse[]>();
  for (const d of decls) {
    const good: StageUse[] = [];
    for (const u of d.stageUses) {
      const p = refProblem(u, byName);
      if (p) rep.error({ ...p, file: u.file, offset: u.offset, length: u.length });
      else good.push(u);
    }
    deps.set(d.name, good);
  }

  // Depth-first search; a back edge closes a cycle. Each cycle is reported
  // once, at the reference that closes it, with the reference leaving the
  // other end shown beside it.
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const order: StageDecl[] = [];
  const onCycle = new Set<string>();
  const reported = new Set<string>();
  const visit = (name: string): void => {
    state.set(name, 'active');
    stack.push(name);
    for (const u of deps.get(name) ?? []) {
      const s = state.get(u.stage);
      if (s === 'active') {
        const members = stack.slice(stack.indexOf(u.stage));
        members.forEach((c) => onCycle.add(c));
        const key = [...members].sort().join('\0');
        if (reported.has(key)) continue;
        reported.add(key);
        rep.error({
          code: 'STAGE_CYCLE',
          message: `stages depend on each other in a cycle: ${[...members, u.stage].join(' → ')}`,
          file: u.file,
          offset: u.offset,
          length: u.length,
          hint: 'a stage can only read outputs of stages that do not read from it',
          related: cycleStart(members, deps),
        });
      } else if (!s) {
        visit(u.stage);
      }
    }
    stack.pop();
    state.set(name, 'done');
    order.push(byName.get(name)!);
  };
  for (const d of decls) if (!state.has(d.name)) visit(d.name);
  const ordered = order.filter((d) => !onCycle.has(d.name));

  // A stage varies along the axes it reads and those of the stages it reads from.
  for (const d of ordered) {
    const set = new Set(d.axisUses.map((u) => u.axis));
    for (const u of deps.get(d.name) ?? [])
      for (const a of byName.get(u.stage)?.axes ?? []) set.add(a);
    for (const g of d.gather) set.delete(g);
    d.axes = allAxes.filter((a) => set.has(a));
  }
  return ordered;
}

/** Where the first stage of a cycle reads the next one (none for a stage that reads itself). */
function cycleStart(members: string[], deps: ReadonlyMap<string, StageUse[]>): Related | undefined {
  const [first, next] = members;
  if (first === undefined || next === undefined) return undefined;
  const use = deps.get(first)?.find((u) => u.stage === next);
  if (!use) return undefined;
  return {
    file: use.file,
    offset: use.offset,
    length: use.length,
    message: `\`${first}\` reads \`${next}\` here`,
  };
}
