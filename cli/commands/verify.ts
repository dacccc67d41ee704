/** `alignlab verify`: check every cache entry's files against their digests. */
import { resolve } from 'node:path';
import { verifyCache } from '../../runtime/verify-cache.js';
import type { CliOptions } from '../args.js';
import { EXIT } from '../usage.js';

export async function verifyCommand(options: CliOptions): Promise<number> {
  const report = await verifyCache(resolve(options.cacheDir), options.fix);
  for (const p of report.problems) {
    const where = p.movedTo === undefined ? '' : `; moved to ${p.movedTo}`;
    process.stdout.write(`corrupt  ${p.key}: ${p.problem}${where}\n`);
  }
  process.stdout.write(`${report.checked} entries checked, ${report.problems.length} corrupt\n`);
  if (report.problems.length > 0 && !options.fix) {
    process.stdout.write(
      'run `alignlab verify --fix` to move them aside; the next run recomputes them\n',
    );
  }
  return report.problems.length > 0 ? EXIT.stageFailed : EXIT.ok;
}
