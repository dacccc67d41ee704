/**
 * `image-folder`: images sorted into one folder per class,
 * `root/<class>/<name>.png|jpg|jpeg`, with masks in
 * `root/<masks>/<class>/<name><mask_suffix>.png|jpg|jpeg` (default
 * `root/masks/<class>/<name>.png`). With `masks: .` and a suffix such as
 * `_mask`, masks sit beside their images and files ending in the suffix are
 * not taken for images. Class folders are read one level deep; the id of an
 * image is `<class>/<name>`.
 */
import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import type { StageKind } from '../types.js';
import { buildDataset, type SourceItem } from '../data/build.js';
import { writeDataset } from '../data/dataset.js';
import { DataProblems, problemNotice } from '../data/problems.js';
import { fileMask, SOURCE_OUTPUTS, SOURCE_PARAMS, sourceOptions } from '../data/source-params.js';
import { missingPath } from '../data/check-paths.js';
import { entryKind } from '../data/paths.js';

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
  outputs: SOURCE_OUTPUTS,
  notice: problemNotice,
  checkInstance: (p) => missingPath('root', p.root, 'folder'),
  inputFiles(p) {
    const root = resolve(p.root as string);
    const masks = resolve(root, p.masks as string);
    const inside = masks === root || masks.startsWith(root + sep);
    return inside ? [root] : [root, masks];
  },
  async run(ctx, p) {
    const root = resolve(p.root as string);
    if (!existsSync(root))
      throw new Error(`${ctx.instanceId}: image folder ${root} does not exist`);
    if (!statSync(root).isDirectory()) {
      throw new Error(
        `${ctx.instanceId}: ${root} is a file; \`root\` names the folder of class folders`,
      );
    }
    const problems = new DataProblems(ctx.instanceId, (m) => ctx.log(m));
    const { items, classNames, otherFiles } = await listFolder(
      root,
      p.masks as string,
      p.mask_suffix as string,
      p.mask_threshold as number,
    ).catch((error: Error) => {
      throw new Error(`${ctx.instanceId}: ${error.message}`, { cause: error });
    });
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

/**
 * A folder's files and subfolders by name, sorted, hidden names skipped and
 * symbolic links followed. A broken link counts as a file (reading it then
 * reports it); anything else (pipes, sockets, folders inside a class) is
 * counted in `others`.
 */
async function entriesOf(dir: string) {
  const files: string[] = [];
  const folders: string[] = [];
  let others = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' ? 'permission denied' : (code ?? String(error));
    throw new Error(`cannot list the folder ${dir} (${why})`, { cause: error });
  }
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const kind = await entryKind(dir, e);
    if (kind === 'folder') folders.push(e.name);
    else if (kind === 'file') files.push(e.name);
    else others++;
  }
  return { files: files.sort(), folders: folders.sort(), others };
}

async function listFolder(root: string, masks: string, suffix: string, threshold: number) {
  const maskRoot = resolve(root, masks);
  const beside = maskRoot === root;
  const classNames = (await entriesOf(root)).folders.filter(
    (name) => resolve(root, name) !== maskRoot,
  );

  const items: SourceItem[] = [];
  let otherFiles = 0;
  for (const cls of classNames) {
    // Only files one level down are images; subfolders and pipes are counted.
    const { files, folders, others } = await entriesOf(join(root, cls));
    otherFiles += others + folders.length;
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
