/**
 * Turns YAML nodes that may hold `${{ }}` into values, reporting every
 * problem at its place in the file, and finds which sweep axes and stages a
 * node refers to without evaluating it.
 */
import type { Json } from '../stdlib/types.js';
import { namePath, walk, type Expr } from './expr/ast.js';
import { evaluate, type Scope } from './expr/evaluate.js';
import { containsRef, display, EvalError, StageRef, type Value } from './expr/value.js';
import type { Reporter } from './source.js';
import { parseTemplate, type Template } from './template.js';
import { setKey, type YNode, type YScalar } from './yaml-tree.js';

export interface StagePath {
  name: string;
  /** File offsets of the whole reference and of its parts. */
  file: string;
  offset: number;
  end: number;
  parts: { name: string; offset: number; end: number }[];
}

/** Resolves a stage reference or throws an EvalError with file offsets. */
export type StageResolver = (path: StagePath) => StageRef;

export interface ResolveScope extends Omit<Scope, 'stage'> {
  stage?: StageResolver;
}

const cache = new WeakMap<YScalar, ReturnType<typeof parseTemplate>>();

/** The template of a string scalar, parsed once; syntax errors reported each time (deduplicated). */
export function templateOf(node: YScalar, rep: Reporter): Template | undefined {
  if (typeof node.value !== 'string' || !node.offsets) return undefined;
  let parsed = cache.get(node);
  if (!parsed) {
    parsed = parseTemplate(node.value);
    cache.set(node, parsed);
  }
  for (const e of parsed.errors) {
    const [offset, length] = fileSpan(node, e.index, e.index + e.length);
    rep.error({ code: e.code, message: e.message, file: node.file, offset, length, hint: e.hint });
  }
  return parsed.errors.length > 0 ? undefined : parsed.template;
}

function fileSpan(node: YScalar, from: number, to: number): [number, number] {
  const map = node.offsets!;
  const last = map.length - 1;
  const a = map[Math.max(0, Math.min(from, last))]!;
  const b = map[Math.max(0, Math.min(to, last))]!;
  return [a, Math.max(1, b - a)];
}

/** Evaluates a node; undefined when a problem was reported. */
export function resolveNode(node: YNode, scope: ResolveScope, rep: Reporter): Value | undefined {
  if (node.kind === 'seq') {
    const items = node.items.map((i) => resolveNode(i, scope, rep));
    return items.some((i) => i === undefined) ? undefined : (items as Value[]);
  }
  if (node.kind === 'map') {
    const out: { [key: string]: Value } = {};
    let ok = true;
    for (const e of node.entries) {
      const v = resolveNode(e.value, scope, rep);
      if (v === undefined) ok = false;
      else setKey(out, e.key, v);
    }
    return ok ? out : undefined;
  }
  const template = templateOf(node, rep);
  if (!template) return node.offsets ? undefined : node.value;
  return resolveTemplate(node, template, scope, rep);
}

function resolveTemplate(
  node: YScalar,
  t: Template,
  scope: ResolveScope,
  rep: Reporter,
): Value | undefined {
  let text = '';
  for (const part of t.parts) {
    if (part.kind === 'text') {
      text += part.text;
      continue;
    }
    const value = evalPart(node, part.expr, part.start, scope, rep);
    if (value === undefined) return undefined;
    if (t.whole) return value;
    if (containsRef(value)) {
      const [offset, length] = fileSpan(
        node,
        part.start + part.expr.offset,
        part.start + part.expr.end,
      );
      rep.error({
        code: 'REFERENCE_IN_STRING',
        message: 'a stage output cannot be part of a longer string',
        file: node.file,
        offset,
        length,
        hint: 'make the reference the whole value: `${{ stages.NAME.OUTPUT }}`',
      });
      return undefined;
    }
    text += display(value as Json);
  }
  return text;
}

