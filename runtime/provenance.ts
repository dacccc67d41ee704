/**
 * Where a published report came from: the study, its seed and hash, the
 * engine and package versions, and how long each stage instance took when it
 * was computed (cached instances keep the time of the run that made them).
 * Appended to every published report and written as provenance.json.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plan } from '../lang/plan.js';
import type { KeyedInstance } from './cache-key.js';
import type { InstanceResult } from './scheduler.js';

export interface Provenance {
  study: string;
  file: string;
  studyHash?: string;
  /** The command line of the run, overrides (`-p`, `-s`, `--seed`) included. */
  command?: string;
  seed: number;
  backend: string;
  node: string;
  packages: Record<string, string>;
  instances: {
    id: string;
    kind: string;
    key: string;
    state: string;
    wallMs?: number;
    backend?: string;
  }[];
}

const require = createRequire(import.meta.url);

/** Versions of alignlab and of the engine packages it loaded. */
export function packageVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  const own = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  out.alignlab = own.version;
  for (const pkg of [
    '@tensorflow/tfjs-core',
    '@tensorflow/tfjs-backend-wasm',
    '@tensorflow/tfjs-node',
    '@tensorflow/tfjs-node-gpu',
  ]) {
    try {
      const path = require.resolve(`${pkg}/package.json`);
      out[pkg] = (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
    } catch {
      // Not installed: optional engines are simply absent from the list.
    }
  }
  return out;
}

export function collectProvenance(
  plan: Plan,
  keyed: ReadonlyMap<string, KeyedInstance>,
  results: ReadonlyMap<string, InstanceResult>,
  backend: string,
  studyHash?: string,
): Provenance {
  return {
    study: plan.name,
    file: plan.file,
    studyHash,
    seed: plan.seed,
    backend,
    node: process.version,
    packages: packageVersions(),
    instances: [...keyed.values()].map((k) => {
      const r = results.get(k.instance.id);
      const m = r && 'manifest' in r ? r.manifest : undefined;
      return {
        id: k.instance.id,
        kind: k.kind.kind,
        key: k.key,
        state: r?.state ?? 'not run',
        wallMs: m?.wallMs,
        backend: m?.backend,
      };
    }),
  };
}

/** Words joined for a POSIX shell, quoted where needed. */
export function shellLine(words: readonly string[]): string {
  return words
    .map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(1)} s`;
}

export function provenanceMarkdown(p: Provenance): string {
  const lines = [
    '## Run provenance',
    '',
    `- study: ${p.study} (${p.file})`,
    ...(p.studyHash ? [`- study hash: ${p.studyHash}`] : []),
    ...(p.command ? [`- command: \`${p.command}\``] : []),
    `- seed: ${p.seed}`,
    `- backend: ${p.backend}; Node ${p.node}`,
    `- packages: ${Object.entries(p.packages)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    '',
    '| stage instance | kind | this run | wall time when computed |',
    '|---|---|---|---|',
    ...p.instances.map((i) => `| ${i.id} | ${i.kind} | ${i.state} | ${seconds(i.wallMs)} |`),
    '',
  ];
  return lines.join('\n');
}
