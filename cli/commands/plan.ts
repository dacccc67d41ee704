/** `alignlab plan`: which instances are cached and which will run, and why. */
import { explainPlan } from '../../runtime/explain-plan.js';
import { count, formatTable } from '../../runtime/format.js';
import { type CliOptions, studyArg } from '../args.js';
import { checkBackendInstalled, resolveBackend } from '../backend.js';
import { usableFolder } from '../folders.js';
import { loadStudy } from '../load-study.js';
import { EXIT } from '../usage.js';

export async function planCommand(options: CliOptions): Promise<number> {
  const file = studyArg(options);
  checkBackendInstalled(options.backend);
  const cacheDir = usableFolder('--cache-dir', options.cacheDir);
  const { plan, registry } = await loadStudy(file, options);
  const backend = await resolveBackend(options.backend);
  const rows = await explainPlan(plan, registry, cacheDir, backend.family);

  if (options.json) {
    for (const row of rows)
      process.stdout.write(JSON.stringify({ type: 'plan-row', ...row }) + '\n');
    return EXIT.ok;
  }
  const running = rows.filter((r) => r.status === 'will run').length;
  process.stdout.write(
    `${plan.name}: ${count(rows.length, 'instance')}, ` +
      `${rows.length - running} cached, ${running} will run\n`,
  );
  const table = rows.map((r) => [r.status, r.instance, r.kind, r.reason ?? '']);
  process.stdout.write(formatTable(['status', 'instance', 'kind', 'reason'], table));
  return EXIT.ok;
}
