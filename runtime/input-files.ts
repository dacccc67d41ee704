/**
 * Files a stage reads from outside the cache (a data folder, a CSV) are part
 * of its cache key through their contents: editing, adding or removing an
 * image makes the stage run again, while moving or copying the same files
 * does not.
 *
 * Hashing every file on every `plan` would be slow for large folders, so
 * each file's sha256 is remembered next to the cache together with the file's
 * size, modification time and inode; a file whose stat is unchanged is not
 * read again.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Plan, PlanValue } from '../lang/plan.js';
import type { StageKind } from '../stdlib/types.js';
import { canonicalJson } from './canonical.js';
import { asGather, asRef, computeKeys, type KeyedInstance } from './cache-key.js';
import { mapLimited } from './scheduler.js';

/** size, mtimeMs, inode, sha256 of one file as last hashed. */
type MemoEntry = [number, number, number, string];

const MEMO_FILE = 'file-digests.json';

/** Every instance's cache key, input files included. */
export async function keyPlan(
  plan: Plan,
  registry: ReadonlyMap<string, StageKind>,
  engineFamily: string,
  cacheRoot: string,
): Promise<Map<string, KeyedInstance>> {
  return computeKeys(plan, registry, engineFamily, await inputDigests(plan, registry, cacheRoot));
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
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const wanted: { id: string; paths: string[] }[] = [];
  for (const instance of plan.instances) {
    const kind = registry.get(instance.kind);
    if (kind?.inputFiles === undefined || refersToStages(instance.params)) continue;
    const params = withDefaults(instance.params, kind);
    wanted.push({ id: instance.id, paths: kind.inputFiles(params).map((p) => resolve(p)) });
  }
  if (wanted.length === 0) return out;

  const memo = await FileMemo.load(join(cacheRoot, MEMO_FILE));
  for (const { id, paths } of wanted) {
    const entries: [number, string, string][] = [];
    for (const [i, root] of paths.entries()) {
      const files = await listFiles(root);
      if (files === undefined) {
        entries.push([i, '', 'missing']);
        continue;
      }
      const digests = await mapLimited(files, 16, (rel) => memo.digest(join(root, rel)));
      files.forEach((rel, j) => entries.push([i, rel, digests[j]!]));
    }
    out.set(id, createHash('sha256').update(canonicalJson(entries)).digest('hex'));
  }
  await memo.save();
  return out;
}

function refersToStages(value: PlanValue): boolean {
  if (asRef(value) !== undefined || asGather(value) !== undefined) return true;
  if (Array.isArray(value)) return value.some(refersToStages);
  if (value !== null && typeof value === 'object') {
    return Object.values(value).some(refersToStages);
  }
  return false;
}

function withDefaults(params: Record<string, PlanValue>, kind: StageKind) {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(kind.params)) out[name] = spec.default;
  return Object.assign(out, params);
}

/**
 * Paths of the files under `root` relative to it, sorted, hidden names
 * (`.git`, `.DS_Store`) skipped; `['']` for a file; undefined when missing.
 */
async function listFiles(root: string): Promise<string[] | undefined> {
  let info;
  try {
    info = await stat(root);
  } catch {
    return undefined;
  }
  if (!info.isDirectory()) return [''];
  const files: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(root, rel), { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = rel === '' ? e.name : `${rel}/${e.name}`;
      // Follow links the way the stages reading the folder do.
      const isDir = e.isDirectory() || (e.isSymbolicLink() && (await isFolder(join(root, path))));
      if (isDir) await walk(path);
      else files.push(path);
    }
  };
  await walk('');
  return files.sort();
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
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

  async digest(file: string): Promise<string> {
    let info;
    try {
      info = await stat(file);
    } catch {
      return 'unreadable';
    }
    const known = this.entries.get(file);
    if (
      known !== undefined &&
      known[0] === info.size &&
      known[1] === info.mtimeMs &&
      known[2] === info.ino
    ) {
      return known[3];
    }
    let sha: string;
    try {
      sha = await hashFile(file);
    } catch {
      return 'unreadable';
    }
    this.entries.set(file, [info.size, info.mtimeMs, info.ino, sha]);
    this.changed = true;
    return sha;
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

function hashFile(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', fail)
      .on('end', () => done(hash.digest('hex')));
  });
}
