import test from 'ava';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { alignlab, studyDir, withPlugin } from './fixtures/runtime/cli.js';
import { tempDir } from './fixtures/runtime/helpers.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

test('--version prints the package version', async (t) => {
  const r = await alignlab(tempDir(), '--version');
  t.is(r.exitCode, 0);
  t.is(r.stdout, `alignlab ${pkg.version}`);
});

test('--help lists the commands', async (t) => {
  const r = await alignlab(tempDir(), '--help');
  t.is(r.exitCode, 0);
  for (const command of ['run', 'plan', 'check', 'dag', 'status', 'verify', 'schema']) {
    t.regex(r.stdout, new RegExp(`alignlab ${command}`));
  }
});

const usageErrors: [string, string[], RegExp][] = [
  ['an unknown command', ['bogus'], /unknown command `bogus`/],
  ['an unknown option', ['run', 'x.yaml', '--nope'], /unknown option `--nope`/],
  ['a missing study argument', ['run'], /needs a study file/],
  ['a bad --jobs', ['run', 'x.yaml', '--jobs', '0'], /--jobs expects a whole number ≥ 1; got `0`/],
  ['a bad --backend', ['run', 'x.yaml', '--backend', 'gpu'], /--backend must be one of/],
  ['a missing study file', ['run', 'missing.yaml'], /missing\.yaml/],
  [
    'a missing plugin',
    ['check', 'x.yaml', '--plugin', 'nope.js'],
    /plugin .*nope\.js failed to load/,
  ],
];
for (const [what, args, message] of usageErrors) {
  test(`${what} exits 2 with a message and no stack`, async (t) => {
    const r = await alignlab(tempDir(), ...args);
    t.is(r.exitCode, 2);
    t.regex(r.stderr, message);
    t.notRegex(r.stderr, /\n\s+at /);
  });
}

test('a study with errors prints diagnostics and exits 2', async (t) => {
  const { dir, study } = studyDir('name: bad\nstages:\n  a:\n    kind: test/wrok\n');
  for (const command of ['check', 'run', 'plan']) {
    const r = await withPlugin(dir, command, study);
    t.is(r.exitCode, 2, command);
    t.regex(r.stderr, /study\.yaml:4:11/);
    t.regex(r.stderr, /did you mean `test\/work`/);
    t.notRegex(r.stderr, /\n\s+at /);
  }
});

test('check accepts a good study', async (t) => {
  const { dir, study } = studyDir('name: ok\nstages:\n  a:\n    kind: test/work\n');
  const r = await withPlugin(dir, 'check', study);
  t.is(r.exitCode, 0);
  t.regex(r.stdout, /ok, 1 stage instance$/);
});

test('schema prints a JSON schema that knows plugin kinds', async (t) => {
  const r = await alignlab(
    tempDir(),
    'schema',
    '--plugin',
    (await import('./fixtures/runtime/helpers.js')).PLUGIN,
  );
  t.is(r.exitCode, 0);
  t.true(JSON.stringify(JSON.parse(r.stdout)).includes('test/work'));
});

test('dag prints mermaid and dot', async (t) => {
  const { dir, study } = studyDir(
    'name: g\nstages:\n  a:\n    kind: test/work\n  b:\n    kind: test/work\n    with:\n      input: ${{ stages.a.value }}\n',
  );
  const mermaid = await withPlugin(dir, 'dag', study);
  t.is(
    mermaid.stdout,
    'graph TD\n  n0["a<br/><small>test/work</small>"]\n  n1["b<br/><small>test/work</small>"]\n  n0 --> n1',
  );
  const dot = await withPlugin(dir, 'dag', study, '--format', 'dot');
  t.regex(dot.stdout, /"a" -> "b";/);
});

test('status with nothing recorded: a sentence, or one JSON object', async (t) => {
  const dir = tempDir('alignlab-status-');
  mkdirSync(join(dir, '.alignlab', 'journal'), { recursive: true });
  const text = await alignlab(dir, 'status');
  t.is(text.exitCode, 0);
  t.regex(
    text.stdout,
    /^no run recorded in .*\.alignlab; start one with `alignlab run study\.yaml`$/,
  );
  const json = await alignlab(dir, 'status', '--json');
  t.is(json.exitCode, 0);
  t.deepEqual(JSON.parse(json.stdout), { run: 'none', cacheDir: join(dir, '.alignlab') });

  // A journal whose first line was lost does not pass for a killed run.
  writeFileSync(join(dir, '.alignlab', 'journal', '2026-01-01T00-00-00-000Z-1.jsonl'), 'garbage\n');
  t.is(JSON.parse((await alignlab(dir, 'status', '--json')).stdout).run, 'unreadable');
  t.regex((await alignlab(dir, 'status')).stdout, /does not say which run it belongs to/);
});

test('the installed command is executable, as npx and npm link run it', (t) => {
  const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  t.is(readFileSync(main, 'utf8').split('\n')[0], '#!/usr/bin/env node');
  t.true((statSync(main).mode & 0o111) !== 0, `${main} has no execute bit`);
});
