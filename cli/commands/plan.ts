/** `alignlab plan`: which instances are cached and which will run, and why. */
import { resolve } from 'node:path';
import { explainPlan } from '../../runtime/explain-plan.js';
import { formatTable } from '../../runtime/format.js';
import { type CliOptions, studyArg } from '../args.js';
import { resolveBackend } from '../backend.js';
import { loadStudy } from '../load-study.js';
import { EXIT } from '../usage.js';

export async function planCommand(options: CliOptions): Promise<number> {
  const { plan, registry } = await loadStudy(studyArg(options), options);
  const backend = await resolveBackend(options.backend);
  const rows = await explainPlan(plan, registry, resolve(options.cacheDir), backend.family);

  if (options.json) {
    for (const row of rows) process.stdout.write(JSON.stringify(row) + '\n');
    return EXIT.ok;
  }
  const running = rows.filter((r) => r.status === 'will run').length;
  process.stdout.write(
    `${plan.name}: ${rows.length} instances, ` +
      `${rows.length - running} cached, ${running} will run\n`,
  );
  const table = rows.map((r) => [r.status, r.instance, r.kind, r.reason ?? '']);
  process.stdout.write(formatTable(['status', 'instance', 'kind', 'reason'], table));
  return EXIT.ok;
}
