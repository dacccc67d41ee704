/**
 * `alignlab show`: one row per sweep cell with its axes, its state and every
 * number its stages reported, read from the cache without running
 * anything. Cells that failed or have not run yet are listed as such.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Json, StageKind } from '../../stdlib/types.js';
import type { Plan } from '../../lang/plan.js';
import type { Expr } from '../../lang/expr/ast.js';
import { evaluate, type Scope } from '../../lang/expr/evaluate.js';
import { FUNCTIONS } from '../../lang/expr/functions.js';
import { parseExpression } from '../../lang/expr/parser.js';
import { EvalError, type Value } from '../../lang/expr/value.js';
import { didYouMean } from '../../lang/suggest.js';
import { keyPlan } from '../../runtime/input-files.js';
import { CacheStore } from '../../runtime/cache-store.js';
import { firstLine, formatTable } from '../../runtime/format.js';
import { readJournal } from '../../runtime/journal.js';
import type { Manifest } from '../../runtime/manifest.js';
import { isProcessAlive } from '../../runtime/process-alive.js';
import { toCsv } from '../../stdlib/report/document.js';
import { type CliOptions, studyArg } from '../args.js';
import { resolveBackend } from '../backend.js';
import { loadStudy } from '../load-study.js';
import { EXIT, UsageError } from '../usage.js';

export type CellState = 'done' | 'failed' | 'running' | 'not run';
type InstanceState = { state: CellState; error?: string };

export interface ResultRow {
  cell: string;
  axes: Record<string, Json>;
  status: CellState;
  /** Instances of the cell found in the cache, e.g. `5/8`. */
  cached: string;
  detail?: string;
  /** Metric columns by name (`metrics.accuracy`); absent when not computed. */
  values: Record<string, number>;
}

export interface ResultTable {
  axes: string[];
  /** Stage names of the study, usable in filters even before they ran. */
  stages: string[];
  columns: string[];
  rows: ResultRow[];
}

/** How many recent journals to search for failures and live runs. */
const JOURNALS_SEARCHED = 20;

export async function showCommand(options: CliOptions): Promise<number> {
  const { plan, registry } = await loadStudy(studyArg(options), options);
  const backend = await resolveBackend(options.backend);
  const table = await resultTable(plan, registry, resolve(options.cacheDir), backend.family);

  // Filter and sort see every column; --columns only narrows the output.
  let rows = table.rows;
  if (options.filter !== undefined) rows = filterRows(table, options.filter);
  if (options.sort !== undefined) rows = sortRows(table, rows, options.sort);
  if (options.columns !== undefined) table.columns = pickColumns(table, options.columns);
  const format = options.json ? 'json' : options.showFormat;
  process.stdout.write(formatRows({ ...table, rows }, format));
  return EXIT.ok;
}

/** Keys from the plan, states from manifests and journals, values from manifests. */
export async function resultTable(
  plan: Plan,
  registry: ReadonlyMap<string, StageKind>,
  cacheDir: string,
  engineFamily: string,
): Promise<ResultTable> {
  const store = new CacheStore(cacheDir);
  const keyed = await keyPlan(plan, registry, engineFamily, cacheDir);
  const manifests = new Map<string, Manifest>();
  for (const [id, k] of keyed) {
    const m = await store.manifest(k.key);
    if (m !== undefined) manifests.set(id, m);
  }
  const states = await journalStates(
    store.layout.journalDir(),
    new Set([...keyed.values()].map((k) => k.key)),
  );

  // Instances shared by every cell give the same number on every row; a
  // table across cells leaves them out. Reports are for reading, not columns.
  const shared = (id: string) =>
    plan.cells.length > 1 && plan.cells.every((c) => c.instances.includes(id));
  const counted = (id: string) => !shared(id) && keyed.get(id)?.kind.publish === undefined;
  const columns = columnNames(plan, manifests, counted);

  // A stage gathering over cells (a report) is not part of any one cell's state.
  const gathers = (id: string) =>
    JSON.stringify(keyed.get(id)!.record.params).includes('"$gather"');

  const rows = plan.cells.map((cell): ResultRow => {
    const values: Record<string, number> = {};
    const problems: string[] = [];
    const own = cell.instances.filter((id) => !gathers(id));
    let done = 0;
    let status: CellState = 'done';
    for (const id of own) {
      const m = manifests.get(id);
      if (m !== undefined) {
        done++;
        if (counted(id))
          Object.assign(values, leaves(keyed.get(id)!.instance.stage, m, columns.dropOutput));
        continue;
      }
      const s = states.get(keyed.get(id)!.key) ?? { state: 'not run' };
      if (s.state === 'failed') problems.push(`${id}: ${firstLine(s.error ?? 'failed')}`);
      status = worse(status, s.state === 'done' ? 'not run' : s.state);
    }
    return {
      cell: cell.id,
      axes: cell.axes,
      status,
      cached: `${done}/${own.length}`,
      detail: problems[0],
      values,
    };
  });
  const stages = [...new Set(plan.instances.map((i) => i.stage))];
  return { axes: plan.axes, stages, columns: columns.names, rows };
}

