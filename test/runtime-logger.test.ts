import test from 'ava';
import { PassThrough } from 'node:stream';
import type { RunEvent } from '../runtime/events.js';
import { JsonLogger } from '../runtime/logger-json.js';
import { describeEvent, PlainLogger } from '../runtime/logger-plain.js';
import { shellLine } from '../runtime/provenance.js';
import {
  formatDuration,
  formatProgress,
  formatSummary,
  type ProgressText,
} from '../runtime/format.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

const events: RunEvent[] = [
  {
    type: 'run-start',
    runId: 'r1',
    study: 'demo',
    instances: 3,
    jobs: 2,
    backend: 'wasm',
    cacheDir: '/c',
  },
  { type: 'instance-cached', instance: 'data', key: 'k0' },
  { type: 'instance-start', instance: 'train', key: 'k1', log: '/c/logs/r1/train.log' },
  {
    type: 'instance-progress',
    instance: 'train',
    step: 1,
    total: 4,
    phase: 'epoch 1/2',
    values: { loss: 0.5 },
  },
  {
    type: 'instance-progress',
    instance: 'train',
    step: 2,
    total: 4,
    phase: 'epoch 1/2',
    values: { loss: 0.4 },
  },
  { type: 'instance-done', instance: 'train', key: 'k1', wallMs: 1500 },
  {
    type: 'instance-failed',
    instance: 'eval',
    key: 'k2',
    error: 'no masks',
    log: '/c/logs/r1/eval.log',
  },
  {
    type: 'report',
    instance: 'report',
    folder: '/runs/demo/report',
    file: 'report.md',
    text: '# Results',
  },
  {
    type: 'run-end',
    summary: {
      instances: 3,
      executed: 1,
      cached: 1,
      failed: 1,
      skipped: 0,
      interrupted: false,
      wallMs: 2000,
      failures: [{ instance: 'eval', error: 'no masks', log: '/c/logs/r1/eval.log' }],
    },
  },
];

test('plain logger: progress on stderr, reports and summary on stdout', (t) => {
  const out = capture();
  const err = capture();
  const logger = new PlainLogger({ out: out.stream, err: err.stream });
  for (const e of events) logger.log(e);
  t.is(
    err.text(),
    `run r1: demo, 3 instances, 2 jobs, backend wasm
cached   data
start    train
         train: epoch 1/2 · step 1/4 · epoch mean loss=0.5000
done     train (1.5 s)
FAILED   eval: no masks
         log: /c/logs/r1/eval.log
`,
  );
  t.is(
    out.text(),
    `── report → /runs/demo/report
# Results

3 instances: 1 executed, 1 cached, 1 failed (2.0 s)

Failures:
  instance  error     log
  eval      no masks  /c/logs/r1/eval.log
`,
  );
});

test('json logger: one parseable event per line', (t) => {
  const out = capture();
  const logger = new JsonLogger(out.stream);
  for (const e of events) logger.log(e);
  const lines = out
    .text()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as RunEvent & { time: string });
  t.deepEqual(
    lines.map((l) => l.type),
    events.map((e) => e.type),
  );
  t.true(lines.every((l) => !Number.isNaN(Date.parse(l.time))));
});

const lines: [string, RunEvent, string][] = [
  [
    'one job',
    {
      type: 'run-start',
      runId: 'r',
      study: 's',
      instances: 1,
      jobs: 1,
      backend: 'cpu',
      cacheDir: '/c',
    },
    'run r: s, 1 instance, 1 job, backend cpu',
  ],
  [
    'an error that names its instance',
    { type: 'instance-failed', instance: 'data', key: 'k', error: 'data: no images' },
    'FAILED   data: no images',
  ],
  [
    'an error that does not',
    { type: 'instance-failed', instance: 'data', key: 'k', error: 'no images' },
    'FAILED   data: no images',
  ],
  [
    'a resumed start',
    { type: 'instance-start', instance: 'train', key: 'k', log: '/l', resumes: true },
    'start    train (resumes from a checkpoint)',
  ],
  [
    'a lock wait',
    { type: 'lock-wait', instance: 'x', key: 'k', holder: 'pid 9 on vm, run r2' },
    "waiting  x: waiting for another run's lock (pid 9 on vm, run r2 computes it)",
  ],
  [
    'SIGTERM',
    { type: 'interrupt', force: false, signal: 'SIGTERM' },
    'interrupted by SIGTERM: stopping; running stages save a checkpoint (a second signal kills them)',
  ],
  [
    'Ctrl-C',
    { type: 'interrupt', force: false, signal: 'SIGINT' },
    'interrupted: stopping; running stages save a checkpoint (Ctrl-C again kills them)',
  ],
];
for (const [what, event, line] of lines) {
  test(`plain line for ${what}`, (t) => t.is(describeEvent(event), line));
}

const progress: [string, ProgressText, string][] = [
  [
    'a phase without values has no trailing space',
    { phase: 'explaining', step: 3, total: 9 },
    'explaining · step 3/9',
  ],
  [
    'epoch values are labelled as epoch means',
    { phase: 'epoch 2/3', step: 5, total: 9, values: { loss: 0.25 } },
    'epoch 2/3 · step 5/9 · epoch mean loss=0.2500',
  ],
  [
    "training's `(epoch means)` phase label moves to the values",
    { phase: 'epoch 1/3 (epoch means)', step: 2, total: 9, values: { loss: 0.5 } },
    'epoch 1/3 · step 2/9 · epoch mean loss=0.5000',
  ],
  [
    'other values are shown as they come',
    { phase: 'statistics', values: { n: 3 } },
    'statistics · n=3',
  ],
  ['nothing at all', {}, ''],
];
for (const [what, p, text] of progress) {
  test(`progress: ${what}`, (t) => t.is(formatProgress(p), text));
}

test('plain logger prints a phase once, and no trailing spaces', (t) => {
  const err = capture();
  const logger = new PlainLogger({ out: capture().stream, err: err.stream });
  for (let step = 1; step <= 3; step += 1) {
    logger.log({ type: 'instance-progress', instance: 'e', step, total: 3, phase: 'explaining' });
  }
  t.is(err.text(), '         e: explaining · step 1/3\n');
});

test('summary: 1 instance, and the failure table does not repeat the instance', (t) => {
  const text = formatSummary({
    instances: 1,
    executed: 0,
    cached: 0,
    failed: 1,
    skipped: 0,
    interrupted: false,
    wallMs: 10,
    failures: [{ instance: 'data', error: 'data: no images' }],
  });
  t.regex(text, /^1 instance: 0 executed/);
  t.regex(text, /\n {2}data +no images +-\n$/);
});

test('durations round at the precision shown, so no field reads 60', (t) => {
  const cases: [number, string][] = [
    [999.4, '999 ms'],
    [999.6, '1.0 s'],
    [59_940, '59.9 s'],
    [59_960, '1m00s'],
    [119_600, '2m00s'],
    [125_400, '2m05s'],
    [3_599_600, '1h00m'],
    [3_659_000, '1h00m'],
    [7_380_000, '2h03m'],
  ];
  for (const [ms, text] of cases) t.is(formatDuration(ms), text, `${ms} ms`);
});

test('command lines are quoted for a POSIX shell where needed', (t) => {
  t.is(
    shellLine(['alignlab', 'run', 'a.yaml', '-p', 'params.x=2']),
    'alignlab run a.yaml -p params.x=2',
  );
  t.is(
    shellLine(['-s', 'target=in_mask,out_mask', '--filter', "x == 'a b'"]),
    `-s target=in_mask,out_mask --filter 'x == '\\''a b'\\'''`,
  );
});
