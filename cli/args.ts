/** Command-line parsing with node:util, one option table for all commands. */
import { parseArgs } from 'node:util';
import type { BackendRequest } from '../stdlib/engine.js';
import { UsageError } from './usage.js';

export interface CliOptions {
  command: string | undefined;
  positionals: string[];
  jobs?: number;
  backend: BackendRequest;
  cacheDir: string;
  out?: string;
  seed?: number;
  params: string[];
  sweep: string[];
  failFast: boolean;
  /** `gc`: remove, instead of listing what would be removed. */
  yes: boolean;
  json: boolean;
  plugins: string[];
  format: 'mermaid' | 'dot';
  /** `data preview`: the stage, how many images, which split. */
  stage?: string;
  n?: number;
  split?: string;
  /** `show`: output format, sort keys, row filter and metric columns. */
  showFormat: ShowFormat;
  sort?: string;
  filter?: string;
  columns?: string;
  fix: boolean;
  help: boolean;
  version: boolean;
}

/**
 * The same list as stdlib/engine.ts BACKENDS, repeated so that parsing the
 * command line does not load TensorFlow.js (engine.ts imports it).
 */
const BACKENDS: readonly BackendRequest[] = ['auto', 'tensorflow', 'tensorflow-gpu', 'wasm', 'cpu'];

const OPTIONS = {
  jobs: { type: 'string' },
  backend: { type: 'string' },
  'cache-dir': { type: 'string' },
  out: { type: 'string' },
  seed: { type: 'string' },
  param: { type: 'string', short: 'p', multiple: true },
  sweep: { type: 'string', short: 's', multiple: true },
  'fail-fast': { type: 'boolean' },
  yes: { type: 'boolean' },
  json: { type: 'boolean' },
  plugin: { type: 'string', multiple: true },
  format: { type: 'string' },
  stage: { type: 'string' },
  n: { type: 'string' },
  split: { type: 'string' },
  sort: { type: 'string' },
  filter: { type: 'string' },
  columns: { type: 'string' },
  fix: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; see \`alignlab --help\``);
  }
  const v = parsed.values;
  const [command, ...positionals] = parsed.positionals;

  const backend = (v.backend ?? 'auto') as BackendRequest;
  if (!BACKENDS.includes(backend)) {
    throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}; got \`${v.backend}\``);
  }
  const format = command === 'show' ? 'mermaid' : (v.format ?? 'mermaid');
  if (format !== 'mermaid' && format !== 'dot') {
    throw new UsageError(`--format must be mermaid or dot; got \`${format}\``);
  }
  return {
    command,
    positionals,
    jobs: integerOption('--jobs', v.jobs, 1),
    backend,
    cacheDir: v['cache-dir'] ?? '.alignlab',
    out: v.out,
    seed: integerOption('--seed', v.seed, 0),
    params: v.param ?? [],
    sweep: v.sweep ?? [],
    failFast: v['fail-fast'] ?? false,
    yes: v.yes ?? false,
    json: v.json ?? false,
    plugins: v.plugin ?? [],
    format,
    stage: v.stage,
    n: integerOption('--n', v.n, 1),
    split: v.split,
    showFormat: showFormatOption(command, v.format),
    sort: v.sort,
    filter: v.filter,
    columns: v.columns,
    fix: v.fix ?? false,
    help: v.help ?? false,
    version: v.version ?? false,
  };
}

export type ShowFormat = 'table' | 'csv' | 'json' | 'markdown';
const SHOW_FORMATS: readonly string[] = ['table', 'csv', 'json', 'markdown'];

function showFormatOption(command: string | undefined, text: string | undefined): ShowFormat {
  if (command !== 'show' || text === undefined) return 'table';
  if (!SHOW_FORMATS.includes(text)) {
    throw new UsageError(`--format for show must be one of ${SHOW_FORMATS.join(', ')}; got \`${text}\``);
  }
  return text as ShowFormat;
}

function integerOption(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`${name} expects a whole number ≥ ${min}; got \`${text}\``);
  }
  return n;
}

/** The one study file a command needs. */
export function studyArg(options: CliOptions): string {
  const [file, ...extra] = options.positionals;
  if (file === undefined) {
    const command = `alignlab ${options.command}`;
    throw new UsageError(`\`${command}\` needs a study file: ${command} study.yaml`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument \`${extra[0]}\``);
  return file;
}
