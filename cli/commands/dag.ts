/** `alignlab dag`: print the instance graph as Mermaid or dot. */
import { planToDot, planToMermaid } from '../../runtime/dag-format.js';
import { type CliOptions, studyArg } from '../args.js';
import { loadStudy } from '../load-study.js';
import { EXIT } from '../usage.js';

export async function dagCommand(options: CliOptions): Promise<number> {
  const { plan } = await loadStudy(studyArg(options), options);
  process.stdout.write(options.format === 'dot' ? planToDot(plan) : planToMermaid(plan));
  return EXIT.ok;
}
