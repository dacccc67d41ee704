/**
 * Plugins: extra modules that call registerStageKind when imported. They are
 * loaded in the main process and in every worker, in the same order.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from './errors.js';

/** Absolute paths for plugin arguments given relative to `cwd`. */
export function resolvePlugins(specs: string[], cwd = process.cwd()): string[] {
  return specs.map((spec) => (isAbsolute(spec) ? spec : resolve(cwd, spec)));
}

export async function loadPlugins(paths: string[]): Promise<void> {
  for (const path of paths) {
    try {
      await import(pathToFileURL(path).href);
    } catch (error) {
      throw new UserError(
        `plugin ${path} failed to load: ${(error as Error).message}; ` +
          'check the path given to --plugin',
        { cause: error },
      );
    }
  }
}
