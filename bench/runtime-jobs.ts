/**
 * Benchmark: speed-up of `--jobs 2` over `--jobs 1` on a CPU-bound sweep,
 * next to the speed-up of the same work split in two and run as two
 * hand-started `alignlab run --jobs 1` processes (goal: ≥ 90 % of it).
 * Each cell is a `test/steps` instance that hashes for a fixed amount of
 * work; every measurement starts from an empty cache.
 *
 *   node dist/bench/runtime-jobs.js [--cells 8] [--work 250000] [--repeat 3]
 */
import { execaNode } from 'execa';
import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    cells: { type: 'string', default: '8' },
    work: { type: 'string', default: '250000' },
    repeat: { type: 'string', default: '3' },
  },
});
const cells = Number(values.cells);
const repeat = Number(values.repeat);
const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const PLUGIN = fileURLToPath(new URL('../test/fixtures/runtime/fake-stages.js', import.meta.url));

const xs = Array.from({ length: cells }, (_, i) => i);
const study = `name: jobs
seed: 1
sweep:
  grid:
    x: [${xs.join(', ')}]
stages:
  cell:
    kind: test/steps
    with:
      value: \${{ sweep.x }}
      steps: 4
      work: ${values.work}
      checkpointEvery: 0
`;

/** Wall seconds of `alignlab run` on `cells` (a subset of x) in a fresh folder. */
async function run(jobs: number, subset: number[] = xs): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'alignlab-bench-jobs-'));
  writeFileSync(join(dir, 'study.yaml'), study);
  const args = ['run', 'study.yaml', '--plugin', PLUGIN, '--jobs', String(jobs)];
  args.push('-s', `x=${subset.join(',')}`);
  const t0 = performance.now();
  const result = await execaNode(CLI, args, { cwd: dir, reject: false });
  if (result.exitCode !== 0) throw new Error(`run failed: ${String(result.stderr)}`);
  return (performance.now() - t0) / 1000;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const one: number[] = [];
const two: number[] = [];
const hand: number[] = [];
const halves = [xs.filter((x) => x % 2 === 0), xs.filter((x) => x % 2 === 1)];

console.log(
  `load average before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (let i = 0; i < repeat; i++) {
  one.push(await run(1));
  two.push(await run(2));
  // Two copies started by hand, each with half of the cells and one job.
  const t0 = performance.now();
  await Promise.all(halves.map((half) => run(1, half)));
  hand.push((performance.now() - t0) / 1000);
  console.log(
    `round ${i + 1}: --jobs 1 ${one[i]!.toFixed(2)} s, --jobs 2 ${two[i]!.toFixed(2)} s, ` +
      `two copies ${hand[i]!.toFixed(2)} s`,
  );
}
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

const t1 = median(one);
const jobsSpeedup = t1 / median(two);
const handSpeedup = t1 / median(hand);
console.log(`\n${cells} CPU-bound cells, median of ${repeat}:`);
console.log(`  --jobs 1            ${t1.toFixed(2)} s`);
console.log(
  `  --jobs 2            ${median(two).toFixed(2)} s  speed-up ${jobsSpeedup.toFixed(2)}×`,
);
console.log(
  `  two copies by hand  ${median(hand).toFixed(2)} s  speed-up ${handSpeedup.toFixed(2)}×`,
);
console.log(`  --jobs 2 reaches ${((100 * jobsSpeedup) / handSpeedup).toFixed(0)} % of two copies`);
