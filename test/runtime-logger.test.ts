import test from 'ava';
import { PassThrough } from 'node:stream';
import type { RunEvent } from '../runtime/events.js';
import { JsonLogger } from '../runtime/logger-json.js';
import { PlainLogger } from '../runtime/logger-plain.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

const events: RunEvent[] = [
  { type: 'run-start', runId: 'r1', study: 'demo', instances: 3, jobs: 2, backend: 'wasm', cacheDir: '/c' },
  { type: 'instance-cached', instance: 'data', key: 'k0' },
  { type: 'instance-start', instance: 'train', key: 'k1', log: '/c/logs/r1/train.log' },
  { type: 'instance-progress', instance: 'train', step: 1, total: 4, phase: 'epoch 1/2', values: { loss: 0.5 } },
  { type: 'instance-progress', instance: 'train', step: 2, total: 4, phase: 'epoch 1/2', values: { loss: 0.4 } },
  { type: 'instance-done', instance: 'train', key: 'k1', wallMs: 1500 },
  { type: 'instance-failed', instance: 'eval', key: 'k2', error: 'no masks', log: '/c/logs/r1/eval.log' },
  { type: 'report', instance: 'report', folder: '/runs/demo/report', file: 'report.md', text: '# Results' },
  {
    type: 'run-end',
    summary: {
      instances: 3, executed: 1, cached: 1, failed: 1, skipped: 0, interrupted: false, wallMs: 2000,
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
         train: epoch 1/2 loss=0.5000
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
  const lines = out.text().trim().split('\n').map((l) => JSON.parse(l) as RunEvent & { time: string });
  t.deepEqual(lines.map((l) => l.type), events.map((e) => e.type));
  t.true(lines.every((l) => !Number.isNaN(Date.parse(l.time))));
});
