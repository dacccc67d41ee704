/**
 * A JSON Schema of study files for editors (yaml-language-server): keys,
 * stage kinds and their parameters with docs. Any string value may also be a
 * `${{ }}` expression, so typed parameters accept those strings too.
 */
import type { ParamSpec, StageKind } from '../stdlib/types.js';
import { MAX_NAME, MAX_SEED, NAME_PATTERN } from './limits.js';

const EXPRESSION = {
  type: 'string',
  pattern: '\\$\\{\\{[\\s\\S]*\\}\\}',
  description: 'A ${{ }} expression',
};

const BASE_TYPES: Record<string, object> = {
  number: { type: 'number' },
  integer: { type: 'integer' },
  string: { type: 'string' },
  boolean: { type: 'boolean' },
  list: { type: 'array' },
  map: { type: 'object' },
  any: {},
  value: {},
  artifact: EXPRESSION,
};

function paramSchema(spec: ParamSpec): object {
  const base: Record<string, unknown> = { ...BASE_TYPES[spec.type] };
  if (spec.enum) base.enum = [...spec.enum];
  if (spec.min !== undefined) base.minimum = spec.min;
  if (spec.max !== undefined) base.maximum = spec.max;
  const typed =
    spec.type === 'artifact' || spec.type === 'any' || spec.type === 'value'
      ? base
      : { anyOf: [base, EXPRESSION] };
  const out: Record<string, unknown> = { ...typed, description: spec.doc };
  if (spec.default !== undefined) out.default = spec.default;
  return out;
}

function stageSchema(kind: StageKind): object {
  const required = Object.entries(kind.params)
    .filter(([, p]) => p.required && p.default === undefined)
    .map(([n]) => n);
  return {
    type: 'object',
    description: kind.doc,
    required: ['kind', ...(required.length > 0 ? ['with'] : [])],
    additionalProperties: false,
    properties: {
      kind: { const: kind.kind, description: kind.doc },
      with: {
        type: 'object',
        additionalProperties: false,
        required,
        properties: Object.fromEntries(
          Object.entries(kind.params).map(([n, p]) => [n, paramSchema(p)]),
        ),
      },
      seed: {
        anyOf: [{ type: 'integer', minimum: 0, maximum: MAX_SEED }, EXPRESSION],
        description: 'Seed of this stage; the study seed by default.',
      },
      gather: {
        type: 'array',
        items: { type: 'string' },
        description: 'Sweep axes this stage folds.',
      },
      doc: { type: 'string' },
    },
  };
}

export function studyJsonSchema(registry: ReadonlyMap<string, StageKind>): object {
  const axisMap = {
    type: 'object',
    additionalProperties: { anyOf: [{ type: 'array' }, EXPRESSION] },
  };
  const kinds = [...registry.values()];
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'alignlab study',
    type: 'object',
    additionalProperties: false,
    required: ['stages'],
    properties: {
      name: {
        type: 'string',
        pattern: NAME_PATTERN.source,
        maxLength: MAX_NAME,
        description: 'Study name (a folder name under runs/); the file name by default.',
      },
      description: { type: 'string' },
      seed: {
        type: 'integer',
        minimum: 0,
        maximum: MAX_SEED,
        description: 'Seed of every stage unless overridden.',
        default: 0,
      },
      imports: {
        type: 'array',
        items: { type: 'string' },
        description: 'Files merged under this one.',
      },
      env: {
        type: 'array',
        items: { type: 'string' },
        description: 'Environment variables readable as env.NAME.',
      },
      params: { type: 'object', description: 'Free values, referenced as params.NAME.' },
      sweep: {
        type: 'object',
        description: 'Axes to sweep over: grid, zip, include, exclude (or axes directly).',
        properties: {
          grid: axisMap,
          zip: axisMap,
          include: { type: 'array', items: { type: 'object' } },
          exclude: { type: 'array', items: { anyOf: [{ type: 'object' }, EXPRESSION] } },
        },
      },
      stages: {
        type: 'object',
        description: 'Stage name → stage, in order.',
        additionalProperties: {
          type: 'object',
          required: ['kind'],
          properties: { kind: { enum: kinds.map((k) => k.kind) } },
          oneOf: kinds.map(stageSchema),
        },
      },
    },
  };
}
