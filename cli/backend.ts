/**
 * Resolving `--backend` once, in the main process. The engine module is
 * imported only here, because it loads TensorFlow.js.
 */
import type { BackendRequest } from '../stdlib/engine.js';

export interface ResolvedBackend {
  name: string;
  family: string;
}

export async function resolveBackend(request: BackendRequest): Promise<ResolvedBackend> {
  const { chooseBackend, engineFamily } = await import('../stdlib/engine.js');
  const choice = chooseBackend(request);
  if (choice.warning !== undefined) process.stderr.write(choice.warning + '\n');
  return { name: choice.name, family: engineFamily(choice.name) };
}
