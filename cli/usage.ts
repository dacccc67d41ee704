/** Usage errors (exit 2) and the help text. */

/** A mistake on the command line: printed without a stack, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT = { ok: 0, stageFailed: 1, usage: 2, interrupted: 130 } as const;

export const HELP = `alignlab — run ML studies written as one YAML file

Usage:
  alignlab run <study.yaml> [options]     run every stage instance, reusing the cache
  alignlab plan <study.yaml> [options]    say which instances are cached or will run, and why
  alignlab check <study.yaml> [options]   report problems in the study, run nothing
  alignlab dag <study.yaml> [--format mermaid|dot]
                                          print the instance graph
  alignlab show <study.yaml> [--format table|csv|json|markdown] [--sort COL[:desc]] [--filter EXPR]
                                          results of every sweep cell, from the cache;
                                          --columns metrics.mass_accuracy,metrics_base keeps
                                          those metric columns (a stage name keeps all of its)
  alignlab data preview <study.yaml> [--stage data] [--n 16] [--split train] [--out F.png]
                                          PNG grid of a data stage's images, mask outlines
  alignlab status [--cache-dir D] [--json]
                                          what the last run did and where it stopped
  alignlab verify [--cache-dir D] [--fix] check every cache entry against its digests
  alignlab gc [study.yaml ...] [--yes]    remove entries no study reaches (default: all
                                          studies under experiments/; dry run without --yes)
  alignlab schema                         print the JSON schema of study files
  alignlab help                           this text

Options for run, plan, check, dag, show, data preview and gc:
  -p, --param params.x=v    override a parameter (repeatable)
  -s, --sweep axis=v1,v2    override a sweep axis (repeatable)
  --seed N                  study seed
  --plugin module.js        load extra stage kinds (repeatable)
  --cache-dir D             cache folder (default .alignlab)
  --backend B               auto|tensorflow|tensorflow-gpu|wasm|cpu (default auto)

Options for run:
  --jobs N                  instances run at once (default: number of cores)
  --out D                   report folder (default runs/<study name>)
  --fail-fast               stop at the first failure

Other options:
  --json                    run, plan, check, status: one JSON object per line on
                            stdout; problems in the study come as "diagnostic" events
  -h, --help                this text
  -V, --version             alignlab's version

An option that a command does not take is a usage error.

Exit codes: 0 ok, 1 a stage failed, 2 bad study or usage, 130 interrupted
(Ctrl-C, SIGTERM or SIGHUP: running stages checkpoint; a second one kills them).
`;
