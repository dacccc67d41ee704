/**
 * The quick study end to end through the real CLI, shrunk with -p overrides
 * so it takes seconds: real Fashion-MNIST sample images, real training and
 * fine-tuning on the wasm backend, worker processes, cache and report.
 */
import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'dist/cli/main.js');
const study = join(root, 'experiments/fashion-mnist-quick.yaml');
const tiny = [
  '-p',
  'params.train_images=120',
  '-p',
  'params.test_images=60',
  '-p',
  'params.epochs=2',
  '-p',
  'params.align_epochs=1',
  '--backend',
  'wasm',
];

function summary(stdout: string) {
  const m = /(\d+) instances: (\d+) executed, (\d+) cached, (\d+) failed/.exec(stdout);
  if (!m) throw new Error(`no run summary in:\n${stdout}`);
  const [, total, executed, cached, failed] = m.map(Number);
  return { total, executed, cached, failed };
}

/** Numbers of one report row: mass, rank, accuracy, AUROC. */
function row(report: string, name: string): number[] {
  const line = report.split('\n').find((l) => l.startsWith(`| ${name} |`));
  if (!line) throw new Error(`no row ${name} in report:\n${report}`);
  return line
    .split('|')
    .slice(2, 6)
    .map((c) => Number.parseFloat(c));
}

test('tiny quick study: runs, re-runs from cache, re-runs only what a parameter touches', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alignlab-e2e-'));
  const args = [
    'run',
    study,
    ...tiny,
    '--cache-dir',
    join(dir, 'cache'),
    '--out',
    join(dir, 'runs'),
  ];

  const first = await execa('node', [cli, ...args], { reject: false, cwd: dir });
  t.is(first.exitCode, 0, first.stderr + first.stdout);
  t.deepEqual(summary(first.stdout), { total: 11, executed: 11, cached: 0, failed: 0 });

  // The report answers the question for the three models, with the interval.
  const report = readFileSync(join(dir, 'runs/report/report.md'), 'utf8');
  t.is(first.stdout.includes(report.split('\n')[0]), true, 'report printed to the terminal');
  for (const name of ['base', 'in_mask', 'out_mask']) {
    const [mass, rank, acc, auroc] = row(report, name);
    for (const v of [mass, rank, acc, auroc]) t.true(v >= 0 && v <= 1, `${name}: ${v}`);
    t.true(acc > 0.1, `${name} accuracy ${acc} should beat chance after 2 epochs`);
  }
  t.regex(report, /\| in − out \(95 % CI\) \| -?\d\.\d{3} \[-?\d\.\d{3}, -?\d\.\d{3}\]/);
  t.regex(report, /backend: wasm/);
  // The overrides that shrank the study are on record.
  t.true(report.includes(`- command: \`alignlab ${args.join(' ')}\``), report.slice(-1500));
  const provenance = JSON.parse(readFileSync(join(dir, 'runs/report/provenance.json'), 'utf8'));
  t.is(provenance.command, `alignlab ${args.join(' ')}`);
  t.regex(readFileSync(join(dir, 'runs/report/report.csv'), 'utf8'), /^group,model,mass_accuracy/);

  const second = await execa('node', [cli, ...args], { reject: false, cwd: dir });
  t.is(second.exitCode, 0);
  t.deepEqual(summary(second.stdout), { total: 11, executed: 0, cached: 11, failed: 0 });
  t.is(
    readFileSync(join(dir, 'runs/report/report.md'), 'utf8').split('## Run provenance')[0],
    report.split('## Run provenance')[0],
  );

  // lambda only reaches the fine-tuning: align, explain, metrics x 2, report.
  const third = await execa('node', [cli, ...args, '-p', 'params.lambda=2'], {
    reject: false,
    cwd: dir,
  });
  t.is(third.exitCode, 0, third.stderr);
  t.deepEqual(summary(third.stdout), { total: 11, executed: 7, cached: 4, failed: 0 });
});
