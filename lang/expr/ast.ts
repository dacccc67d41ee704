/**
 * Expression syntax tree. Offsets are relative to the expression text (what
 * sits between `${{` and `}}`); the template maps them back to the file.
 */
import type { Json } from '../../stdlib/types.js';

interface At {
  /** First character of the construct and one past its last. */
  offset: number;
  end: number;
}

export type Expr =
  | ({ type: 'literal'; value: Json } & At)
  | ({ type: 'list'; items: Expr[] } & At)
  | ({ type: 'map'; entries: { key: string; keyOffset: number; value: Expr }[] } & At)
  | ({ type: 'name'; name: string } & At)
  | ({ type: 'member'; object: Expr; name: string; nameOffset: number } & At)
  | ({ type: 'index'; object: Expr; index: Expr } & At)
  | ({ type: 'call'; callee: Expr; args: Expr[] } & At)
  | ({ type: 'unary'; op: string; operand: Expr } & At)
  | ({ type: 'binary'; op: string; opOffset: number; left: Expr; right: Expr } & At)
  | ({ type: 'conditional'; test: Expr; then: Expr; otherwise: Expr } & At);

/** `a.b.c` as ['a', 'b', 'c'] with each name's offset, or undefined. */
export function namePath(e: Expr): { name: string; offset: number; end: number }[] | undefined {
  if (e.type === 'name') return [{ name: e.name, offset: e.offset, end: e.end }];
  if (e.type === 'member') {
    const base = namePath(e.object);
    if (!base) return undefined;
    return [...base, { name: e.name, offset: e.nameOffset, end: e.end }];
  }
  // `stages['data-v2'].x` names a stage whose name is not an identifier.
  if (e.type === 'index' && e.index.type === 'literal' && typeof e.index.value === 'string') {
    const base = namePath(e.object);
    if (!base) return undefined;
    return [...base, { name: e.index.value, offset: e.index.offset, end: e.index.end }];
  }
  return undefined;
}

/** The direct children of a node. */
export function children(e: Expr): Expr[] {
  switch (e.type) {
    case 'list':
      return e.items;
    case 'map':
      return e.entries.map((en) => en.value);
    case 'member':
      return [e.object];
    case 'index':
      return [e.object, e.index];
    case 'call':
      return [e.callee, ...e.args];
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'conditional':
      return [e.test, e.then, e.otherwise];
    default:
      return [];
  }
}

/** Levels of a tree, counted without recursion (a leaf is 1). */
export function depth(root: Expr): number {
  let deepest = 0;
  const stack: [Expr, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [e, d] = stack.pop()!;
    deepest = Math.max(deepest, d);
    for (const c of children(e)) stack.push([c, d + 1]);
  }
  return deepest;
}

/** Every node of a tree, parents before children. */
export function* walk(e: Expr): Generator<Expr> {
  yield e;
  switch (e.type) {
    case 'list':
      for (const i of e.items) yield* walk(i);
      break;
    case 'map':
      for (const en of e.entries) yield* walk(en.value);
      break;
    case 'member':
      yield* walk(e.object);
      break;
    case 'index':
      yield* walk(e.object);
      yield* walk(e.index);
      break;
    case 'call':
      yield* walk(e.callee);
      for (const a of e.args) yield* walk(a);
      break;
    case 'unary':
      yield* walk(e.operand);
      break;
    case 'binary':
      yield* walk(e.left);
      yield* walk(e.right);
      break;
    case 'conditional':
      yield* walk(e.test);
      yield* walk(e.then);
      yield* walk(e.otherwise);
      break;
  }
}
