/**
 * The manifest of a cache entry: written last, so its presence means the
 * entry is complete. Planning reads only manifests; artifact files are
 * checked against `files` when a consumer loads them.
 */
import { readFile } from 'node:fs/promises';
import type { Json } from '../stdlib/types.js';
import type { CacheKey, KeyRecord } from './cache-key.js';

export type OutputRecord =
  | { type: 'json'; value: Json }
  /** Folder `out/<name>/` inside the entry. */
  | { type: 'artifact' };

export interface Manifest {
  key: CacheKey;
  record: KeyRecord;
  outputs: Record<string, OutputRecord>;
  /** sha256 of every file under `out/`, by path relative to the entry. */
  files: Record<string, string>;
  /** Instance that produced the entry (for people; not part of the key). */
  producedBy: string;
  wallMs: number;
  backend: string;
  /** ISO time of publication. */
  created: string;
}

export type ManifestRead =
  | { ok: true; manifest: Manifest }
  | { ok: false; reason: 'missing' }
  | { ok: false; reason: 'unreadable'; detail: string };

export async function readManifest(path: string, key: string): Promise<ManifestRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { ok: false, reason: 'missing' };
    }
    return { ok: false, reason: 'unreadable', detail: String(error) };
  }
  try {
    const manifest = JSON.parse(text) as Manifest;
    if (manifest.key !== key) {
      return { ok: false, reason: 'unreadable', detail: 'names another key' };
    }
    if (typeof manifest.outputs !== 'object' || manifest.outputs === null) {
      return { ok: false, reason: 'unreadable', detail: 'has no outputs' };
    }
    return { ok: true, manifest };
  } catch (error) {
    return { ok: false, reason: 'unreadable', detail: `invalid JSON: ${String(error)}` };
  }
}
