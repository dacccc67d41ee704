/**
 * Files a stage reads from outside the cache (a data folder, a CSV) are part
 * of its cache key through their contents: editing, adding or removing an
 * image makes the stage run again, while touching it, or putting the same
 * bytes back, does not.
 *
 * Hashing every file on every `plan` would be slow for large folders, so
 * each file's sha256 is remembered next to the cache together with the file's
 * size, modification and change times and inode; a file whose stat is
 * unchanged is not read again. The change time catches a copy that keeps
 * size and modification time (`cp -p`), since no tool can set it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Plan } from '../lang/plan.js';
import type { StageKind } from '../stdlib/types.js';
import { canonicalJson } from './canonical.js';
import { computeKeys, type KeyedInstance, refersToStages } from './cache-key.js';
import { mapLimited } from './scheduler.js';
import { entryKind } from '../stdlib/data/paths.js';

/** size, mtimeMs, ctimeMs, inode, sha256 of one file as last hashed. */
type MemoEntry = [number, number, number, number, string];

const MEMO_FILE = 'file-digests.json';

/** Every instance's cache key, input files included. */
export async function keyPlan(
  plan: Plan,
  registry: ReadonlyMap<string, StageKind>,
  engineFamily: string,
  cacheRoot: string,
  signal?: AbortSignal,
): Promise<Map<string, KeyedInstance>> {
  const files = await inputDigests(plan, registry, cacheRoot, signal);
  return computeKeys(plan, registry, engineFamily, files);
}

/** Hashing input files was cut short by a stop request. */
export class HashingStopped extends Error {
  override name = 'HashingStopped';
}

/**
 * For each instance whose kind declares input files, one digest of the
 * contents of those files. Instances whose paths depend on other stages'
 * outputs are left out (those outputs are keyed already).
 */
export async function inputDigests(
  plan: Plan,
  registry: ReadonlyMap<string, StageKind>,
  cacheRoot: string,
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const wanted: { id: string; paths: string[] }[] = [];
  for (const instance of plan.instances) {
    const kind = registry.get(instance.kind);
    if (kind?.inputFiles === undefined || refersToStages(instance.params)) continue;
    const params = withDefaults(instance.params, kind);
    const paths = await kind.inputFiles(params);
    wanted.push({ id: instance.id, paths: paths.map((p) => resolve(p)) });
  }
  if (wanted.length === 0) return out;

  const memo = await FileMemo.load(join(cacheRoot, MEMO_FILE));
  for (const { id, paths } of wanted) out.set(id, await digestOfPaths(paths, memo, signal));
  await memo.save();
  return out;
}

/**
 * The digest of a kind's input files as they are now, for a worker to
 * compare with its key after the stage ran: a file changed in between means
 * the results were read from other bytes than the key says.
 */
export async function currentInputDigest(
  kind: StageKind,
  params: Record<string, unknown>,
  cacheRoot: string,
): Promise<string | undefined> {
  if (kind.inputFiles === undefined) return undefined;
  const paths = (await kind.inputFiles(withDefaults(params, kind))).map((p) => resolve(p));
  const memo = await FileMemo.load(join(cacheRoot, MEMO_FILE));
  const digest = await digestOfPaths(paths, memo);
  await memo.save();
  return digest;
}

async function digestOfPaths(
  paths: readonly string[],
  memo: FileMemo,
  signal?: AbortSignal,
): Promise<string> {
  const entries: [number, string, string][] = [];
  for (const [i, root] of paths.entries()) {
    const files = await listFiles(root);
    if (files === undefined) {
      entries.push([i, '', 'missing']);
      continue;
    }
    const digests = await mapLimited(files, 16, (f) =>
      f.unreadable ? Promise.resolve('unreadable') : memo.digest(join(root, f.rel), signal),
    );
    // What was hashed is kept; the stop ends the run before anything starts.
    if (signal?.aborted) {
      await memo.save();
      throw new HashingStopped('stopped while hashing input files');
    }
    files.forEach((f, j) => entries.push([i, f.rel, digests[j]!]));
    memo.forgetUnder(root, new Set(files.map((f) => join(root, f.rel))));
  }
  return createHash('sha256').update(canonicalJson(entries)).digest('hex');
}

