/** `alignlab status`: what the last run did and where it stopped. */
import { formatSummary, formatTable, firstLine } from '../../runtime/format.js';
import { CacheLayout } from '../../runtime/cache-layout.js';
import { latestJournal, readJournal } from '../../runtime/journal.js';
import { pidOfRun, runIsLive, statusFromJournal } from '../../runtime/run-status.js';
import { type CliOptions, noArgs } from '../args.js';
import { existingCache } from '../folders.js';
import { EXIT } from '../usage.js';

export async function statusCommand(options: CliOptions): Promise<number> {
  noArgs(options);
  const layout = new CacheLayout(existingCache(options.cacheDir));
  const path = await latestJournal(layout.journalDir());
  if (path === undefined) {
    if (options.json) {
      process.stdout.write(JSON.stringify({ run: 'none', cacheDir: layout.root }) + '\n');
      return EXIT.ok;
    }
    process.stdout.write(
      `no run recorded in ${layout.root}; start one with \`alignlab run study.yaml\`\n`,
    );
    return EXIT.ok;
  }
  const status = statusFromJournal(await readJournal(path));
  // No run-end line: the process was killed, or is still running.
  const pid = pidOfRun(status.runId);
  const alive = runIsLive(status);
  // A journal without its first line was cut before the run started.
  const run =
    status.runId === undefined
      ? 'unreadable'
      : status.summary !== undefined
        ? 'ended'
        : alive
          ? 'running'
          : 'killed';
  // What a killed run had running or queued is not running any more.
  if (run === 'killed') {
    for (const s of status.instances.values()) {
      if (s.state === 'running' || s.state === 'queued') s.state = 'cut off';
    }
  }
  if (options.json) {
    process.stdout.write(
      JSON.stringify({ ...status, run, instances: Object.fromEntries(status.instances) }) + '\n',
    );
    return EXIT.ok;
  }

  if (run === 'unreadable') {
    process.stdout.write(`the last journal, ${path}, does not say which run it belongs to\n`);
    return EXIT.ok;
  }
  process.stdout.write(
    `run ${status.runId ?? '?'} of ${status.study ?? '?'}, started ${status.started ?? '?'}\n`,
  );
  if (status.summary !== undefined) {
    process.stdout.write(formatSummary(status.summary));
  } else {
    process.stdout.write(
      run === 'running'
        ? `still running (pid ${pid})\n`
        : 'the run did not finish (it was killed, or crashed); run the study again to resume\n',
    );
  }
  const counts = new Map<string, number>();
  for (const { state } of status.instances.values()) {
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  process.stdout.write(
    'instances: ' + [...counts].map(([state, n]) => `${n} ${state}`).join(', ') + '\n',
  );
  const open = [...status.instances].filter(([, s]) => s.state !== 'cached' && s.state !== 'done');
  if (open.length > 0) {
    const rows = open.map(([id, s]) => [id, s.state, firstLine(s.error ?? ''), s.log ?? '']);
    process.stdout.write(formatTable(['instance', 'state', 'detail', 'log'], rows));
  }
  return EXIT.ok;
}
