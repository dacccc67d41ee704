/**
 * Benchmark: a no-op re-run of a fully cached 1,000-cell sweep (goal: under
 * a second). The cache is filled in-process first; then the real CLI is
 * timed end to end, and the pieces of a run are timed one by one in this
 * process: compiling the study, keying, reading manifests, the scheduler,
 * printing.
 *
 *   node dist/bench/runtime-noop.js [--cells 1000] [--repeat 5]
 */
import { execaNode } from 'execa';
import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Writable } from 'node:stream';
import { computeKeys } from '../runtime/cache-key.js';
import { CacheStore } from '../runtime/cache-store.js';
import { MemoryLogger } from '../runtime/events.js';
import { PlainLogger } from '../runtime/logger-plain.js';
import { runPlan } from '../runtime/run-plan.js';
import { InProcessExecutor } from './runtime-in-process.js';

const { values } = parseArgs({
  options: { cells: { type: 'string', default: '1000' }, repeat: { type: 'string', default: '5' } },
});
const cells = Number(values.cells);
const repeat = Number(values.repeat);
const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const PLUGIN = fileURLToPath(new URL('../test/fixtures/runtime/fake-stages.js', import.meta.url));

/** `cells` instances of one stage over a 10 × (cells / 10) grid, and a report of all. */
function studyText(): string {
  const b = Array.from({ length: cells / 10 }, (_, i) => i).join(', ');
  return `name: noop
seed: 1
sweep:
  grid:
    a: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    b: [${b}]
stages:
  cell:
    kind: test/work
    with:
      value:
        a: \${{ sweep.a }}
        b: \${{ sweep.b }}
  rep:
    kind: test/report
    gather: [a, b]
    with:
      input: \${{ stages.cell.value }}
`;
}

async function time<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const value = await f();
  return [performance.now() - t0, value];
}

const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0).padStart(6)} ms`;

const dir = await mkdtemp(join(tmpdir(), 'alignlab-bench-noop-'));
const study = join(dir, 'study.yaml');
writeFileSync(study, studyText());
const cacheDir = join(dir, '.alignlab');

// Cold imports, as the CLI pays them: compiler, then built-in stage kinds.
const [langMs, lang] = await time(() => import('../lang/index.js'));
const [stdlibMs, { loadRegistry }] = await time(() => import('../runtime/load-registry.js'));
const [registryMs, registry] = await time(() => loadRegistry([PLUGIN]));

const check = () => lang.checkStudy(study, { registry, params: [], sweep: [] } as never);
const plan = (await check()).plan!;
console.log(`${plan.instances.length} instances in ${dir}`);

// Fill the cache without worker processes.
const [fillMs] = await time(() =>
  runPlan(plan, {
    registry,
    cacheDir,
    outDir: join(dir, 'runs'),
    backend: 'cpu',
    engineFamily: 'cpu',
    jobs: 8,
    logger: new MemoryLogger(),
    executor: new InProcessExecutor(registry),
  }),
);
console.log(`filled the cache in ${(fillMs / 1000).toFixed(1)} s`);

// The whole command, as a user runs it.
const cli: number[] = [];
for (let i = 0; i < repeat; i++) {
  const [wall, result] = await time(() =>
    execaNode(CLI, ['run', study, '--plugin', PLUGIN], { cwd: dir }),
  );
  if (!/1001 instances: 0 executed, 1001 cached|0 executed/.test(result.stdout)) {
    throw new Error(`the re-run executed something:\n${result.stdout}`);
  }
  cli.push(wall);
}
const startup: number[] = [];
for (let i = 0; i < repeat; i++) {
  startup.push((await time(() => execaNode(CLI, ['--version'])))[0]);
}

// The pieces, in this process (warm: modules loaded, files in page cache).
const pieces: Record<string, number[]> = {
  'check + compile the study': [],
  'compute 1,001 keys': [],
  'read 1,001 manifests': [],
  'runPlan (schedule, journal, publish report)': [],
  'print (plain logger, to a null stream)': [],
};
const store = new CacheStore(cacheDir);
const sink = new Writable({ write: (_c, _e, cb) => cb() });
for (let i = 0; i < repeat; i++) {
  pieces['check + compile the study']!.push((await time(check))[0]);
  const [keyMs, keyed] = await time(async () => computeKeys(plan, registry, 'cpu'));
  pieces['compute 1,001 keys']!.push(keyMs);
  pieces['read 1,001 manifests']!.push(
    (
      await time(async () => {
        for (const k of keyed.values()) await store.manifest(k.key);
      })
    )[0],
  );
  const memory = new MemoryLogger();
  pieces['runPlan (schedule, journal, publish report)']!.push(
    (
      await time(() =>
        runPlan(plan, {
          registry,
          cacheDir,
          outDir: join(dir, 'runs'),
          backend: 'cpu',
          engineFamily: 'cpu',
          logger: memory,
          plugins: [PLUGIN],
        }),
      )
    )[0],
  );
  const printer = new PlainLogger({ out: sink, err: sink });
  pieces['print (plain logger, to a null stream)']!.push(
    (
      await time(async () => {
        for (const e of memory.events) printer.log(e);
        printer.close();
      })
    )[0],
  );
}

console.log(`\nno-op re-run of ${cells} cells + 1 report (median of ${repeat})`);
console.log(`${ms(median(cli))}  alignlab run (whole process, wall clock)`);
console.log(`${ms(median(startup))}  alignlab --version (node start + CLI modules)`);
console.log(`\ncold imports in this process (once):`);
console.log(`${ms(langMs)}  study compiler (lang/)`);
console.log(`${ms(stdlibMs + registryMs)}  stage kinds (stdlib/ with TensorFlow.js, + plugin)`);
console.log(`\nwarm pieces:`);
for (const [name, xs] of Object.entries(pieces)) console.log(`${ms(median(xs))}  ${name}`);