function withDefaults(params: Record<string, unknown>, kind: StageKind) {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(kind.params)) out[name] = spec.default;
  return Object.assign(out, params);
}

/**
 * Paths of the regular files under `root` relative to it, sorted, with
 * hidden names (`.git`, `.DS_Store`) skipped and links followed, each folder
 * once (a link back up the tree is not a loop); `['']` when root is a file,
 * undefined when it is missing. A folder that cannot be listed counts as one
 * entry whose digest is `unreadable`, so the key changes when it becomes
 * readable; pipes and sockets are left out (no stage reads them).
 */
async function listFiles(root: string): Promise<{ rel: string; unreadable?: true }[] | undefined> {
  let info;
  try {
    info = await stat(root);
  } catch {
    return undefined;
  }
  if (info.isFile()) return [{ rel: '' }];
  if (!info.isDirectory()) return [];
  const files: { rel: string; unreadable?: true }[] = [];
  const seen = new Set<string>();
  const walk = async (rel: string): Promise<void> => {
    const dir = join(root, rel);
    let entries;
    try {
      const real = await realpath(dir);
      if (seen.has(real)) return;
      seen.add(real);
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      files.push({ rel, unreadable: true });
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = rel === '' ? e.name : `${rel}/${e.name}`;
      const kind = await entryKind(dir, e);
      if (kind === 'folder') await walk(path);
      else if (kind === 'file') files.push({ rel: path });
    }
  };
  await walk('');
  return files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

class FileMemo {
  private changed = false;

  private constructor(
    private readonly path: string,
    private readonly entries: Map<string, MemoEntry>,
  ) {}

  static async load(path: string): Promise<FileMemo> {
    let entries = new Map<string, MemoEntry>();
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as Record<string, MemoEntry>;
      entries = new Map(Object.entries(parsed));
    } catch {
      // Missing or unreadable: every file is hashed again, nothing is lost.
    }
    return new FileMemo(path, entries);
  }

  async digest(file: string, signal?: AbortSignal): Promise<string> {
    if (signal?.aborted) return 'stopped';
    let info;
    try {
      info = await stat(file);
    } catch {
      return 'unreadable';
    }
    if (!info.isFile()) return 'not a file';
    const known = this.entries.get(file);
    if (
      known !== undefined &&
      known.length === 5 &&
      known[0] === info.size &&
      known[1] === info.mtimeMs &&
      known[2] === info.ctimeMs &&
      known[3] === info.ino
    ) {
      return known[4];
    }
    let sha: string;
    try {
      sha = await hashFile(file, signal);
    } catch {
      return 'unreadable';
    }
    this.entries.set(file, [info.size, info.mtimeMs, info.ctimeMs, info.ino, sha]);
    this.changed = true;
    return sha;
  }

  /** Drop what is remembered of files under `root` that are no longer there. */
  forgetUnder(root: string, present: ReadonlySet<string>): void {
    const prefix = root.endsWith(sep) ? root : root + sep;
    for (const path of this.entries.keys()) {
      if (path.startsWith(prefix) && !present.has(path)) {
        this.entries.delete(path);
        this.changed = true;
      }
    }
  }

  async save(): Promise<void> {
    if (!this.changed) return;
    // Another run may save at the same time; each writes a whole file and
    // renames it into place, so the memo is always one of them, never a mix.
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(Object.fromEntries(this.entries)));
    await rename(tmp, this.path);
  }
}

function hashFile(path: string, signal?: AbortSignal): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    // An aborted read ends in an error, so a half-read file is never remembered.
    createReadStream(path, { signal })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', fail)
      .on('end', () => done(hash.digest('hex')));
  });
}
