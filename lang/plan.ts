/**
 * What the compiler hands to the runtime: a DAG of stage instances. One study
 * stage becomes one instance per combination of the sweep axes it actually
 * uses (directly through `sweep.*` or through the stages it reads from), so a
 * stage that uses no axis runs once and is shared by every cell.
 */
import type { Json } from '../stdlib/types.js';

/** A location in a source file, 1-based line and column, 0-based offset. */
export interface SourcePos {
  file: string;
  offset: number;
  line: number;
  col: number;
}

/**
 * A parameter value after expressions are evaluated. References to other
 * stages' outputs stay symbolic until the runtime knows their results.
 */
export type PlanValue =
  | Json
  | { $ref: { instance: string; output: string } }
  | { $gather: { axes: Record<string, Json>; ref: { instance: string; output: string } }[] }
  | PlanValue[]
  | { [key: string]: PlanValue };

export interface PlanInstance {
  /** Stable readable id: `train` or `align[target=in_mask]`. */
  id: string;
  /** Name of the stage in the study file. */
  stage: string;
  /** Stage kind from the registry. */
  kind: string;
  /** Values of the sweep axes this instance depends on (sorted keys). */
  axes: Record<string, Json>;
  /** Resolved parameters, defaults filled in. */
  params: Record<string, PlanValue>;
  /** Ids of the instances whose outputs this one reads. */
  deps: string[];
  seed: number;
  /** Where the stage is declared, for messages. */
  pos: SourcePos;
}

export interface PlanCell {
  /** Canonical cell id, `target=in_mask` (empty string for a study without sweep). */
  id: string;
  axes: Record<string, Json>;
  /** The instance ids that make up this cell, in topological order. */
  instances: string[];
}

export interface Plan {
  /** Study name (from `name:` or the file name). */
  name: string;
  file: string;
  /** Instances in a topological order. */
  instances: PlanInstance[];
  cells: PlanCell[];
  /** Sweep axis names in declaration order. */
  axes: string[];
  seed: number;
}
