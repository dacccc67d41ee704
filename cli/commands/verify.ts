/** `alignlab verify`: check every cache entry's files against their digests. */
import { count } from '../../runtime/format.js';
import { verifyCache } from '../../runtime/verify-cache.js';
import { type CliOptions, noArgs } from '../args.js';
import { existingCache } from '../folders.js';
import { EXIT } from '../usage.js';

export async function verifyCommand(options: CliOptions): Promise<number> {
  noArgs(options);
  const report = await verifyCache(existingCache(options.cacheDir), options.fix);
  for (const p of report.problems) {
    const where = p.movedTo === undefined ? '' : `; moved to ${p.movedTo}`;
    const what = p.producedBy === undefined ? `entry ${p.key}` : `${p.producedBy} (entry ${p.key})`;
    process.stdout.write(`corrupt  ${what}: ${p.problem}${where}\n`);
  }
  process.stdout.write(
    `${count(report.checked, 'entry', 'entries')} checked, ${report.problems.length} corrupt\n`,
  );
  if (report.problems.length > 0 && !options.fix) {
    process.stdout.write(
      'run `alignlab verify --fix` to move them aside; the next run recomputes them\n',
    );
  }
  return report.problems.length > 0 ? EXIT.stageFailed : EXIT.ok;
}
