/**
 * Compiles checked stages and sweep cells into plan instances. A stage runs
 * once per combination of the axes it depends on, so instances are shared by
 * every cell that agrees on those axes.
 */
import type { Json } from '../stdlib/types.js';
import { checkParam, type RefInfo } from './check-params.js';
import { isSeed, MAX_SEED } from './limits.js';
import { EvalError, isMap, StageRef, type Value } from './expr/value.js';
import type { PlanCell, PlanInstance, PlanValue } from './plan.js';
import { fromOverride, overrideSource, type AppliedOverrides } from './provenance.js';
import { resolveNode, type ResolveScope } from './resolve.js';
import type { Reporter } from './source.js';
import { refProblem, type StageDecl } from './stages.js';
import { formatAxisValue, type Cell } from './sweep.js';
import { setKey, span } from './yaml-tree.js';

export interface CompileInput {
  stages: StageDecl[];
  /** All stages by name, including those left out of the order. */
  byName: ReadonlyMap<string, StageDecl>;
  cells: Cell[];
  axes: readonly string[];
  scope: Omit<ResolveScope, 'sweep' | 'gathered' | 'stage'>;
  /** Command-line values, shown beside the problems they cause. */
  overrides: AppliedOverrides;
}

function project(cell: Record<string, Json>, axes: readonly string[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const a of axes) if (a in cell) out[a] = cell[a]!;
  return out;
}

export function instanceId(
  stage: string,
  axes: readonly string[],
  values: Record<string, Json>,
): string {
  if (axes.length === 0) return stage;
  return `${stage}[${axes.map((a) => `${a}=${formatAxisValue(values[a]!)}`).join(',')}]`;
}

function sortedKeys(values: Record<string, Json>): Record<string, Json> {
  return Object.fromEntries(
    Object.keys(values)
      .sort()
      .map((k) => [k, values[k]!]),
  );
}

export function compile(
  input: CompileInput,
  rep: Reporter,
): { instances: PlanInstance[]; cells: PlanCell[] } {
  const { stages, cells, axes } = input;
  const ids = new Map<string, PlanInstance>();
  const instances: PlanInstance[] = [];

  for (const decl of stages) {
    for (const cell of cells) {
      const values = project(cell.axes, decl.axes);
      const id = instanceId(decl.name, decl.axes, values);
      if (ids.has(id)) continue;
      const inst = compileInstance(decl, id, values, input, ids, rep);
      ids.set(id, inst);
      instances.push(inst);
    }
  }

  const planCells: PlanCell[] = cells.map((c) => ({
    id: c.id,
    axes: c.axes,
    instances: stages.map((d) => instanceId(d.name, d.axes, project(c.axes, d.axes))),
  }));
  return { instances, cells: planCells };
}