const RANK: Record<CellState, number> = { done: 0, 'not run': 1, running: 2, failed: 3 };
const worse = (a: CellState, b: CellState) => (RANK[b] > RANK[a] ? b : a);

/** The newest state of every key the journals mention. */
async function journalStates(
  dir: string,
  keys: ReadonlySet<string>,
): Promise<Map<string, InstanceState>> {
  const states = new Map<string, InstanceState>();
  let names: string[];
  try {
    names = (await readdir(dir))
      .filter((n) => n.endsWith('.jsonl'))
      .sort()
      .slice(-JOURNALS_SEARCHED);
  } catch {
    return states;
  }
  // Oldest first, so later runs overwrite what earlier ones said.
  for (const name of names) {
    const lines = await readJournal(join(dir, name));
    const ended = lines.some((l) => l.type === 'run-end');
    const pid = Number(
      name
        .replace(/\.jsonl$/, '')
        .split('-')
        .at(-1),
    );
    const alive = !ended && Number.isInteger(pid) && isProcessAlive(pid);
    for (const line of lines) {
      if (!('key' in line) || !keys.has(line.key)) continue;
      if (line.type === 'instance-failed')
        states.set(line.key, { state: 'failed', error: line.error });
      else if (line.type === 'instance-start')
        states.set(line.key, { state: alive ? 'running' : 'not run' });
      else if (line.type === 'instance-done') states.set(line.key, { state: 'done' });
    }
  }
  return states;
}

/** Numeric leaves of an instance's JSON outputs, by column name. */
function leaves(
  stage: string,
  m: Manifest,
  dropOutput: ReadonlySet<string>,
): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (prefix: string, v: Json | undefined) => {
    if (typeof v === 'number') out[prefix] = v;
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) walk(`${prefix}.${k}`, x);
    }
  };
  for (const [name, o] of Object.entries(m.outputs)) {
    if (o.type !== 'json') continue;
    walk(dropOutput.has(stage) ? stage : `${stage}.${name}`, o.value);
  }
  return out;
}

/**
 * Column names in stage order. A stage with numbers in only one of its
 * outputs names columns `stage.key`; otherwise `stage.output.key`.
 */
function columnNames(
  plan: Plan,
  manifests: ReadonlyMap<string, Manifest>,
  counted: (id: string) => boolean,
) {
  const numericOutputs = new Map<string, Set<string>>();
  for (const inst of plan.instances) {
    const m = manifests.get(inst.id);
    if (m === undefined || !counted(inst.id)) continue;
    for (const [name, o] of Object.entries(m.outputs)) {
      if (
        o.type === 'json' &&
        Object.keys(leaves('x', { ...m, outputs: { [name]: o } }, new Set())).length > 0
      ) {
        const set = numericOutputs.get(inst.stage) ?? new Set();
        set.add(name);
        numericOutputs.set(inst.stage, set);
      }
    }
  }
  const dropOutput = new Set(
    [...numericOutputs].filter(([, s]) => s.size === 1).map(([stage]) => stage),
  );
  const names: string[] = [];
  for (const inst of plan.instances) {
    const m = manifests.get(inst.id);
    if (m === undefined || !counted(inst.id)) continue;
    for (const name of Object.keys(leaves(inst.stage, m, dropOutput)))
      if (!names.includes(name)) names.push(name);
  }
  return { names, dropOutput };
}

