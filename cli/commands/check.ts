/** `alignlab check`: report the study's problems, run nothing. */
import { count } from '../../runtime/format.js';
import { type CliOptions, studyArg } from '../args.js';
import { loadStudy } from '../load-study.js';
import { EXIT } from '../usage.js';

export async function checkCommand(options: CliOptions): Promise<number> {
  const file = studyArg(options);
  const { plan, check } = await loadStudy(file, options);
  const warnings = check.diagnostics.length;
  if (options.json) {
    // Warnings were written as `diagnostic` events by loadStudy.
    const ok = {
      type: 'check',
      file,
      study: plan.name,
      instances: plan.instances.length,
      warnings,
    };
    process.stdout.write(JSON.stringify(ok) + '\n');
    return EXIT.ok;
  }
  process.stdout.write(
    `${file}: ok, ${count(plan.instances.length, 'stage instance')}` +
      (warnings > 0 ? `, ${count(warnings, 'warning')}` : '') +
      '\n',
  );
  return EXIT.ok;
}