function compileInstance(
  decl: StageDecl,
  id: string,
  values: Record<string, Json>,
  input: CompileInput,
  ids: ReadonlyMap<string, PlanInstance>,
  rep: Reporter,
): PlanInstance {
  const gathered = new Set(decl.gather);
  const stage = (path: {
    name: string;
    file: string;
    offset: number;
    end: number;
    parts: { name: string }[];
  }): StageRef => {
    const use = { stage: path.parts[1]!.name, output: path.parts[2]!.name };
    const problem = refProblem(use, input.byName);
    if (problem)
      throw new EvalError(problem.code, problem.message, path.offset, path.end, problem.hint, {
        file: path.file,
      });
    return new StageRef(use.stage, use.output, path.file, path.offset, path.end - path.offset);
  };
  const scope: ResolveScope = { ...input.scope, sweep: values, gathered, stage };

  // Stage references become $ref, or $gather when they vary along gathered axes.
  const deps: string[] = [];
  const toPlan = (v: Value): PlanValue => {
    if (v instanceof StageRef) return planRef(v, decl, values, input, deps);
    if (Array.isArray(v)) return v.map(toPlan);
    if (isMap(v)) {
      const out: { [key: string]: PlanValue } = {};
      for (const [k, x] of Object.entries(v)) setKey(out, k, toPlan(x));
      return out;
    }
    return v;
  };
  const info: RefInfo = Object.assign(
    (ref: StageRef) => {
      const target = input.byName.get(ref.stage);
      const output = target?.kind?.outputs[ref.output];
      return {
        type: output?.type,
        artifact: output?.type === 'artifact' ? output.artifact : undefined,
        gathered: (target?.axes ?? []).some((a) => gathered.has(a)),
      };
    },
    {
      producers: (artifact: string) =>
        producers(input.byName, artifact).filter((p) => !p.startsWith(`stages.${decl.name}.`)),
    },
  );

  // Parameters in the kind's order; defaults fill what `with` leaves out.
  const params: Record<string, PlanValue> = {};
  const kind = decl.kind;
  for (const [name, spec] of Object.entries(kind?.params ?? {})) {
    const e = decl.with?.entries.find((x) => x.key === name);
    if (!e) {
      if (spec.default !== undefined) setKey(params, name, spec.default);
      continue;
    }
    const source = overrideSource(e.value, input.overrides, input.axes, rep);
    const value = fromOverride(source, rep, () => {
      const v = resolveNode(e.value, scope, rep);
      if (v !== undefined)
        checkParam(
          spec,
          v,
          {
            stage: decl.name,
            param: name,
            file: e.value.file,
            offset: e.value.start,
            length: span(e.value),
          },
          info,
          rep,
        );
      return v;
    });
    if (value === undefined) continue;
    setKey(params, name, toPlan(value));
  }

  // Unknown parameters were reported already; their expressions are still checked.
  for (const e of decl.with?.entries ?? []) {
    if (!kind || !Object.hasOwn(kind.params, e.key)) resolveNode(e.value, scope, rep);
  }

  let seed = input.scope.seed;
  if (decl.seed) {
    const node = decl.seed;
    const source = overrideSource(node, input.overrides, input.axes, rep);
    fromOverride(source, rep, () => {
      const v = resolveNode(node, { ...scope, stage: undefined }, rep);
      if (isSeed(v)) seed = v;
      else if (v !== undefined) {
        const got = typeof v === 'number' ? `, not ${v}` : '';
        rep.error({
          code: 'BAD_SEED',
          message: `a stage seed must be a whole number from 0 to ${MAX_SEED}${got}`,
          file: node.file,
          offset: node.start,
          length: span(node),
          hint: 'write `seed: 3` or an expression giving such a number',
        });
      }
    });
  }

  return {
    id,
    stage: decl.name,
    kind: kind?.kind ?? '',
    axes: sortedKeys(values),
    params,
    deps: [...new Set(deps)].filter((d) => ids.has(d)),
    seed,
    pos: rep.pos(decl.nameNode.file, decl.nameNode.start),
  };
}

function planRef(
  ref: StageRef,
  decl: StageDecl,
  values: Record<string, Json>,
  input: CompileInput,
  deps: string[],
): PlanValue {
  const target = input.byName.get(ref.stage)!;
  const folded = target.axes.filter((a) => decl.gather.includes(a));
  if (folded.length === 0) {
    const instance = instanceId(target.name, target.axes, project(values, target.axes));
    deps.push(instance);
    return { $ref: { instance, output: ref.output } };
  }

  // One entry per distinct combination of the gathered axes, in cell order.
  const entries: { axes: Record<string, Json>; ref: { instance: string; output: string } }[] = [];
  const seen = new Set<string>();
  for (const cell of input.cells) {
    if (!decl.axes.every((a) => JSON.stringify(cell.axes[a]) === JSON.stringify(values[a])))
      continue;
    const key = project(cell.axes, folded);
    const k = JSON.stringify(folded.map((a) => key[a]));
    if (seen.has(k)) continue;
    seen.add(k);
    const instance = instanceId(target.name, target.axes, project(cell.axes, target.axes));
    deps.push(instance);
    entries.push({ axes: key, ref: { instance, output: ref.output } });
  }
  return { $gather: entries };
}

/** `stages.NAME.OUTPUT` for every output of the study that makes an artifact of this kind. */
function producers(byName: ReadonlyMap<string, StageDecl>, artifact: string): string[] {
  const out: string[] = [];
  for (const d of byName.values()) {
    for (const [name, o] of Object.entries(d.kind?.outputs ?? {})) {
      if (o.type === 'artifact' && o.artifact === artifact) out.push(`stages.${d.name}.${name}`);
    }
  }
  return out;
}
