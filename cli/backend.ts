/**
 * Resolving `--backend` once, in the main process. The engine module is
 * imported only here, because it loads TensorFlow.js.
 */
import { createRequire } from 'node:module';
import type { BackendRequest } from '../stdlib/engine.js';
import { UsageError } from './usage.js';

export interface ResolvedBackend {
  name: string;
  family: string;
}

/**
 * The packages of the native backends, as in stdlib/engine.ts. Repeated so
 * that the check below needs no engine: loading libtensorflow takes seconds
 * and memory the main process has no use for.
 */
const NATIVE_PACKAGES: Partial<Record<BackendRequest, string>> = {
  tensorflow: '@tensorflow/tfjs-node',
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
};

const require = createRequire(import.meta.url);

/**
 * A native backend asked for by name must be installed: without this check
 * the run would fail at its first engine stage, after the work before it.
 * Resolving the package is the check; workers load it.
 */
export function checkBackendInstalled(request: BackendRequest): void {
  const pkg = NATIVE_PACKAGES[request];
  if (pkg === undefined) return;
  try {
    require.resolve(pkg);
  } catch {
    throw new UsageError(
      `--backend ${request} needs ${pkg}, which is not installed; install it with ` +
        `\`npm install ${pkg}\` (it downloads libtensorflow), or use --backend wasm`,
    );
  }
}

export async function resolveBackend(request: BackendRequest): Promise<ResolvedBackend> {
  checkBackendInstalled(request);
  const { chooseBackend, engineFamily } = await import('../stdlib/engine.js');
  const choice = chooseBackend(request);
  if (choice.warning !== undefined) process.stderr.write(choice.warning + '\n');
  return { name: choice.name, family: engineFamily(choice.name) };
}
