/**
 * The contract between the study compiler (lang/), the runtime (runtime/) and
 * the stage implementations (stdlib/). Every stage kind is a StageKind value
 * registered in stdlib/registry.ts.
 */

import type { PlanValue } from '../lang/plan.js';

/** A JSON value as it appears in resolved stage parameters and outputs. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Types a stage parameter may declare; the checker enforces them. */
export type ParamType =
  | 'number'
  | 'integer'
  | 'string'
  | 'boolean'
  | 'list'
  | 'map'
  | 'any'
  /** A folder produced by another stage's artifact output. */
  | 'artifact'
  /** A JSON output of another stage (any shape). */
  | 'value';

export interface ParamSpec {
  type: ParamType;
  /** One line for `--help`, the JSON schema and "did you mean" hints. */
  doc: string;
  required?: boolean;
  default?: Json;
  /** Allowed values for a string parameter. */
  enum?: readonly string[];
  min?: number;
  max?: number;
  /**
   * For `artifact` parameters: the kind of artifact expected (`dataset`,
   * `model`, `relevance`, ...); the checker rejects a reference to an output
   * of another kind.
   */
  artifact?: string;
  /**
   * The parameter changes how a stage runs, never what it produces (e.g. how
   * often it checkpoints): it is left out of the cache key.
   */
  resultNeutral?: boolean;
}

export interface OutputSpec {
  /**
   * `artifact`: a folder the stage writes under `ctx.outDir/<name>/`.
   * `json`: a small value the stage returns from `run`.
   */
  type: 'artifact' | 'json';
  doc: string;
  /** For artifact outputs: what kind of artifact this is (`dataset`, `model`, ...). */
  artifact?: string;
}

/** Progress of a long stage, forwarded to the runtime's logger. */
export interface ProgressEvent {
  /** Completed units of work (steps) and their total. */
  step: number;
  total: number;
  /** Phase label such as `epoch 3/10`. */
  phase?: string;
  /** Latest scalar metrics, e.g. `{ loss: 0.41 }`. */
  values?: Record<string, number>;
}

export interface StageContext {
  /** Folder this instance writes its outputs into (artifact `x` → outDir/x/). */
  outDir: string;
  /** Private folder for checkpoints; survives interruption, removed on success. */
  checkpointDir: string;
  /** Seed of this instance (study seed unless the stage overrides it). */
  seed: number;
  /** Backend that runs the computation: `tensorflow`, `wasm`, `cpu`, ... */
  backend: string;
  /** Human-readable stage instance id, for messages. */
  instanceId: string;
  progress(event: ProgressEvent): void;
  /** A line for the instance's log file (never the terminal directly). */
  log(message: string): void;
  /** Aborted when the user asks to stop: checkpoint and throw. */
  signal: AbortSignal;
}

/**
 * A resolved reference to another stage's output as a stage receives it in
 * its parameters: artifacts arrive as absolute folder paths (already verified
 * against their digests), json outputs as their value.
 *
 * A stage that gathers sweep axes receives, for each reference to a stage
 * varying along those axes, a list of `Gathered` entries instead.
 */
export interface Gathered<T = Json> {
  /** The values of the gathered axes for this entry, e.g. { target: 'in_mask' }. */
  axes: Record<string, Json>;
  value: T;
}

export interface StageKind {
  /** Name used in studies, e.g. `train`. */
  kind: string;
  /** Bumped deliberately whenever the stage's results change. */
  version: number;
  doc: string;
  params: Record<string, ParamSpec>;
  outputs: Record<string, OutputSpec>;
  /** True when the results depend on the numeric engine (backend). */
  usesEngine: boolean;
  /** Resources one instance needs; the scheduler respects them. */
  resources?: { cpu?: number; gpu?: number; memoryMb?: number };
  /**
   * For stages whose output is meant for people (reports): after a run the
   * runtime copies this artifact output into the run folder and prints the
   * named file of it to the terminal.
   */
  publish?: { output: string; print?: string };
  /**
   * Files or folders the stage reads from outside the cache, given its
   * parameters (defaults filled in). Their contents join the cache key, so
   * changed data makes the stage run again.
   */
  inputFiles?(params: Record<string, unknown>): string[] | Promise<string[]>;
  /**
   * A problem the kind can see in one planned instance before anything runs
   * (say, gathered results that cannot pair up); `alignlab check` reports it
   * at the stage's name. Parameters are as planned: references to other
   * stages are `{ $ref }` / `{ $gather }` values; `axes` are the instance's
   * own sweep values.
   */
  checkInstance?(
    params: Record<string, PlanValue>,
    axes: Record<string, Json>,
  ): { message: string; hint?: string; severity?: 'error' | 'warning' } | undefined;
  /**
   * One line for the terminal after the instance ran, when its results hold
   * something the user should not miss (items skipped as bad data); the
   * details stay in its log. Given the json outputs.
   */
  notice?(outputs: Record<string, Json>): string | undefined;
  run(ctx: StageContext, params: Record<string, unknown>): Promise<Record<string, Json>>;
}
