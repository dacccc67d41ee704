#!/usr/bin/env node
/**
 * The alignlab command line. Each command returns its exit code; usage
 * errors and rejected studies exit 2 without a stack trace.
 */
import { readFileSync } from 'node:fs';
import { type CliOptions, parseCli } from './args.js';
import { StudyRejected } from './load-study.js';
import { UserError } from '../runtime/errors.js';
import { EXIT, HELP, UsageError } from './usage.js';

type Command = (options: CliOptions) => Promise<number>;

// Each command is imported when it is used: some load TensorFlow.js or the
// study compiler, which `--version`, `status` or `verify` should not pay for.
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./commands/run.js')).runCommand,
  plan: async () => (await import('./commands/plan.js')).planCommand,
  check: async () => (await import('./commands/check.js')).checkCommand,
  data: async () => (await import('./commands/data-preview.js')).dataCommand,
  dag: async () => (await import('./commands/dag.js')).dagCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  verify: async () => (await import('./commands/verify.js')).verifyCommand,
  gc: async () => (await import('./commands/gc.js')).gcCommand,
  schema: async () => (await import('./commands/schema.js')).schemaCommand,
  show: async () => (await import('./commands/show.js')).showCommand,
};

function version(): string {
  // dist/cli/main.js → package.json two folders up.
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

async function main(argv: string[]): Promise<number> {
  const options = parseCli(argv);
  if (options.version) {
    process.stdout.write(`alignlab ${version()}\n`);
    return EXIT.ok;
  }
  if (options.help || options.command === undefined || options.command === 'help') {
    process.stdout.write(HELP);
    if (options.command === 'help') return EXIT.ok;
    return options.help ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[options.command];
  if (command === undefined) {
    throw new UsageError(
      `unknown command \`${options.command}\`; commands: ${Object.keys(COMMANDS).join(', ')}`,
    );
  }
  return (await command())(options);
}

// A reader that goes away (`alignlab schema | head -1`) is not an error: the
// output it wanted was written. Exit at once and quietly, whatever runs;
// workers see the parent go and stop at a checkpoint.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT.ok);
  throw error;
});
process.stderr.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof StudyRejected) {
    process.exitCode = EXIT.usage;
  } else if (error instanceof UsageError || error instanceof UserError) {
    process.stderr.write(`alignlab: ${error.message}\n`);
    process.exitCode = EXIT.usage;
  } else {
    // Not a user's mistake: keep the stack, it is what a bug report needs.
    process.stderr.write(`alignlab: internal error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = EXIT.stageFailed;
  }
}
