/**
 * The whole check of one study: load and compose the files, apply command
 * line overrides, read params, sweep and stages, and compile the plan. All
 * problems are collected; the plan exists only when there are no errors.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Json, StageKind } from '../stdlib/types.js';
import type { Diagnostic } from './diagnostic.js';
import { compile } from './compile.js';
import { loadComposed, type ReadFile } from './compose.js';
import { defaultName, isSafeName, isSeed, MAX_NAME, MAX_SEED } from './limits.js';
import { canonicalJson } from './expr/value.js';
import { commandLineText, parseOverrides } from './overrides.js';
import { applyParamOverrides, readEnv, readParams } from './params.js';
import type { Plan } from './plan.js';
import type { ResolveScope } from './resolve.js';
import { COMMAND_LINE, Reporter } from './source.js';
import { orderStages, readStages } from './stages.js';
import { didYouMean } from './suggest.js';
import { buildSweep } from './sweep.js';
import { entry, span, toJson, type YMap, type YNode } from './yaml-tree.js';

export interface CheckOptions {
  registry: ReadonlyMap<string, StageKind>;
  /** `-p` overrides such as `params.epochs=5`. */
  params?: string[];
  /** `-s` overrides such as `target=in_mask,out_mask`. */
  sweep?: string[];
  /** `--seed`: replaces the study seed. */
  seed?: number;
}

export interface CheckResult {
  /** Present when there are no errors. */
  plan?: Plan;
  /** Errors and warnings, in source order. */
  diagnostics: Diagnostic[];
  /** File path → text, for printing diagnostics. */
  sources: Map<string, string>;
  /** sha256 of the canonical resolved study (not of its text). */
  studyHash: string;
}

const TOP_KEYS = ['name', 'seed', 'imports', 'env', 'params', 'sweep', 'stages', 'description'];

export async function checkStudyWith(
  file: string,
  options: CheckOptions,
  read: ReadFile,
): Promise<CheckResult> {
  const sources = new Map<string, string>();
  const rep = new Reporter(sources);
  const root = await loadComposed(file, read, rep);

  // Overrides are laid out as a one-line source so their errors print with a caret.
  const params = options.params ?? [];
  const sweepArgs = options.sweep ?? [];
  const layout = commandLineText(params, sweepArgs, options.seed);
  if (layout.text) sources.set(COMMAND_LINE, layout.text);
  const overrides = parseOverrides(params, sweepArgs, layout, rep);

  const hashOf = (v: Json) => createHash('sha256').update(canonicalJson(v)).digest('hex');
  if (!root || root.kind !== 'map') {
    // Problems that stop the file from being read were reported already.
    if (!rep.diagnostics.some((d) => d.pos.file === file && d.severity === 'error')) {
      if (root) {
        rep.error({
          code: 'BAD_STUDY',
          message: 'a study must be a map of keys such as `stages:`',
          file: root.file,
          offset: root.start,
          length: span(root),
          hint: 'start with `stages:` and one stage',
        });
      } else {
        rep.error({
          code: 'EMPTY_STUDY',
          message: 'the study file is empty',
          file,
          offset: 0,
          hint: 'start with `stages:` and one stage',
        });
      }
    }
    return { diagnostics: rep.sorted(), sources, studyHash: hashOf(null) };
  }
  for (const e of root.entries) {
    if (TOP_KEYS.includes(e.key)) continue;
    rep.error({
      code: 'UNKNOWN_KEY',
      message: `\`${e.key}\` is not a study key`,
      file: e.keyNode.file,
      offset: e.keyNode.start,
      length: span(e.keyNode),
      hint: didYouMean(e.key, TOP_KEYS),
    });
  }

  const name = readName(root, file, rep);
  const seed = readSeed(root, options.seed, layout.text, rep);
  const env = readEnv(entry(root, 'env')?.value, rep);
  const paramValues = readParams(entry(root, 'params')?.value, rep);
  const applied = {
    params: applyParamOverrides(paramValues, overrides.params, rep),
    sweep: overrides.sweep,
  };

  const base: Omit<ResolveScope, 'sweep' | 'gathered' | 'stage'> = {
    params: paramValues,
    seed,
    env,
    axes: [],
  };
  const sweep = buildSweep(
    entry(root, 'sweep')?.value,
    { ...base, sweep: {}, gathered: new Set() },
    applied,
    rep,
  );
  const axes = sweep.axes.map((a) => a.name);
  const decls = readStages(entry(root, 'stages')?.value, options.registry, axes, rep);
  const ordered = orderStages(decls, axes, rep);

  // An axis no stage reads multiplies cells without changing any work.
  for (const a of sweep.axes) {
    if (decls.some((d) => d.axisUses.some((u) => u.axis === a.name) || d.gather.includes(a.name)))
      continue;
    rep.warn({
      code: 'UNUSED_AXIS',
      message: `no stage reads sweep axis \`${a.name}\``,
      file: a.file,
      offset: a.offset,
      length: a.length,
      hint: `use \`\${{ sweep.${a.name} }}\` in a stage, or remove the axis`,
    });
  }

  const byName = new Map(decls.map((d) => [d.name, d]));
  const compiled = compile(
    {
      stages: ordered,
      byName,
      cells: sweep.cells,
      axes,
      scope: { ...base, axes },
      overrides: applied,
    },
    rep,
  );
  // What a kind can tell from a planned instance alone, once per stage.
  // (Data that is not there yet is a warning: it may be mounted before the run.)
  if (rep.errorCount === 0) {
    const reported = new Set<string>();
    for (const instance of compiled.instances) {
      if (reported.has(instance.stage)) continue;
      const problem = options.registry
        .get(instance.kind)
        ?.checkInstance?.(instance.params, instance.axes);
      const decl = byName.get(instance.stage);
      if (problem === undefined || decl === undefined) continue;
      reported.add(instance.stage);
      rep[problem.severity === 'warning' ? 'warn' : 'error']({
        code: 'STAGE_INPUTS',
        message: `stage \`${instance.stage}\`: ${problem.message}`,
        file: decl.nameNode.file,
        offset: decl.nameNode.start,
        length: span(decl.nameNode),
        hint: problem.hint,
      });
    }
  }

  const studyHash = hashOf({
    name,
    seed,
    params: paramValues,
    env: Object.fromEntries(env),
    sweep: sweep.axes.map((a) => ({ name: a.name, values: a.values })),
    cells: sweep.cells.map((c) => c.id),
    stages: toJson(
      entry(root, 'stages')?.value ?? { kind: 'scalar', value: null, file, start: 0, end: 0 },
    ),
  } as Json);

  const result: CheckResult = { diagnostics: rep.sorted(), sources, studyHash };
  if (rep.errorCount === 0) {
    result.plan = { name, file, instances: compiled.instances, cells: compiled.cells, axes, seed };
  }
  return result;
}

