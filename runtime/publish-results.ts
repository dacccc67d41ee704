/**
 * After a run: copy the artifact output of every instance whose kind
 * publishes one into the run folder, and hand its printable file to the
 * logger.
 */
import { appendFile, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyedInstance } from './cache-key.js';
import { type CacheLayout, fileSafe } from './cache-layout.js';
import type { Logger } from './events.js';
import { faultPoint } from './fault.js';
import { type Provenance, provenanceMarkdown } from './provenance.js';
import type { InstanceResult } from './scheduler.js';

export async function publishResults(
  keyed: ReadonlyMap<string, KeyedInstance>,
  results: ReadonlyMap<string, InstanceResult>,
  layout: CacheLayout,
  outDir: string,
  logger: Logger,
  provenance: Provenance,
): Promise<void> {
  for (const [id, k] of keyed) {
    const publish = k.kind.publish;
    const result = results.get(id);
    if (publish === undefined || result === undefined || !('manifest' in result)) continue;

    // Replace the folder: a run folder shows the latest results only.
    const folder = join(outDir, fileSafe(id));
    await rm(folder, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    faultPoint('report-removed');
    await cp(layout.artifact(result.manifest.key, publish.output), folder, { recursive: true });

    // The copy, not the immutable cache entry, carries the run's provenance.
    await writeFile(join(folder, 'provenance.json'), JSON.stringify(provenance, null, 2) + '\n');
    if (publish.print?.endsWith('.md')) {
      await appendFile(join(folder, publish.print), '\n' + provenanceMarkdown(provenance)).catch(
        () => undefined,
      );
    }

    let text: string | undefined;
    if (publish.print !== undefined) {
      text = await readFile(join(folder, publish.print), 'utf8').catch(() => undefined);
      if (text === undefined) {
        logger.log({
          type: 'warning',
          message:
            `\`${id}\` should print ${publish.print}, ` +
            `but its ${publish.output} output has no such file`,
        });
      }
    }
    logger.log({ type: 'report', instance: id, folder, file: publish.print, text });
  }
}