function evalPart(
  node: YScalar,
  expr: Expr,
  start: number,
  scope: ResolveScope,
  rep: Reporter,
): Value | undefined {
  const stage = (path: { name: string; offset: number; end: number }[]): StageRef => {
    const abs = path.map((p) => {
      const [offset, length] = fileSpan(node, start + p.offset, start + p.end);
      return { name: p.name, offset, end: offset + length };
    });
    // The same span as findReferences, so both report a problem at one place.
    const first = path[1] ?? path[0]!;
    const [offset, length] = fileSpan(node, start + first.offset, start + (path[2] ?? first).end);
    const sp: StagePath = {
      name: path[1]!.name,
      file: node.file,
      offset,
      end: offset + length,
      parts: abs,
    };
    if (!scope.stage) {
      throw new EvalError(
        'STAGE_REFERENCE_NOT_ALLOWED',
        "stage outputs can only be used in a stage's `with`",
        offset,
        offset + length,
        undefined,
        { file: node.file },
      );
    }
    return scope.stage(sp);
  };
  try {
    return evaluate(expr, { ...scope, stage });
  } catch (err) {
    if (!(err instanceof EvalError)) throw err;
    const [offset, length] = err.inFile
      ? [err.offset, err.end - err.offset]
      : fileSpan(node, start + err.offset, start + err.end);
    rep.error({
      code: err.code,
      message: err.message,
      file: node.file,
      offset,
      length,
      hint: err.hint,
    });
    return undefined;
  }
}

export interface AxisUse {
  axis: string;
  file: string;
  offset: number;
  length: number;
}

export interface StageUse {
  stage: string;
  output?: string;
  file: string;
  offset: number;
  length: number;
}

/** Every `sweep.x`, `stages.X.Y` and `params.a.b` written in a node (all branches, unevaluated). */
export function findReferences(
  node: YNode,
  allAxes: readonly string[],
  rep: Reporter,
): { axes: AxisUse[]; stages: StageUse[]; params: string[][] } {
  const axes: AxisUse[] = [];
  const stages: StageUse[] = [];
  const params: string[][] = [];
  const visit = (n: YNode): void => {
    if (n.kind === 'seq') return n.items.forEach(visit);
    if (n.kind === 'map') return n.entries.forEach((e) => visit(e.value));
    const t = templateOf(n, rep);
    if (!t) return;
    for (const part of t.parts) {
      if (part.kind !== 'expr') continue;
      for (const ref of exprReferences(part.expr)) {
        const [offset, length] = fileSpan(n, part.start + ref.offset, part.start + ref.end);
        if (ref.root === 'params') {
          params.push(ref.path);
        } else if (ref.root === 'sweep') {
          for (const axis of ref.name === undefined ? allAxes : [ref.name])
            axes.push({ axis, file: n.file, offset, length });
        } else if (ref.name !== undefined) {
          stages.push({ stage: ref.name, output: ref.output, file: n.file, offset, length });
        }
      }
    }
  };
  visit(node);
  return { axes, stages, params };
}

interface ExprReference {
  root: string;
  name?: string;
  output?: string;
  /** The names after the root, e.g. ['train', 'epochs'] for `params.train.epochs`. */
  path: string[];
  offset: number;
  end: number;
}

function* exprReferences(e: Expr): Generator<ExprReference> {
  const seen = new Set<Expr>();
  for (const n of walk(e)) {
    if (seen.has(n)) continue;
    const path = namePath(n);
    const root = path?.[0]?.name;
    if (!path || (root !== 'sweep' && root !== 'stages' && root !== 'params')) continue;

    // Only the longest chain counts; its inner members are the same reference.
    for (const inner of walk(n)) seen.add(inner);
    const at = path[1] ?? path[0]!;
    yield {
      root,
      name: path[1]?.name,
      output: path[2]?.name,
      path: path.slice(1).map((p) => p.name),
      offset: at.offset,
      end: (path[2] ?? at).end,
    };
  }
}
