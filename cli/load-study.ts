/**
 * Shared first step of run, plan, check and dag: load the stage kinds,
 * compile the study, print its diagnostics. A study with errors ends the
 * command with exit code 2.
 */
import type { StageKind } from '../stdlib/types.js';
import type { Plan } from '../lang/plan.js';
import { loadRegistry } from '../runtime/load-registry.js';
import { resolvePlugins } from '../runtime/plugins.js';
import type { CliOptions } from './args.js';
import { type CheckResult, type Diagnostic, loadLang } from './lang-api.js';
import { UsageError } from './usage.js';

export interface LoadedStudy {
  plan: Plan;
  registry: ReadonlyMap<string, StageKind>;
  plugins: string[];
  check: CheckResult;
}

/** Diagnostics were printed; the command should exit 2 quietly. */
export class StudyRejected extends Error {
  override name = 'StudyRejected';
}

/** `--json`: a diagnostic as one event, for the same stream as run events. */
export function diagnosticEvent(d: Diagnostic): Record<string, unknown> {
  return {
    type: 'diagnostic',
    severity: d.severity,
    code: d.code,
    message: d.message,
    file: d.pos.file,
    line: d.pos.line,
    col: d.pos.col,
    length: d.length,
    ...(d.hint === undefined ? {} : { hint: d.hint }),
  };
}

export async function loadStudy(file: string, options: CliOptions): Promise<LoadedStudy> {
  const plugins = resolvePlugins(options.plugins);
  const registry = await loadRegistry(plugins);
  const lang = await loadLang();

  let check: CheckResult;
  try {
    check = await lang.checkStudy(file, {
      registry,
      params: options.params,
      sweep: options.sweep,
      seed: options.seed,
    });
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new UsageError(`study file ${file} does not exist`);
    throw error;
  }

  const color = process.stderr.isTTY === true;
  for (const d of check.diagnostics) {
    process.stderr.write(lang.formatDiagnostic(d, check.sources, color) + '\n');
    if (options.json) process.stdout.write(JSON.stringify(diagnosticEvent(d)) + '\n');
  }
  const errors = check.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 0 || check.plan === undefined) {
    process.stderr.write(`${file}: ${errors} error${errors === 1 ? '' : 's'}; fix and try again\n`);
    throw new StudyRejected();
  }
  return { plan: check.plan, registry, plugins, check };
}
