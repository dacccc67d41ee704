/** Runs the checker on in-memory files for the language tests. */
import { checkStudyWith, type CheckOptions, type CheckResult } from '../lang/check.js';
import { formatDiagnostic } from '../lang/format.js';
import { testRegistry } from './lang-registry.js';

export async function checkText(
  text: string,
  options: Partial<CheckOptions> = {},
  files: Record<string, string> = {},
): Promise<CheckResult> {
  const all: Record<string, string> = { 'study.yaml': text, ...files };
  const read = async (f: string) => {
    if (!Object.hasOwn(all, f)) throw new Error(`no file ${f}`);
    return all[f]!;
  };
  return checkStudyWith('study.yaml', { registry: testRegistry, ...options }, read);
}

/** All diagnostics, formatted without color and separated by blank lines. */
export function printed(r: CheckResult): string {
  return r.diagnostics.map((d) => formatDiagnostic(d, r.sources)).join('\n\n');
}
