import test from 'ava';
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { checkStudy } from '../lang/index.js';
import { inputDigests } from '../runtime/input-files.js';
import { loadRegistry } from '../runtime/load-registry.js';
import { alignlab, withPlugin } from './fixtures/runtime/cli.js';
import { rect, tempDir, writePng } from './fixtures/data/helpers.js';

function imageFolder(root: string) {
  for (const cls of ['a', 'b']) {
    for (const i of [0, 1]) {
      writePng(join(root, cls, `${i}.png`), 8, 8, 1, rect(8, 8, 2, 6, 2, 6, 200 + i, 20));
      writePng(join(root, 'masks', cls, `${i}.png`), 8, 8, 1, rect(8, 8, 2, 6, 2, 6));
    }
  }
}

const studyText = (root: string) => `name: files
stages:
  data:
    kind: image-folder
    with:
      root: ${root}
      split: {train: 2, val: 0, test: 2}
  other:
    kind: fashion-mnist
    with: {source: sample, train: 10, test: 10}
  wide:
    kind: canvas
    with: {data: "\${{ stages.data.dataset }}"}
`;

function digestOf(root: string, cacheRoot: string): Promise<string | undefined> {
  return digestOfText(studyText(root), cacheRoot);
}

async function digestOfText(text: string, cacheRoot: string): Promise<string | undefined> {
  const file = join(cacheRoot, '..', 'study.yaml');
  writeFileSync(file, text);
  const registry = await loadRegistry([]);
  const { plan, diagnostics } = await checkStudy(file, { registry });
  if (plan === undefined) throw new Error(JSON.stringify(diagnostics));
  const digests = await inputDigests(plan, registry, cacheRoot);
  // Only the stages that read files have a digest.
  const ids = [...digests.keys()].join();
  if (ids !== 'data,other' && ids !== 'data') throw new Error(`digests for ${ids}`);
  return digests.get('data');
}

test('input digest follows file contents, not file times or locations', async (t) => {
  const dir = tempDir('alignlab-files-');
  const cache = join(dir, 'cache');
  const root = join(dir, 'imgs');
  imageFolder(root);
  const first = await digestOf(root, cache);
  t.regex(first ?? '', /^[0-9a-f]{64}$/);

  // New modification times, same bytes: same digest.
  utimesSync(join(root, 'a', '0.png'), new Date(2020, 1, 1), new Date(2020, 1, 1));
  t.is(await digestOf(root, cache), first);
  // A copy elsewhere with the same files: same digest.
  cpSync(root, join(dir, 'copy'), { recursive: true });
  t.is(await digestOf(join(dir, 'copy'), cache), first);
  // Hidden files are not data.
  writeFileSync(join(root, 'a', '.DS_Store'), 'x');
  t.is(await digestOf(root, cache), first);

  // Changed pixels, an added image, a removed mask: each a new digest.
  writePng(join(root, 'a', '0.png'), 8, 8, 1, rect(8, 8, 2, 6, 2, 6, 90, 20));
  const edited = await digestOf(root, cache);
  t.not(edited, first);
  writePng(join(root, 'b', '2.png'), 8, 8, 1, rect(8, 8, 1, 5, 1, 5, 200, 20));
  const added = await digestOf(root, cache);
  t.not(added, edited);
  rmSync(join(root, 'masks', 'b', '0.png'));
  t.not(await digestOf(root, cache), added);
  // A missing folder still has a digest, different from any real one.
  const missing = await digestOf(join(dir, 'nowhere'), cache);
  t.regex(missing ?? '', /^[0-9a-f]{64}$/);
  t.not(missing, first);
});

