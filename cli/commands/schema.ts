/** `alignlab schema`: the JSON schema of study files, for editors. */
import { loadRegistry } from '../../runtime/load-registry.js';
import { resolvePlugins } from '../../runtime/plugins.js';
import { type CliOptions, noArgs } from '../args.js';
import { loadLang } from '../lang-api.js';
import { EXIT } from '../usage.js';

export async function schemaCommand(options: CliOptions): Promise<number> {
  noArgs(options);
  const registry = await loadRegistry(resolvePlugins(options.plugins));
  const lang = await loadLang();
  process.stdout.write(JSON.stringify(lang.studyJsonSchema(registry), null, 2) + '\n');
  return EXIT.ok;
}
