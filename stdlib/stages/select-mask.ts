/**
 * `select-mask`: make one of a dataset's extra masks (e.g. `decoy`) its
 * primary ground truth, for stages that read only the primary one (align,
 * explain, metrics). The former primary mask becomes an extra mask under
 * its name (`object` unless the dataset says otherwise). Images and labels
 * are copied unchanged.
 */
import { join } from 'node:path';
import type { StageKind } from '../types.js';
import {
  type Split,
  SPLITS,
  countEmpty,
  readDataset,
  splitOf,
  writeDataset,
  type Dataset,
} from '../data/dataset.js';

export const selectMask: StageKind = {
  kind: 'select-mask',
  version: 1,
  doc: 'Make an extra mask (e.g. `decoy`) the primary ground truth of a dataset.',
  usesEngine: false,
  params: {
    data: { type: 'artifact', artifact: 'dataset', required: true, doc: 'the dataset' },
    mask: { type: 'string', required: true, doc: 'name of the extra mask to make primary' },
  },
  outputs: {
    dataset: {
      type: 'artifact',
      artifact: 'dataset',
      doc: 'the same dataset with another primary mask',
    },
    summary: { type: 'json', doc: 'the primary mask and the empty masks per split' },
  },
  async run(ctx, p) {
    const input = await readDataset(p.data as string);
    const out = swapMask(input, p.mask as string, ctx.instanceId);
    await writeDataset(join(ctx.outDir, 'dataset'), out);
    return {
      summary: { mask: out.meta.maskName ?? null, empty_masks: out.meta.emptyMasks as never },
    };
  },
};

export function swapMask(input: Dataset, name: string, stage: string): Dataset {
  const extra = input.meta.extraMasks ?? [];
  if (!extra.includes(name)) {
    throw new Error(
      `${stage}: the dataset has no mask \`${name}\`; ` +
        `its extra masks are: ${extra.join(', ') || '(none)'}`,
    );
  }
  const old = input.meta.maskName ?? 'object';
  const extraMasks = [...extra.filter((m) => m !== name), old];
  const px = input.meta.height * input.meta.width;
  const splits = {} as Dataset['splits'];
  const emptyMasks = { ...input.meta.emptyMasks };
  for (const s of SPLITS) {
    const src = splitOf(input, s);
    const others = { ...(src.extraMasks ?? {}) };
    const masks = others[name];
    delete others[name];
    others[old] = src.masks;
    splits[s] = { ...src, masks, extraMasks: others } satisfies Split;
    emptyMasks[s] = countEmpty(masks, px);
  }
  return { meta: { ...input.meta, maskName: name, extraMasks, emptyMasks }, splits };
}
