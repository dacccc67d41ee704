import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { problemNotice } from '../stdlib/data/problems.js';
import { alignlab } from './fixtures/runtime/cli.js';
import { rect, tempDir, writePng } from './fixtures/data/helpers.js';

test('the notice line counts skipped items and warnings by reason', (t) => {
  t.is(
    problemNotice({
      summary: {
        skipped: { 'unreadable-image': 2, 'missing-mask': 1 },
        warnings: { 'empty-mask': 1 },
      },
    }),
    '3 items skipped (2 unreadable-image, 1 missing-mask); 1 warning (1 empty-mask)',
  );
  t.is(
    problemNotice({ summary: { skipped: { 'duplicate-id': 1 }, warnings: {} } }),
    '1 item skipped (1 duplicate-id)',
  );
  t.is(problemNotice({ summary: { skipped: {}, warnings: {} } }), undefined);
  t.is(problemNotice({}), undefined);
});

test('a run prints one line for a data stage that skipped items', async (t) => {
  const dir = tempDir('alignlab-notice-');
  for (const cls of ['a', 'b']) {
    for (const i of [0, 1]) {
      writePng(join(dir, 'imgs', cls, `${i}.png`), 8, 8, 1, rect(8, 8, 2, 6, 2, 6, 200, 20));
      writePng(join(dir, 'imgs', 'masks', cls, `${i}.png`), 8, 8, 1, rect(8, 8, 2, 6, 2, 6));
    }
  }
  writeFileSync(join(dir, 'imgs', 'a', '2.png'), 'not a png');
  writeFileSync(
    join(dir, 'study.yaml'),
    'name: notice\nstages:\n  data:\n    kind: image-folder\n    with: {root: imgs, split: {train: 2, val: 0, test: 2}}\n',
  );
  const run = await alignlab(dir, 'run', 'study.yaml');
  t.is(run.exitCode, 0, run.stderr);
  t.regex(
    run.stderr,
    /warning: data: 1 item skipped \(1 unreadable-image\); details in \S+data\.log/,
  );
  // From the cache there is nothing new to say.
  const again = await alignlab(dir, 'run', 'study.yaml');
  t.notRegex(again.stderr, /skipped/);
});
