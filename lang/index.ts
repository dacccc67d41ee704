/**
 * The study language: read a study file, check it and compile it into a
 * Plan. Problems come back as Diagnostic values, never as exceptions.
 */
import { readFile } from 'node:fs/promises';
import { checkStudyWith, type CheckOptions, type CheckResult } from './check.js';

export type { CheckOptions, CheckResult } from './check.js';
export type { Diagnostic, Severity } from './diagnostic.js';
export type { Plan, PlanCell, PlanInstance, PlanValue, SourcePos } from './plan.js';
export { formatDiagnostic } from './format.js';
export { studyJsonSchema } from './schema.js';

/** Checks a study file and, when it has no errors, compiles its plan. */
export function checkStudy(file: string, options: CheckOptions): Promise<CheckResult> {
  return checkStudyWith(file, options, (f) => readFile(f, 'utf8'));
}