test('a file whose size, time and inode are unchanged is not read again', async (t) => {
  const dir = tempDir('alignlab-files-');
  const cache = join(dir, 'cache');
  const root = join(dir, 'imgs');
  imageFolder(root);
  const first = await digestOf(root, cache);
  const memoPath = join(cache, 'file-digests.json');
  const memo = JSON.parse(readFileSync(memoPath, 'utf8')) as Record<string, unknown[]>;
  const file = join(root, 'a', '1.png');
  t.is(memo[file]?.length, 5);
  t.is(memo[file]![4], await sha256(file));
  // 8 PNGs and the 4 IDX files of the committed sample.
  t.is(Object.keys(memo).length, 12);

  // The memo is trusted while the stat matches: a forged entry shows up.
  memo[file]![4] = '0'.repeat(64);
  writeFileSync(memoPath, JSON.stringify(memo));
  const forged = await digestOf(root, cache);
  t.not(forged, first);
  // A new modification time makes it read the file again.
  utimesSync(file, new Date(2021, 1, 1), new Date(2021, 1, 1));
  t.is(await digestOf(root, cache), first);
  // An unreadable memo is rebuilt, not an error.
  writeFileSync(memoPath, '{not json');
  t.is(await digestOf(root, cache), first);
  t.is(JSON.parse(readFileSync(memoPath, 'utf8'))[file][4], await sha256(file));

  // New bytes of the same size with the old modification time put back (as
  // `cp -p` does): the change time still tells.
  const notes = join(root, 'a', 'notes.txt');
  writeFileSync(notes, 'aaaa');
  utimesSync(notes, new Date(2020, 1, 1), new Date(2020, 1, 1));
  const before = await digestOf(root, cache);
  writeFileSync(notes, 'bbbb');
  utimesSync(notes, new Date(2020, 1, 1), new Date(2020, 1, 1));
  t.not(await digestOf(root, cache), before);
});

