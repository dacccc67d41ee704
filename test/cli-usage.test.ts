/**
 * Command-line mistakes are caught before anything starts: one line on
 * stderr, exit 2, no stack, nothing written to the cache.
 */
import test from 'ava';
import { execa } from 'execa';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { alignlab, studyDir, withPlugin } from './fixtures/runtime/cli.js';
import { CLI, PLUGIN, tempDir } from './fixtures/runtime/helpers.js';

const ONE_STAGE = 'name: one\nstages:\n  a:\n    kind: test/work\n    with: { value: 1 }\n';

/** A study folder that also holds a plain file `afile`. */
function withFile(): { dir: string; study: string } {
  const made = studyDir(ONE_STAGE);
  writeFileSync(join(made.dir, 'afile'), 'not a folder\n');
  return made;
}

const usageErrors: [string, string[], RegExp][] = [
  [
    '--cache-dir naming a file',
    ['run', '--cache-dir', 'afile'],
    /^alignlab: --cache-dir must be a folder, but afile is a file$/,
  ],
  [
    '--cache-dir under a file',
    ['plan', '--cache-dir', 'afile/c'],
    /--cache-dir must be a folder, but \S+afile \(above afile\/c\) is a file$/,
  ],
  [
    '--out naming a file',
    ['run', '--out', 'afile'],
    /^alignlab: --out must be a folder, but afile is a file$/,
  ],
  [
    'a negative seed',
    ['run', '--seed', '-1'],
    /BAD_SEED +the seed must be a whole number from 0 to 4294967295, not -1/,
  ],
  [
    'a seed past 2^53',
    ['run', '--seed', '9007199254740993'],
    /^alignlab: --seed `9007199254740993` is too large to be held exactly/,
  ],
  [
    'a seed that is no number',
    ['check', '--seed', 'abc'],
    /^alignlab: --seed expects a whole number; got `abc`$/,
  ],
  [
    'a --jobs past 2^53',
    ['run', '--jobs', '9007199254740993'],
    /--jobs expects a whole number ≥ 1/,
  ],
  [
    'an option the command does not take',
    ['plan', '--jobs', '3'],
    /^alignlab: `alignlab plan` does not take --jobs \(it takes only --param, .*--json\)$/,
  ],
  ['--fix for run', ['run', '--fix'], /`alignlab run` does not take --fix/],
];
for (const [what, args, message] of usageErrors) {
  test(`${what}: exit 2, one message, nothing started`, async (t) => {
    const { dir, study } = withFile();
    const [command, ...rest] = args;
    const r = await withPlugin(dir, command!, study, ...rest);
    t.is(r.exitCode, 2);
    t.regex(r.stderr, message);
    t.notRegex(r.stderr, /\n\s+at |internal error/);
    t.is(r.stdout, '');
    t.false(existsSync(join(dir, '.alignlab')));
    // Nothing was recorded that `status` could take for a killed run.
    if (existsSync(join(dir, 'afile'))) t.false(existsSync(join(dir, 'runs')));
  });
}

const commandErrors: [string, string[], RegExp][] = [
  [
    'an unknown option',
    ['run', 'x.yaml', '--nope'],
    /^alignlab: unknown option `--nope`; see `alignlab --help`$/,
  ],
  [
    'a forgotten value',
    ['run', 'x.yaml', '--seed', '--json'],
    /^alignlab: --seed needs a value; see `alignlab --help`$/,
  ],
  [
    'a value missing at the end',
    ['plan', 'x.yaml', '--cache-dir'],
    /^alignlab: --cache-dir needs a value/,
  ],
  [
    'schema with an argument',
    ['schema', 'extra'],
    /^alignlab: `alignlab schema` takes no argument; got `extra`$/,
  ],
  ['status with an argument', ['status', 'x.yaml'], /takes no argument/],
  [
    'verify without the cache',
    ['verify', '--cache-dir', 'nowhere'],
    /^alignlab: cache folder nowhere does not exist; pass the --cache-dir that the runs used$/,
  ],
  [
    'status without the cache',
    ['status', '--cache-dir', 'nowhere'],
    /cache folder nowhere does not exist/,
  ],
  [
    'gc without the cache',
    ['gc', 'x.yaml', '--cache-dir', 'nowhere'],
    /cache folder nowhere does not exist/,
  ],
];
for (const [what, args, message] of commandErrors) {
  test(`${what}: exit 2 with one line`, async (t) => {
    const r = await alignlab(tempDir(), ...args);
    t.is(r.exitCode, 2);
    t.regex(r.stderr, message);
    t.is(r.stdout, '');
  });
}

test('`alignlab help` prints the help; exit 0', async (t) => {
  const r = await alignlab(tempDir(), 'help');
  t.is(r.exitCode, 0);
  t.regex(r.stdout, /^alignlab — run ML studies/);
  t.is(r.stderr, '');
});

test('a reader that stops early (`schema | head -1`) ends every command quietly with 0', async (t) => {
  const dir = tempDir();
  mkdirSync(join(dir, '.alignlab'));
  for (const command of [`schema --plugin ${PLUGIN}`, '--help', 'verify']) {
    const r = await execa(
      'bash',
      ['-c', `set -o pipefail; node ${CLI} ${command} | head -c 1 >/dev/null`],
      {
        cwd: dir,
        reject: false,
      },
    );
    t.is(r.exitCode, 0, `${command}: ${r.stderr}`);
    t.is(r.stderr, '', command);
  }
});

const nativeInstalled = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();
(nativeInstalled ? test.skip : test)(
  '--backend tensorflow without @tensorflow/tfjs-node is a usage error before the run',
  async (t) => {
    const { dir, study } = studyDir(ONE_STAGE);
    for (const command of ['run', 'plan']) {
      const r = await withPlugin(dir, command, study, '--backend', 'tensorflow');
      t.is(r.exitCode, 2, command);
      t.regex(
        r.stderr,
        /^alignlab: --backend tensorflow needs @tensorflow\/tfjs-node, which is not installed; install it with `npm install @tensorflow\/tfjs-node`/,
      );
      t.false(existsSync(join(dir, '.alignlab')));
    }
  },
);

test('--json with a bad study: one diagnostic event per problem on stdout', async (t) => {
  const { dir, study } = studyDir(
    'name: bad\nstages:\n  a:\n    kind: test/wrok\n  b:\n    kind: test/nope\n',
  );
  for (const command of ['check', 'plan', 'run']) {
    const r = await withPlugin(dir, command, study, '--json');
    t.is(r.exitCode, 2, command);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    t.deepEqual(events[0], {
      type: 'diagnostic',
      severity: 'error',
      code: 'UNKNOWN_STAGE_KIND',
      message: 'unknown stage kind `test/wrok`',
      file: study,
      line: 4,
      col: 11,
      length: 9,
      hint: 'did you mean `test/work`?',
    });
    t.is(events.length, 2, command);
    t.like(events[1], { type: 'diagnostic', code: 'UNKNOWN_STAGE_KIND', line: 6 });
  }
});

test('check --json on a good study: one check event', async (t) => {
  const { dir, study } = studyDir(ONE_STAGE);
  const r = await withPlugin(dir, 'check', study, '--json');
  t.is(r.exitCode, 0);
  t.deepEqual(JSON.parse(r.stdout), {
    type: 'check',
    file: study,
    study: 'one',
    instances: 1,
    warnings: 0,
  });
});
