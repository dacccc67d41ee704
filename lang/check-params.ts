/** Checks a resolved parameter value against the kind's ParamSpec. */
import type { ParamSpec } from '../stdlib/types.js';
import { containsRef, isMap, StageRef, typeName, type Value } from './expr/value.js';
import type { Reporter } from './source.js';
import { didYouMean } from './suggest.js';

export interface ParamSite {
  stage: string;
  param: string;
  file: string;
  offset: number;
  length: number;
}

/**
 * What a referenced stage output is: its type, its artifact kind when tagged,
 * and whether it is gathered; `producers` names outputs of the study that
 * make a given artifact kind, for hints.
 */
export interface RefInfo {
  (ref: StageRef): { type?: 'artifact' | 'json'; artifact?: string; gathered: boolean };
  producers(artifact: string): string[];
}

const EXPECTED: Record<string, string> = {
  number: 'a number',
  integer: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  list: 'a list',
  map: 'a map',
  artifact: 'the artifact output of another stage',
  value: 'a value',
  any: 'any value',
};

export function checkParam(
  spec: ParamSpec,
  value: Value,
  site: ParamSite,
  info: RefInfo,
  rep: Reporter,
): void {
  const at = { file: site.file, offset: site.offset, length: site.length };
  const want = EXPECTED[spec.type] ?? spec.type;
  const mismatch = (got: string, hint?: string) =>
    rep.error({
      code: 'TYPE_MISMATCH',
      message: `parameter \`${site.param}\` expects ${want}, not ${got}`,
      ...at,
      hint: hint ?? spec.doc,
    });

  if (value instanceof StageRef) {
    const { type, gathered } = info(value);
    const ref = `\`stages.${value.stage}.${value.output}\``;
    if (spec.type === 'artifact' && type === 'json') {
      rep.error({
        code: 'ARTIFACT_EXPECTED',
        message: `parameter \`${site.param}\` expects an artifact, but ${ref} is a JSON value`,
        ...at,
        hint: 'pass an output whose type is `artifact`',
      });
    } else if (
      spec.type !== 'artifact' &&
      spec.type !== 'any' &&
      type === 'artifact' &&
      !(gathered && spec.type === 'list')
    ) {
      mismatch(`the artifact ${ref}`, `artifacts can only go to parameters of type \`artifact\``);
    } else if (gathered && !['list', 'any', 'value', 'artifact'].includes(spec.type)) {
      mismatch(
        `the list gathered from ${ref}`,
        'a stage that gathers axes receives one entry per gathered value',
      );
    } else {
      checkArtifactKind(spec, value, site, info, rep);
    }
    return;
  }
  if (spec.artifact && Array.isArray(value)) {
    // A list of references, each of which must be of the expected kind.
    for (const item of value)
      if (item instanceof StageRef) checkArtifactKind(spec, item, site, info, rep);
  }
  if (spec.type === 'artifact') {
    rep.error({
      code: 'ARTIFACT_EXPECTED',
      message: `parameter \`${site.param}\` expects the artifact output of another stage, not ${typeName(value)}`,
      ...at,
      hint: 'write a reference such as `${{ stages.train.model }}`',
    });
    return;
  }
  if (containsRef(value) && !['list', 'map', 'any'].includes(spec.type)) {
    mismatch(typeName(value));
    return;
  }
  if (!matches(spec.type, value)) {
    mismatch(
      typeof value === 'number' || typeof value === 'boolean'
        ? `${typeName(value)} (${value})`
        : typeName(value),
    );
    return;
  }
  if (spec.enum && typeof value === 'string' && !spec.enum.includes(value)) {
    rep.error({
      code: 'NOT_IN_ENUM',
      message: `parameter \`${site.param}\` cannot be \`${value}\``,
      ...at,
      hint: didYouMean(value, spec.enum),
    });
  }
  if (typeof value === 'number') {
    if (spec.min !== undefined && value < spec.min) {
      rep.error({
        code: 'OUT_OF_RANGE',
        message: `parameter \`${site.param}\` must be at least ${spec.min}, not ${value}`,
        ...at,
        hint: spec.doc,
      });
    }
    if (spec.max !== undefined && value > spec.max) {
      rep.error({
        code: 'OUT_OF_RANGE',
        message: `parameter \`${site.param}\` must be at most ${spec.max}, not ${value}`,
        ...at,
        hint: spec.doc,
      });
    }
  }
}

/** A tagged parameter takes only artifacts of its kind; untagged ones on either side take anything. */
function checkArtifactKind(
  spec: ParamSpec,
  ref: StageRef,
  site: ParamSite,
  info: RefInfo,
  rep: Reporter,
): void {
  const got = info(ref).artifact;
  if (!spec.artifact || !got || got === spec.artifact) return;
  const producers = info.producers(spec.artifact).map((p) => `\`${p}\``);
  const hint =
    producers.length > 0
      ? `pass ${article(spec.artifact)} ${spec.artifact} artifact, e.g. ${producers.slice(0, 3).join(' or ')}`
      : `no stage of this study produces ${article(spec.artifact)} ${spec.artifact} artifact; add one and pass its output`;
  rep.error({
    code: 'ARTIFACT_KIND_MISMATCH',
    message: `parameter \`${site.param}\` expects ${article(spec.artifact)} ${spec.artifact} artifact, but \`stages.${ref.stage}.${ref.output}\` is ${article(got)} ${got}`,
    file: ref.file,
    offset: ref.offset,
    length: ref.length,
    hint,
  });
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

function matches(type: ParamSpec['type'], v: Value): boolean {
  switch (type) {
    case 'number':
      return typeof v === 'number';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'list':
      return Array.isArray(v);
    case 'map':
      return isMap(v);
    default:
      return true;
  }
}
