/** The `params` and `env` sections, and `-p` overrides of params. */
import type { Json } from '../stdlib/types.js';
import { isMap } from './expr/value.js';
import type { ParamOverride } from './overrides.js';
import { COMMAND_LINE, type Reporter } from './source.js';
import { didYouMean } from './suggest.js';
import { setKey, span, toJson, type YNode } from './yaml-tree.js';

export function readParams(node: YNode | undefined, rep: Reporter): { [key: string]: Json } {
  if (!node || (node.kind === 'scalar' && node.value === null)) return {};
  if (node.kind !== 'map') {
    rep.error({
      code: 'BAD_PARAMS',
      message: '`params` must be a map of named values',
      file: node.file,
      offset: node.start,
      length: span(node),
      hint: 'write `params: {epochs: 10}`',
    });
    return {};
  }
  rejectExpressions(node, rep);
  return toJson(node) as { [key: string]: Json };
}

/** Params are plain values; computing belongs in the stages that use them. */
function rejectExpressions(node: YNode, rep: Reporter): void {
  if (node.kind === 'map') return node.entries.forEach((e) => rejectExpressions(e.value, rep));
  if (node.kind === 'seq') return node.items.forEach((i) => rejectExpressions(i, rep));
  if (typeof node.value !== 'string' || !node.offsets) return;
  const at = node.value.indexOf('${{');
  if (at > 0 && node.value[at - 1] === '$') return;
  rep.error({
    code: 'EXPRESSION_IN_PARAMS',
    message: 'params hold plain values, not `${{ }}` expressions',
    file: node.file,
    offset: node.offsets[at] ?? node.start,
    length: 3,
    hint: 'compute the value where a stage uses it, e.g. `${{ params.lambda * 2 }}` in `with:`',
  });
}

/** Sets each override's parameter; returns the overrides that named a declared parameter. */
export function applyParamOverrides(
  params: { [key: string]: Json },
  overrides: ParamOverride[],
  rep: Reporter,
): ParamOverride[] {
  const applied: ParamOverride[] = [];
  for (const o of overrides) {
    let target: Json = params;
    let offset = o.offset + 'params.'.length;
    for (let i = 0; i < o.path.length; i++) {
      const key = o.path[i]!;
      if (!isMap(target) || !Object.hasOwn(target, key)) {
        const keys = isMap(target) ? Object.keys(target) : [];
        rep.error({
          code: 'UNKNOWN_OVERRIDE',
          message: `the study has no parameter \`${['params', ...o.path.slice(0, i + 1)].join('.')}\``,
          file: COMMAND_LINE,
          offset,
          length: key.length,
          hint:
            didYouMean(key, keys) ?? 'only parameters declared under `params:` can be overridden',
        });
        break;
      }
      if (i === o.path.length - 1) {
        setKey(target as Record<string, Json>, key, o.value);
        applied.push(o);
      } else {
        target = (target as Record<string, Json>)[key]!;
      }
      offset += key.length + 1;
    }
  }
  return applied;
}

export function readEnv(node: YNode | undefined, rep: Reporter): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  if (!node) return env;
  const items = node.kind === 'seq' ? node.items : [node];
  for (const i of items) {
    if (
      i.kind === 'scalar' &&
      typeof i.value === 'string' &&
      /^[A-Za-z_][A-Za-z0-9_]*$/.test(i.value)
    ) {
      env.set(i.value, process.env[i.value]);
      continue;
    }
    rep.error({
      code: 'BAD_ENV',
      message: '`env` lists names of environment variables',
      file: i.file,
      offset: i.start,
      length: span(i),
      hint: 'write `env: [DATA_DIR]`',
    });
  }
  return env;
}