function readName(root: YMap, file: string, rep: Reporter): string {
  const node = entry(root, 'name')?.value;
  const fallback = defaultName(file);
  if (!node) return fallback;
  const at = { file: node.file, offset: node.start, length: span(node) };
  const hint = `use letters, digits, \`-\`, \`_\` and \`.\`, or leave \`name\` out to use the file name \`${fallback}\``;
  if (
    node.kind !== 'scalar' ||
    typeof node.value !== 'string' ||
    node.value.trim() === '' ||
    node.value.includes('${{')
  ) {
    rep.error({
      code: 'BAD_NAME',
      message: '`name` must be a plain, non-empty string',
      ...at,
      hint,
    });
    return fallback;
  }
  if (isSafeName(node.value)) return node.value;
  const why =
    node.value.length > MAX_NAME
      ? `is longer than ${MAX_NAME} characters`
      : 'cannot be a folder name';
  rep.error({ code: 'BAD_NAME', message: `the study name \`${node.value}\` ${why}`, ...at, hint });
  return fallback;
}

function readSeed(
  root: YMap,
  override: number | undefined,
  cmdline: string,
  rep: Reporter,
): number {
  if (override !== undefined) {
    if (isSeed(override)) return override;
    const at = cmdline.lastIndexOf('--seed ') + '--seed '.length;
    rep.error({
      code: 'BAD_SEED',
      message: `the seed must be a whole number from 0 to ${MAX_SEED}, not ${override}`,
      file: COMMAND_LINE,
      offset: at,
      length: String(override).length,
      hint: 'write `--seed 0`',
    });
    return 0;
  }
  const node: YNode | undefined = entry(root, 'seed')?.value;
  if (!node) return 0;
  if (node.kind === 'scalar' && isSeed(node.value)) return node.value;
  rep.error({
    code: 'BAD_SEED',
    message: `the study seed must be a whole number from 0 to ${MAX_SEED}`,
    file: node.file,
    offset: node.start,
    length: span(node),
    hint: 'write `seed: 0`',
  });
  return 0;
}
