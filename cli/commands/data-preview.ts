/**
 * `alignlab data preview <study.yaml> [--stage data] [--n 16] [--split train]
 * [--out file.png]`: runs the data stage (and what it reads from) through
 * the normal runtime and cache, then writes a PNG grid of the first n
 * images of a split with their mask outlines.
 */
import { statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Plan } from '../../lang/plan.js';
import { keyPlan } from '../../runtime/input-files.js';
import { CacheLayout } from '../../runtime/cache-layout.js';
import { createLogger } from '../../runtime/logger.js';
import { runPlan } from '../../runtime/run-plan.js';
import { readDataset, SPLITS, type SplitName } from '../../stdlib/data/dataset.js';
import { encodePng } from '../../stdlib/data/image-codec.js';
import { OUTLINE_COLOURS, renderPreview } from '../../stdlib/data/preview.js';
import type { CliOptions } from '../args.js';
import { resolveBackend } from '../backend.js';
import { usableFolder } from '../folders.js';
import { loadStudy } from '../load-study.js';
import { EXIT, UsageError } from '../usage.js';

export async function dataCommand(options: CliOptions): Promise<number> {
  const [sub, file, ...extra] = options.positionals;
  if (sub !== 'preview') {
    throw new UsageError(
      '`alignlab data` has one subcommand: ' +
        'alignlab data preview study.yaml [--stage data] [--n 16]',
    );
  }
  if (file === undefined) throw new UsageError('`alignlab data preview` needs a study file');
  if (extra.length > 0) throw new UsageError(`unexpected argument \`${extra[0]}\``);
  const split = (options.split ?? 'train') as SplitName;
  if (!SPLITS.includes(split))
    throw new UsageError(`--split must be one of ${SPLITS.join(', ')}; got \`${split}\``);

  if (options.out !== undefined) {
    if (statSync(options.out, { throwIfNoEntry: false })?.isDirectory()) {
      throw new UsageError(
        `--out names the PNG file to write, but ${options.out} is a folder; ` +
          `write --out ${join(options.out, 'preview.png')}`,
      );
    }
    if (!/\.png$/i.test(options.out)) {
      throw new UsageError(`--out names a PNG file (the grid is a PNG), not \`${options.out}\``);
    }
    usableFolder('--out', dirname(resolve(options.out)));
  }

  const { plan, registry, plugins } = await loadStudy(file, options);
  const stage = options.stage ?? 'data';
  const target = plan.instances.find((i) => i.stage === stage);
  if (target === undefined) {
    const stages = [...new Set(plan.instances.map((i) => i.stage))];
    throw new UsageError(`the study has no stage \`${stage}\`; its stages: ${stages.join(', ')}`);
  }
  if (registry.get(target.kind)?.outputs.dataset?.type !== 'artifact') {
    throw new UsageError(
      `stage \`${stage}\` (kind \`${target.kind}\`) has no \`dataset\` output to preview`,
    );
  }

  // Only the target and what it reads from run; cached results are reused.
  const needed = upstream(plan, target.id);
  const backend = await resolveBackend(options.backend);
  const cacheDir = resolve(options.cacheDir);
  const logger = createLogger({
    json: false,
    streams: { out: process.stderr, err: process.stderr },
  });
  try {
    const summary = await runPlan(needed, {
      registry,
      cacheDir,
      outDir: resolve(join('runs', plan.name)),
      backend: backend.name,
      engineFamily: backend.family,
      jobs: options.jobs,
      plugins,
      logger,
    });
    if (summary.failed > 0) return EXIT.stageFailed;
  } finally {
    logger.close();
  }
  const key = (await keyPlan(needed, registry, backend.family, cacheDir)).get(target.id)!.key;
  const ds = await readDataset(new CacheLayout(cacheDir).artifact(key, 'dataset'));

  const { image, tiles, masks } = renderPreview(ds, split, options.n ?? 16);
  const out = resolve(options.out ?? join('runs', plan.name, `preview-${stage}-${split}.png`));
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, encodePng(image));
  const colours = ['red', 'yellow', 'cyan', 'magenta'];
  process.stdout.write(
    `${out}\n${tiles.length} ${split} images of ${target.id} (${ds.meta.source}), ` +
      `${ds.meta.height}x${ds.meta.width}x${ds.meta.channels}; outlines: ` +
      masks.map((m, j) => `${m} ${colours[j % OUTLINE_COLOURS.length]}`).join(', ') +
      '\n' +
      tiles.map((t) => `  ${String(t.index + 1).padStart(3)}  ${t.label}  ${t.id}`).join('\n') +
      '\n',
  );
  return EXIT.ok;
}

/** The plan cut down to one instance and everything it reads from. */
function upstream(plan: Plan, id: string): Plan {
  const byId = new Map(plan.instances.map((i) => [i.id, i]));
  const need = new Set<string>();
  const visit = (x: string) => {
    if (need.has(x)) return;
    need.add(x);
    for (const d of byId.get(x)?.deps ?? []) visit(d);
  };
  visit(id);
  const instances = plan.instances.filter((i) => need.has(i.id));
  return {
    ...plan,
    instances,
    cells: [{ id: '', axes: {}, instances: instances.map((i) => i.id) }],
  };
}
