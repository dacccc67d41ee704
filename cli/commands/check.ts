/** `alignlab check`: report the study's problems, run nothing. */
import { type CliOptions, studyArg } from '../args.js';
import { loadStudy } from '../load-study.js';
import { EXIT } from '../usage.js';

export async function checkCommand(options: CliOptions): Promise<number> {
  const file = studyArg(options);
  const { plan, check } = await loadStudy(file, options);
  const warnings = check.diagnostics.length;
  process.stdout.write(
    `${file}: ok, ${plan.instances.length} stage instances` +
      (warnings > 0 ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : '') +
      '\n',
  );
  return EXIT.ok;
}
