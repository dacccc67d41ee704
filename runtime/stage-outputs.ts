/**
 * Checking what a stage produced against the outputs its kind declares.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Json, StageKind } from '../stdlib/types.js';
import type { OutputRecord } from './manifest.js';

/** A sentence saying what is wrong, or undefined when all outputs are there. */
export async function checkOutputs(
  kind: StageKind,
  staging: string,
  returned: Record<string, Json>,
): Promise<string | undefined> {
  for (const [name, spec] of Object.entries(kind.outputs)) {
    if (spec.type === 'artifact') {
      const folder = join(staging, 'out', name);
      const info = await stat(folder).catch(() => undefined);
      if (!info?.isDirectory()) {
        return (
          `stage kind \`${kind.kind}\` declares the artifact output \`${name}\` ` +
          `but wrote no folder ctx.outDir/${name}/; write the artifact there`
        );
      }
    } else if (!(name in returned)) {
      return (
        `stage kind \`${kind.kind}\` declares the json output \`${name}\` ` +
        'but run() did not return it; return it in the result object'
      );
    }
  }
  return undefined;
}

/** The manifest's output table: json values inline, artifacts by name. */
export function collectJsonOutputs(
  kind: StageKind,
  returned: Record<string, Json>,
): Record<string, OutputRecord> {
  const outputs: Record<string, OutputRecord> = {};
  for (const [name, spec] of Object.entries(kind.outputs)) {
    outputs[name] =
      spec.type === 'artifact' ? { type: 'artifact' } : { type: 'json', value: returned[name] };
  }
  // Undeclared returned values are kept too; a consumer may still read them.
  for (const [name, value] of Object.entries(returned)) {
    if (!(name in outputs)) outputs[name] = { type: 'json', value };
  }
  return outputs;
}