async function sha256(path: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

test('editing one image makes the data stage run again, and plan says why', async (t) => {
  const dir = tempDir('alignlab-files-');
  const root = join(dir, 'imgs');
  imageFolder(root);
  writeFileSync(join(dir, 'study.yaml'), studyText(root));
  const first = await alignlab(dir, 'run', 'study.yaml');
  t.is(first.exitCode, 0, first.stderr);
  t.regex(first.stdout, /3 instances: 3 executed, 0 cached/);

  utimesSync(join(root, 'a', '0.png'), new Date(2020, 1, 1), new Date(2020, 1, 1));
  const touched = await alignlab(dir, 'run', 'study.yaml');
  t.regex(touched.stdout, /3 instances: 0 executed, 3 cached/);

  writePng(join(root, 'a', '0.png'), 8, 8, 1, rect(8, 8, 2, 6, 2, 6, 90, 20));
  const plan = await alignlab(dir, 'plan', 'study.yaml');
  t.regex(plan.stdout, /will run +data +image-folder +its input files changed/);
  t.regex(plan.stdout, /cached +other/);
  t.regex(plan.stdout, /will run +wide +canvas +input `data` will be rebuilt/);
  const again = await alignlab(dir, 'run', 'study.yaml');
  t.regex(again.stdout, /3 instances: 2 executed, 1 cached/);
});

test('links are followed once, loops end, pipes are skipped, outside masks count', async (t) => {
  const dir = tempDir('alignlab-files-');
  const cache = join(dir, 'cache');
  const root = join(dir, 'imgs');
  imageFolder(root);
  const first = await digestOf(root, cache);

  // Links back up the tree: each folder is read once, so nothing changes.
  symlinkSync('..', join(root, 'a', 'loop'));
  symlinkSync('..', join(root, 'b', 'loop'));
  t.is(await digestOf(root, cache), first);
  // A named pipe is never opened (opening it would wait for a writer).
  execFileSync('mkfifo', [join(root, 'a', 'pipe.png')]);
  t.is(await digestOf(root, cache), first);
  // A linked image is data like any other.
  writePng(join(dir, 'extra.png'), 8, 8, 1, rect(8, 8, 0, 4, 0, 4, 200, 20));
  symlinkSync(join(dir, 'extra.png'), join(root, 'a', '9.png'));
  const linked = await digestOf(root, cache);
  t.not(linked, first);
  const memo = JSON.parse(readFileSync(join(cache, 'file-digests.json'), 'utf8'));
  t.false(Object.keys(memo).some((p) => p.includes('loop')));

  // Masks in a folder beside root (`masks: ../masks`) are part of the key.
  const split = join(dir, 'split');
  imageFolder(join(split, 'imgs'));
  renameSync(join(split, 'imgs', 'masks'), join(split, 'masks'));
  const outside = studyText(join(split, 'imgs')).replace(
    '      root:',
    '      masks: ../masks\n      root:',
  );
  const before = await digestOfText(outside, cache);
  writePng(join(split, 'masks', 'a', '0.png'), 8, 8, 1, rect(8, 8, 0, 2, 0, 2));
  t.not(await digestOfText(outside, cache), before);
});

test('forgotten files leave the memo', async (t) => {
  const dir = tempDir('alignlab-files-');
  const cache = join(dir, 'cache');
  const root = join(dir, 'imgs');
  imageFolder(root);
  await digestOf(root, cache);
  rmSync(join(root, 'b'), { recursive: true });
  await digestOf(root, cache);
  const memo = JSON.parse(readFileSync(join(cache, 'file-digests.json'), 'utf8'));
  t.false(Object.keys(memo).some((p) => p.startsWith(join(root, 'b'))));
  t.true(Object.keys(memo).some((p) => p.startsWith(join(root, 'a'))));
});

test('csv-manifest keys on the CSV and the files it lists, not the rest of root', async (t) => {
  const dir = tempDir('alignlab-files-');
  const cache = join(dir, 'cache');
  const set = join(dir, 'set');
  writePng(join(set, 'img', '1.png'), 4, 4, 1, new Uint8Array(16).fill(50));
  writePng(join(set, 'img', '2.png'), 4, 4, 1, new Uint8Array(16).fill(60));
  writePng(join(set, 'm', '1.png'), 4, 4, 1, rect(4, 4, 0, 2, 0, 2));
  writePng(join(set, 'm', '2.png'), 4, 4, 1, rect(4, 4, 0, 2, 0, 2));
  const csv = join(set, 'list.csv');
  writeFileSync(csv, 'image,label,mask\nimg/1.png,a,m/1.png\n./img/2.png,b,m/2.png\n');
  const text = `stages:
  data:
    kind: csv-manifest
    with: {csv: ${csv}, root: ${dir}}
`;
  const first = await digestOfText(text, cache);
  // Anything else under root, however large, is not read.
  writeFileSync(join(dir, 'unrelated.bin'), 'x'.repeat(1000));
  mkdirSync(join(set, 'other'));
  writePng(join(set, 'other', 'x.png'), 4, 4, 1, new Uint8Array(16));
  t.is(await digestOfText(text, cache), first);
  const memo = JSON.parse(readFileSync(join(cache, 'file-digests.json'), 'utf8'));
  t.deepEqual(
    Object.keys(memo).sort(),
    [
      csv,
      join(set, 'img', '1.png'),
      join(set, 'img', '2.png'),
      join(set, 'm', '1.png'),
      join(set, 'm', '2.png'),
    ].sort(),
  );
  // A listed image, a listed mask, the CSV itself: each changes the key.
  writePng(join(set, 'img', '2.png'), 4, 4, 1, new Uint8Array(16).fill(61));
  const image = await digestOfText(text, cache);
  t.not(image, first);
  writePng(join(set, 'm', '1.png'), 4, 4, 1, rect(4, 4, 0, 1, 0, 1));
  const mask = await digestOfText(text, cache);
  t.not(mask, image);
  writeFileSync(csv, 'image,label,mask\nimg/1.png,a,m/1.png\n');
  t.not(await digestOfText(text, cache), mask);
});

test('input files changed while the stage ran: nothing is stored, the instance fails', async (t) => {
  const dir = tempDir('alignlab-files-');
  const file = join(dir, 'input.txt');
  writeFileSync(file, 'first');
  const study = join(dir, 'study.yaml');
  writeFileSync(
    study,
    `name: race\nstages:\n  read:\n    kind: test/reads\n    with: {file: ${file}, rewrite: second}\n`,
  );
  const r = await withPlugin(dir, 'run', study);
  t.is(r.exitCode, 1);
  t.regex(r.stdout, /its input files changed while it ran/);
  const cache = join(dir, '.alignlab', 'cache');
  t.true(!existsSync(cache) || readdirSync(cache).length === 0, 'no entry stored');
  // Left alone, the same stage is stored under the key of what it read.
  writeFileSync(
    study,
    `name: race\nstages:\n  read:\n    kind: test/reads\n    with: {file: ${file}}\n`,
  );
  const ok = await withPlugin(dir, 'run', study, '--json');
  t.is(ok.exitCode, 0, ok.stderr);
  t.regex(ok.stdout, /"instance-done","instance":"read"/);
});
