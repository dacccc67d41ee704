import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { alignlab } from './fixtures/runtime/cli.js';
import { rect, tempDir, writePng } from './fixtures/data/helpers.js';

test('data preview runs the data stage and writes a grid with mask outlines', async (t) => {
  const dir = tempDir('alignlab-preview-');
  for (const cls of ['a', 'b']) {
    for (const i of [0, 1]) {
      writePng(join(dir, 'imgs', cls, `${i}.png`), 8, 8, 1, rect(8, 8, 2, 6, 2, 6, 200, 20));
      writePng(join(dir, 'imgs', 'masks', cls, `${i}.png`), 8, 8, 1, rect(8, 8, 2, 6, 2, 6));
    }
  }
  writeFileSync(
    join(dir, 'study.yaml'),
    `name: tiny
stages:
  data:
    kind: image-folder
    with:
      root: ${join(dir, 'imgs')}
      split: {train: 1, val: 0, test: 0}
`,
  );

  const run = await alignlab(dir, 'data', 'preview', 'study.yaml', '--n', '3', '--out', 'grid.png');
  t.is(run.exitCode, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  t.is(lines[0], join(dir, 'grid.png'));
  t.regex(lines[1], /^3 train images of data \(image-folder .*\), 8x8x1; outlines: object red$/);
  t.is(lines.length, 5);
  t.regex(lines[2], /^ +1 {2}[ab] {2}[ab]\/[01]$/);

  // 8x8 tiles scaled 12x to 96 px, 2 columns, 4 px gaps: 2 * 96 + 3 * 4.
  const png = PNG.sync.read(readFileSync(join(dir, 'grid.png')));
  t.deepEqual([png.width, png.height], [204, 204]);
  const px = (y: number, x: number) => [
    ...png.data.subarray((y * 204 + x) * 4, (y * 204 + x) * 4 + 3),
  ];
  // The mask's top edge (image row 2 -> tile row 24) is outlined in red,
  // its inside shows the image, the outside the image's background.
  t.deepEqual(px(4 + 24, 4 + 40), [255, 0, 0]);
  t.deepEqual(px(4 + 40, 4 + 40), [200, 200, 200]);
  t.deepEqual(px(4 + 5, 4 + 5), [20, 20, 20]);
  // The fourth cell is empty backdrop.
  t.deepEqual(px(4 + 96 + 4 + 40, 4 + 96 + 4 + 40), [160, 160, 160]);

  const folder = await alignlab(dir, 'data', 'preview', 'study.yaml', '--out', dir);
  t.is(folder.exitCode, 2);
  t.is(
    folder.stderr.trim(),
    `alignlab: --out names the PNG file to write, but ${dir} is a folder; ` +
      `write --out ${join(dir, 'preview.png')}`,
  );
  const jpeg = await alignlab(dir, 'data', 'preview', 'study.yaml', '--out', 'grid.jpg');
  t.is(jpeg.exitCode, 2);
  t.is(jpeg.stderr.trim(), 'alignlab: --out names a PNG file (the grid is a PNG), not `grid.jpg`');
  const wrong = await alignlab(dir, 'data', 'preview', 'study.yaml', '--stage', 'nope');
  t.is(wrong.exitCode, 2);
  t.is(wrong.stderr.trim(), 'alignlab: the study has no stage `nope`; its stages: data');
});