/** Names an expression may use for one row: axes, `sweep`, `status`, stages. */
function rowNames(table: ResultTable, row: ResultRow): Map<string, Value> {
  const names = new Map<string, Value>();
  const stages: Record<string, { [k: string]: Value }> = Object.fromEntries(
    table.stages.map((s) => [s, {}]),
  );
  for (const column of table.columns) {
    const parts = column.split('.');
    let node = (stages[parts[0]!] ??= {});
    for (const p of parts.slice(1, -1)) node = (node[p] ??= {}) as { [k: string]: Value };
    node[parts.at(-1)!] = row.values[column] ?? null;
  }
  for (const [stage, value] of Object.entries(stages)) names.set(stage, value);
  names.set('sweep', row.axes);
  names.set('status', row.status);
  for (const [axis, value] of Object.entries(row.axes)) names.set(axis, value);
  return names;
}

/** Replace free names by the row's values; calls keep their function name. */
function bind(e: Expr, names: ReadonlyMap<string, Value>): Expr {
  const b = (x: Expr) => bind(x, names);
  switch (e.type) {
    case 'name':
      return names.has(e.name)
        ? { type: 'literal', value: names.get(e.name) as Json, offset: e.offset, end: e.end }
        : e;
    case 'list':
      return { ...e, items: e.items.map(b) };
    case 'map':
      return { ...e, entries: e.entries.map((en) => ({ ...en, value: b(en.value) })) };
    case 'member':
      return { ...e, object: b(e.object) };
    case 'index':
      return { ...e, object: b(e.object), index: b(e.index) };
    case 'call':
      return { ...e, args: e.args.map(b) };
    case 'unary':
      return { ...e, operand: b(e.operand) };
    case 'binary':
      return { ...e, left: b(e.left), right: b(e.right) };
    case 'conditional':
      return { ...e, test: b(e.test), then: b(e.then), otherwise: b(e.otherwise) };
    default:
      return e;
  }
}

const EMPTY_SCOPE: Scope = {
  params: {},
  sweep: {},
  axes: [],
  gathered: new Set(),
  seed: 0,
  env: new Map(),
  stage() {
    throw new EvalError(
      'BAD_STAGE_REFERENCE',
      'stage outputs are columns here: write `metrics.accuracy`',
      0,
      0,
    );
  },
};

/**
 * Rows for which the expression is true. A row whose value is missing
 * (a cell not run yet) does not match; a misspelt name is an error.
 */
export function filterRows(table: ResultTable, text: string): ResultRow[] {
  const parsed = parseExpression(text);
  if (parsed.expr === undefined) {
    throw new UsageError(
      `--filter: ${parsed.error?.message} at character ${(parsed.error?.offset ?? 0) + 1} of \`${text}\``,
    );
  }
  return table.rows.filter((row) => {
    const names = rowNames(table, row);
    const bound = bind(parsed.expr!, names);
    let result: Value;
    try {
      result = evaluate(bound, EMPTY_SCOPE);
    } catch (error) {
      if (!(error instanceof EvalError)) throw error;
      // Before any cell has finished, metric names are not known yet.
      const noneDone = table.rows.every((r) => r.status !== 'done');
      if (error.code === 'UNKNOWN_KEY' && noneDone) return false;
      if (
        error.code === 'UNKNOWN_NAME' ||
        error.code === 'UNKNOWN_KEY' ||
        error.code === 'NOT_A_MAP'
      ) {
        const word = text.slice(error.offset, error.end);
        const leaves = table.columns.map((c) => c.split('.').at(-1)!);
        const isKey = error.code === 'UNKNOWN_KEY';
        const known = isKey ? [...new Set(leaves)] : [...names.keys(), ...table.columns];
        const axisValue = table.rows.some((r) =>
          Object.values(r.axes).some((v) => typeof v === 'string' && v === word),
        );
        const hint = FUNCTIONS[word]
          ? ''
          : axisValue && !isKey
            ? `to compare with the value ${word}, quote it: '${word}'`
            : didYouMean(word, known);
        throw new UsageError(
          `--filter: ${error.message}` +
            (hint ? `; ${hint}` : '') +
            (isKey
              ? `; columns: ${table.columns.join(', ')}`
              : `; names: ${[...names.keys()].join(', ')}`),
        );
      }
      // Comparing a missing value (null) fails: the row does not match. In a
      // row with every value present the same error is the filter's own.
      const missing = row.status !== 'done' || Object.values(row.values).some((v) => v === null);
      const aboutValues = ['TYPE_MISMATCH', 'NOT_A_NUMBER', 'NOT_A_MAP'].includes(error.code);
      if (missing && aboutValues) return false;
      throw new UsageError(`--filter: ${error.message}: \`${text}\``);
    }
    if (typeof result !== 'boolean') {
      throw new UsageError(
        `--filter must give true or false, not ${JSON.stringify(result)}: \`${text}\``,
      );
    }
    return result;
  });
}

