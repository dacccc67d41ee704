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

/** Options every command takes. */
const GLOBAL = ['help', 'version'];
/** Options of the commands that compile a study. */
const STUDY = ['param', 'sweep', 'seed', 'plugin', 'cache-dir', 'backend'];

/** Which options each command takes; any other is a usage error. */
const COMMAND_OPTIONS: Record<string, readonly string[]> = {
  run: [...STUDY, 'jobs', 'out', 'fail-fast', 'json'],
  plan: [...STUDY, 'json'],
  check: [...STUDY, 'json'],
  dag: [...STUDY, 'format'],
  show: [...STUDY, 'format', 'sort', 'filter', 'columns', 'json'],
  data: [...STUDY, 'stage', 'n', 'split', 'out', 'jobs'],
  status: ['cache-dir', 'json'],
  verify: ['cache-dir', 'fix'],
  gc: [...STUDY, 'yes'],
  schema: ['plugin'],
  help: [],
};

type OptionName = keyof typeof OPTIONS;

/**
 * `--seed -1` and `-p -x` as `--seed=-1` and `--param=-x`: node:util reads a
 * value that starts with a dash as a forgotten argument, but an option that
 * takes a value here takes the next word when it starts with one dash. A
 * word with two (`--seed --json`) is still taken for a forgotten value.
 */
export function joinOptionValues(argv: readonly string[]): string[] {
  const shortNames = new Map<string, string>();
  for (const [name, spec] of Object.entries(OPTIONS)) {
    if ('short' in spec) shortNames.set(spec.short, name);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : shortNames.get(arg.slice(1));
    const spec = name === undefined ? undefined : OPTIONS[name as OptionName];
    const next = argv[i + 1];
    const takesValue = spec !== undefined && spec.type === 'string' && !arg.includes('=');
    // `--seed --json` is a forgotten value, not the value `--json`.
    if (takesValue && next !== undefined && /^-(?!-)/.test(next)) {
      out.push(`--${name}=${next}`);
      i += 1;
    } else {
      out.push(arg);
    }
  }
  return out;
}

export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinOptionValues(argv),
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    throw new UsageError(`${parseErrorText(error as Error)}; see \`alignlab --help\``);
  }
  const v = parsed.values;
  const [command, ...positionals] = parsed.positionals;
  checkOptionsOf(command, parsed.tokens);

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
    seed: seedOption(v.seed),
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

/** node:util's message, in our words where its own is hard to read. */
function parseErrorText(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  const unknown = /Unknown option '([^']+)'/.exec(error.message);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown !== null) {
    return `unknown option \`${unknown[1]}\``;
  }
  const missing = /Option '(-[^' ]+)(?: <value>)?' argument (?:missing|is ambiguous)/.exec(
    error.message,
  );
  if (missing !== null) return `${missing[1]} needs a value`;
  return error.message.split('\n')[0]!.replace(/\.$/, '');
}

/** A usage error for an option the command does not take. */
function checkOptionsOf(
  command: string | undefined,
  tokens: readonly { kind: string; name?: string; rawName?: string }[],
): void {
  const allowed = command === undefined ? undefined : COMMAND_OPTIONS[command];
  // An unknown command is reported as such by main.
  if (allowed === undefined) return;
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined) continue;
    if (GLOBAL.includes(token.name) || allowed.includes(token.name)) continue;
    const takes =
      allowed.length === 0 ? 'no options' : `only ${allowed.map((o) => `--${o}`).join(', ')}`;
    throw new UsageError(
      `\`alignlab ${command}\` does not take ${token.rawName ?? `--${token.name}`} ` +
        `(it takes ${takes})`,
    );
  }
}

export type ShowFormat = 'table' | 'csv' | 'json' | 'markdown';
const SHOW_FORMATS: readonly string[] = ['table', 'csv', 'json', 'markdown'];

function showFormatOption(command: string | undefined, text: string | undefined): ShowFormat {
  if (command !== 'show' || text === undefined) return 'table';
  if (!SHOW_FORMATS.includes(text)) {
    throw new UsageError(
      `--format for show must be one of ${SHOW_FORMATS.join(', ')}; got \`${text}\``,
    );
  }
  return text as ShowFormat;
}

function integerOption(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`${name} expects a whole number ≥ ${min}; got \`${text}\``);
  }
  return n;
}

/**
 * `--seed`: any number goes on to the study checker, which says which seeds
 * are valid and points at the option. Only what cannot travel as a number
 * stops here: words, and integers past 2^53, which a double would round.
 */
function seedOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || Number.isNaN(n)) {
    throw new UsageError(`--seed expects a whole number; got \`${text}\``);
  }
  if (!Number.isFinite(n) || (Number.isInteger(n) && !Number.isSafeInteger(n))) {
    throw new UsageError(
      `--seed \`${text}\` is too large to be held exactly; seeds go from 0 to 4294967295`,
    );
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

/** Commands without arguments (`status`, `verify`, `schema`) refuse extra words. */
export function noArgs(options: CliOptions): void {
  const [extra] = options.positionals;
  if (extra !== undefined) {
    throw new UsageError(`\`alignlab ${options.command}\` takes no argument; got \`${extra}\``);
  }
}
