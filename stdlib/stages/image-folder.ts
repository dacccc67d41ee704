/**
 * `image-folder`: images sorted into one folder per class,
 * `root/<class>/<name>.png|jpg|jpeg`, with masks in
 * `root/<masks>/<class>/<name><mask_suffix>.png|jpg|jpeg` (default
 * `root/masks/<class>/<name>.png`). With `masks: .` and a suffix such as
 * `_mask`, masks sit beside their images and files ending in the suffix are
 * not taken for images. Class folders are read one level deep; the id of an
 * image is `<class>/<name>`.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import type { StageKind } from '../types.js';
import { buildDataset, type SourceItem } from '../data/build.js';
import { writeDataset } from '../data/dataset.js';
import { DataProblems } from '../data/problems.js';
import { fileMask, SOURCE_PARAMS, sourceOptions } from '../data/source-params.js';

const IMAGE_EXT = ['.png', '.jpg', '.jpeg'];

export const imageFolder: StageKind = {
  kind: 'image-folder',
  version: 1,
  doc: 'Images in root/<class>/, masks in root/masks/<class>/ (PNG or JPEG).',
  usesEngine: false,
  params: {
    root: {
      type: 'string',
      required: true,
      doc: 'folder with one subfolder per class (relative: to where alignlab runs)',
    },
    masks: {
      type: 'string',
      default: 'masks',
      doc:
        'folder (relative to root) with one subfolder per class holding the masks; ' +
        '`.` for masks beside images',
    },
    mask_suffix: {
      type: 'string',
      default: '',
      doc: "added to an image's name to get its mask's, e.g. `_mask`",
    },
    ...SOURCE_PARAMS,
  },
  outputs: {
    dataset: { type: 'artifact', artifact: 'dataset', doc: 'images, labels and masks per split' },
    summary: { type: 'json', doc: 'source, counts, and every skipped item with its reason' },
  },
  inputFiles: (p) => [p.root as string],
  async run(ctx, p) {
    const root = resolve(p.root as string);
    if (!existsSync(root))
      throw new Error(`${ctx.instanceId}: image folder ${root} does not exist`);
    const problems = new DataProblems(ctx.instanceId, (m) => ctx.log(m));
    const { items, classNames, otherFiles } = await listFolder(
      root,
      p.masks as string,
      p.mask_suffix as string,
      p.mask_threshold as number,
    );
    if (classNames.length === 0) {
      throw new Error(
        `${ctx.instanceId}: ${root} has no class folders; expected root/<class>/<image>`,
      );
    }
    const { dataset, summary } = await buildDataset(items, {
      ...sourceOptions(ctx, p, problems),
      source: `image-folder (${root})`,
      classNames,
    });
    await writeDataset(join(ctx.outDir, 'dataset'), dataset);
    ctx.log(`${items.length} images listed, ${otherFiles} other files ignored`);
    return { summary: { ...summary, other_files: otherFiles } };
  },
};

async function listFolder(root: string, masks: string, suffix: string, threshold: number) {
  const maskRoot = resolve(root, masks);
  const beside = maskRoot === root;
  const entries = await readdir(root, { withFileTypes: true });
  const classNames = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && resolve(root, e.name) !== maskRoot)
    .map((e) => e.name)
    .sort();

  const items: SourceItem[] = [];
  let otherFiles = 0;
  for (const cls of classNames) {
    const files = (await readdir(join(root, cls), { withFileTypes: true }))
      .filter((e) => e.isFile() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
    for (const name of files) {
      const ext = extname(name).toLowerCase();
      const stem = name.slice(0, name.length - ext.length);
      if (!IMAGE_EXT.includes(ext)) {
        otherFiles++;
        continue;
      }
      if (beside && suffix !== '' && stem.endsWith(suffix)) continue;
      const maskFile = IMAGE_EXT.map((e) => join(maskRoot, cls, `${stem}${suffix}${e}`)).find((f) =>
        existsSync(f),
      );
      items.push({
        id: `${cls}/${stem}`,
        file: join(cls, name),
        path: join(root, cls, name),
        positives: [cls],
        masks: {
          [cls]:
            maskFile === undefined
              ? `none of ${relative(root, join(maskRoot, cls, stem + suffix))}.png|jpg|jpeg exists`
              : fileMask(maskFile, relative(root, maskFile), threshold),
        },
      });
    }
  }
  return { items, classNames, otherFiles };
}
