/**
 * The study compiler's public API as the CLI uses it.
 *
 * The module is imported by a computed specifier because lang/index.ts was
 * written in parallel with the CLI; once it has landed for good, a static
 * `import … from '../lang/index.js'` can replace loadLang, and the compiler
 * will then check these signatures against the real ones.
 */
import type { StageKind } from '../stdlib/types.js';
import type { Plan } from '../lang/plan.js';
import type { Diagnostic } from '../lang/diagnostic.js';

export interface CheckOptions {
  registry: ReadonlyMap<string, StageKind>;
  params?: string[];
  sweep?: string[];
  seed?: number;
}

export interface CheckResult {
  plan?: Plan;
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
  studyHash: string;
}

export interface LangApi {
  checkStudy(file: string, options: CheckOptions): Promise<CheckResult>;
  formatDiagnostic(d: Diagnostic, sources: Map<string, string>, color?: boolean): string;
  studyJsonSchema(registry: ReadonlyMap<string, StageKind>): object;
}

export async function loadLang(): Promise<LangApi> {
  const specifier = '../lang/index.js';
  return (await import(specifier)) as LangApi;
}
