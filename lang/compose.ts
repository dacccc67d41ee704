/**
 * Loads a study and the files it imports. Imports are read relative to the
 * importing file; maps merge deeply, later imports win over earlier ones,
 * the importing file wins last, and lists replace each other whole. Every
 * node keeps its own file, so diagnostics point into the right one.
 */
import * as path from 'node:path';
import { loadYaml } from './load-yaml.js';
import type { Reporter } from './source.js';
import { entry, span, type YMap, type YNode, type YScalar } from './yaml-tree.js';

export type ReadFile = (file: string) => Promise<string>;

export async function loadComposed(
  file: string,
  read: ReadFile,
  rep: Reporter,
): Promise<YNode | undefined> {
  let failure: NodeJS.ErrnoException | undefined;
  const text = await read(file).catch((error: NodeJS.ErrnoException) => {
    failure = error;
    return undefined;
  });
  if (text === undefined) {
    rep.sources.set(file, '');
    const folder = failure?.code === 'EISDIR';
    rep.error({
      code: 'FILE_NOT_FOUND',
      message: folder
        ? `\`${file}\` is a folder, not a study file`
        : `cannot read the study file \`${file}\``,
      file,
      offset: 0,
      hint: folder
        ? 'name a .yaml file in it, e.g. `experiments/fashion-mnist-quick.yaml`'
        : 'check the path; it is relative to the current folder',
    });
    return undefined;
  }
  return load(file, text, read, rep, [path.resolve(file)]);
}

async function load(
  file: string,
  text: string,
  read: ReadFile,
  rep: Reporter,
  chain: string[],
): Promise<YNode | undefined> {
  rep.sources.set(file, text);
  const node = loadYaml(file, text, rep);
  if (!node || node.kind !== 'map') return node;
  const imports = entry(node, 'imports');
  if (!imports) return node;
  const own: YMap = { ...node, entries: node.entries.filter((e) => e.key !== 'imports') };

  let merged: YNode | undefined;
  for (const item of importList(imports.value, rep)) {
    const target = path.resolve(path.dirname(file), item.value as string);
    const shown = path.relative(process.cwd(), target) || target;
    if (chain.includes(target)) {
      const cycle = [...chain.slice(chain.indexOf(target)), target]
        .map((f) => path.basename(f))
        .join(' → ');
      rep.error({
        code: 'IMPORT_CYCLE',
        message: `importing \`${item.value}\` closes a cycle: ${cycle}`,
        file,
        offset: item.start,
        length: span(item),
        hint: 'move what both files need into a third file that neither imports back',
      });
      continue;
    }
    const sub = await read(shown)
      .catch(() => read(target))
      .catch(() => undefined);
    if (sub === undefined) {
      rep.error({
        code: 'IMPORT_NOT_FOUND',
        message: `cannot read imported file \`${item.value}\``,
        file,
        offset: item.start,
        length: span(item),
        hint: `the path is relative to this file's folder: ${path.dirname(file) || '.'}`,
      });
      continue;
    }
    const subNode = await load(shown, sub, read, rep, [...chain, target]);
    if (!subNode) continue;
    if (subNode.kind !== 'map') {
      rep.error({
        code: 'BAD_IMPORT',
        message: `imported file \`${item.value}\` is not a map of study keys`,
        file,
        offset: item.start,
        length: span(item),
      });
      continue;
    }
    merged = merged ? mergeNodes(merged, subNode) : subNode;
  }
  return merged ? mergeNodes(merged, own) : own;
}

function importList(node: YNode, rep: Reporter): YScalar[] {
  const items = node.kind === 'seq' ? node.items : [node];
  return items.filter((i): i is YScalar => {
    if (i.kind === 'scalar' && typeof i.value === 'string' && i.value !== '') return true;
    rep.error({
      code: 'BAD_IMPORT',
      message: '`imports` lists file paths',
      file: i.file,
      offset: i.start,
      length: span(i),
      hint: 'write `imports: [base.yaml]`',
    });
    return false;
  });
}

/** `over` wins; maps merge key by key (keys keep their first place), anything else replaces whole. */
export function mergeNodes(base: YNode, over: YNode): YNode {
  if (base.kind !== 'map' || over.kind !== 'map') return over;
  const entries = base.entries.map((b) => {
    const o = over.entries.find((e) => e.key === b.key);
    return o ? { ...b, value: mergeNodes(b.value, o.value) } : b;
  });
  for (const o of over.entries) {
    if (!base.entries.some((b) => b.key === o.key)) entries.push(o);
  }
  return { ...over, entries };
}
