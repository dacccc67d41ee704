/**
 * The stage kinds a process knows: the built-in ones from stdlib, then those
 * registered by plugins. Main process and workers load them the same way.
 */
import type { StageKind } from '../stdlib/types.js';
import { loadPlugins } from './plugins.js';

export async function loadRegistry(plugins: string[]): Promise<ReadonlyMap<string, StageKind>> {
  await importBuiltins();
  await loadPlugins(plugins);
  const { registry } = await import('../stdlib/registry.js');
  return registry;
}

/**
 * Built-in kinds register themselves when stdlib/index.js is imported. While
 * stdlib is young that module may be missing; then only plugin kinds exist.
 */
async function importBuiltins(): Promise<void> {
  const specifier = '../stdlib/index.js';
  try {
    await import(specifier);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    const missing = err.code === 'ERR_MODULE_NOT_FOUND' && /stdlib[/\\]index\.js/.test(err.message);
    if (!missing) {
      throw new Error(`the built-in stage kinds failed to load: ${err.message}`, { cause: error });
    }
  }
}
