#!/usr/bin/env node
/**
 * The alignlab command line. Each command returns its exit code; usage
 * errors and rejected studies exit 2 without a stack trace.
 */
import { readFileSync } from 'node:fs';
import { type CliOptions, parseCli } from './args.js';
import { checkCommand } from './commands/check.js';
import { dataCommand } from './commands/data-preview.js';
import { dagCommand } from './commands/dag.js';
import { planCommand } from './commands/plan.js';
import { runCommand } from './commands/run.js';
import { schemaCommand } from './commands/schema.js';
import { showCommand } from './commands/show.js';
import { statusCommand } from './commands/status.js';
import { verifyCommand } from './commands/verify.js';
import { StudyRejected } from './load-study.js';
import { UserError } from '../runtime/errors.js';
import { EXIT, HELP, UsageError } from './usage.js';

const COMMANDS: Record<string, (options: CliOptions) => Promise<number>> = {
  run: runCommand,
  plan: planCommand,
  check: checkCommand,
  data: dataCommand,
  dag: dagCommand,
  status: statusCommand,
  verify: verifyCommand,
  schema: schemaCommand,
  show: showCommand,
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
  if (options.help || options.command === undefined) {
    process.stdout.write(HELP);
    return options.help ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[options.command];
  if (command === undefined) {
    throw new UsageError(
      `unknown command \`${options.command}\`; commands: ${Object.keys(COMMANDS).join(', ')}`,
    );
  }
  return command(options);
}

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
