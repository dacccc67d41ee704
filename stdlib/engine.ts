/**
 * Choosing and starting the numeric engine. `wasm` is the working default;
 * `@tensorflow/tfjs-node` (or `-node-gpu`) is used when installed and loadable.
 * The pure-JS `cpu` backend is about 100x slower than wasm for training and is
 * only chosen by `auto` with a loud warning.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { installGradients } from './tf/gradients.js';

export type BackendRequest = 'auto' | 'tensorflow' | 'tensorflow-gpu' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendRequest[] = [
  'auto',
  'tensorflow',
  'tensorflow-gpu',
  'wasm',
  'cpu',
];

/** Which npm package provides each native backend. */
const NATIVE_PACKAGES = {
  tensorflow: '@tensorflow/tfjs-node',
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
} as const;

export interface BackendChoice {
  /** The backend that will run: never `auto`. */
  name: Exclude<BackendRequest, 'auto'>;
  /** Shown to the user when the choice deserves attention. */
  warning?: string;
}

const require = createRequire(import.meta.url);

function resolvable(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decide which backend a request means, without starting it. `auto` prefers
 * the native TensorFlow binding when its package resolves, then wasm.
 */
export function chooseBackend(request: BackendRequest): BackendChoice {
  if (request === 'auto') {
    if (resolvable(NATIVE_PACKAGES['tensorflow-gpu'])) return { name: 'tensorflow-gpu' };
    if (resolvable(NATIVE_PACKAGES.tensorflow)) return { name: 'tensorflow' };
    if (resolvable('@tensorflow/tfjs-backend-wasm')) return { name: 'wasm' };
    return {
      name: 'cpu',
      warning:
        'WARNING: neither @tensorflow/tfjs-node nor @tensorflow/tfjs-backend-wasm ' +
        'is installed; training falls back to the pure-JavaScript cpu backend, ' +
        'which is about 100x slower. Run `npm install` to restore the wasm backend.',
    };
  }
  if (request === 'cpu') {
    return {
      name: 'cpu',
      warning:
        'WARNING: the cpu backend is pure JavaScript and about 100x slower than ' +
        'wasm for training; use it only for tiny checks.',
    };
  }
  return { name: request };
}

/** Engine family for cache keys: results may differ between these. */
export function engineFamily(name: BackendChoice['name']): string {
  return name === 'tensorflow-gpu' ? 'tensorflow-gpu' : name;
}

let started: string | undefined;

/**
 * Load and activate a backend in this process. Fails with a message that
 * says how to install the missing package.
 */
export async function startEngine(name: BackendChoice['name']): Promise<void> {
  if (started === name) return;
  if (started !== undefined) {
    throw new Error(`engine already started as ${started}; cannot switch to ${name}`);
  }
  if (name === 'tensorflow' || name === 'tensorflow-gpu') {
    const pkg = NATIVE_PACKAGES[name];
    try {
      await import(pkg);
    } catch (cause) {
      throw new Error(
        `backend \`${name}\` needs ${pkg}, which did not load` +
          ` (install it with \`npm install ${pkg}\`; it downloads libtensorflow` +
          ` during install). Use --backend wasm meanwhile.`,
        { cause },
      );
    }
  } else if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
  }
  // Both native packages register themselves under the name `tensorflow`.
  const ok = await tf.setBackend(name === 'tensorflow-gpu' ? 'tensorflow' : name);
  if (!ok) throw new Error(`backend \`${name}\` failed to initialise`);
  await tf.ready();
  installGradients();
  started = name;
}

/** What a WebAssembly trap looks like when the wasm heap is exhausted. */
const WASM_TRAP = /memory access out of bounds|Aborted\(|Cannot enlarge memory|out of memory/i;

/**
 * The wasm engine fails with a bare trap ("memory access out of bounds",
 * "Aborted()") when its heap, at most 4 GiB per process, is full. Such an
 * error gets the likely cause and what to change; any other passes through.
 */
export function explainEngineError(error: unknown, backend: string): unknown {
  if (backend !== 'wasm' || !(error instanceof Error) || !WASM_TRAP.test(error.message)) {
    return error;
  }
  const explained = new Error(
    `${error.message}: the wasm engine stopped, most likely out of memory ` +
      '(it has at most 4 GiB per worker process); lower `batch_size`, the image size ' +
      'or the number of images, or run with --backend tensorflow where it loads',
    { cause: error },
  );
  explained.stack = `${explained.message}\n${error.stack?.split('\n').slice(1).join('\n') ?? ''}`;
  return explained;
}