/** Metric columns named in a comma list; a prefix (`metrics`) keeps all below it. */
export function pickColumns(table: ResultTable, spec: string): string[] {
  const wanted = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (wanted.length === 0) {
    throw new UsageError(`--columns names no column; columns: ${table.columns.join(', ')}`);
  }
  const picked: string[] = [];
  for (const w of wanted) {
    // The cell, status and axes are always shown; naming them is fine.
    if (['cell', 'status', 'cached', ...table.axes].includes(w)) continue;
    const matches = table.columns.filter((c) => c === w || c.startsWith(`${w}.`));
    if (matches.length === 0) {
      const hint = didYouMean(w, table.columns);
      throw new UsageError(
        `--columns: no column \`${w}\`${hint ? `; ${hint}` : ''}; columns: ${table.columns.join(', ')}`,
      );
    }
    for (const m of matches) if (!picked.includes(m)) picked.push(m);
  }
  return picked;
}

/** `col`, `col:desc`, `-col`, several separated by commas; missing values last. */
export function sortRows(table: ResultTable, rows: ResultRow[], spec: string): ResultRow[] {
  const keys = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const desc = s.startsWith('-') || s.endsWith(':desc');
      const name = s.replace(/^-/, '').replace(/:(desc|asc)$/, '');
      const known = ['cell', 'status', ...table.axes, ...table.columns];
      if (!known.includes(name)) {
        const hint = didYouMean(name, known);
        throw new UsageError(
          `--sort: no column \`${name}\`${hint ? `; ${hint}` : ''}; columns: ${known.join(', ')}`,
        );
      }
      return { name, desc };
    });
  const get = (r: ResultRow, name: string): Json | undefined =>
    name === 'cell'
      ? r.cell
      : name === 'status'
        ? r.status
        : name in r.axes
          ? r.axes[name]
          : r.values[name];
  return [...rows].sort((a, b) => {
    for (const { name, desc } of keys) {
      const x = get(a, name);
      const y = get(b, name);
      const xm = x === undefined || x === null;
      const ym = y === undefined || y === null;
      if (xm || ym) {
        if (xm !== ym) return xm ? 1 : -1;
        continue;
      }
      const c =
        typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  });
}

const shown = (v: Json | undefined): string =>
  v === undefined || v === null
    ? '-'
    : typeof v === 'number'
      ? Number.isInteger(v)
        ? String(v)
        : String(Number(v.toPrecision(4)))
      : typeof v === 'string'
        ? v
        : JSON.stringify(v);

const csvField = (v: Json | undefined): string | number | null =>
  v === undefined || v === null
    ? null
    : typeof v === 'number' || typeof v === 'string'
      ? v
      : JSON.stringify(v);

export function formatRows(table: ResultTable, format: string): string {
  const header = [...table.axes, 'status', 'cached', ...table.columns];
  const raw = table.rows.map((r) => [
    ...table.axes.map((a) => r.axes[a]),
    r.status,
    r.cached,
    ...table.columns.map((c) => r.values[c]),
  ]);
  switch (format) {
    case 'json':
      return (
        JSON.stringify(
          table.rows.map((r) => ({
            cell: r.cell,
            ...r.axes,
            status: r.status,
            cached: r.cached,
            ...(r.detail ? { detail: r.detail } : {}),
            ...Object.fromEntries(table.columns.map((c) => [c, r.values[c] ?? null])),
          })),
          null,
          2,
        ) + '\n'
      );
    case 'csv':
      return toCsv(
        header,
        raw.map((r) => r.map(csvField)),
      );
    case 'markdown':
      return (
        [
          `| ${header.join(' | ')} |`,
          `|${header.map(() => '---').join('|')}|`,
          ...raw.map((r) => `| ${r.map(shown).join(' | ').replace(/\n/g, ' ')} |`),
        ].join('\n') + '\n'
      );
    default: {
      const text = formatTable(
        header,
        raw.map((r) => r.map(shown)),
      );
      const failed = table.rows.filter((r) => r.detail);
      const notes = failed.map((r) => `  ${r.cell || 'cell'}: ${r.detail}`).join('\n');
      return text + (notes ? `\nFailures:\n${notes}\n` : '');
    }
  }
}
