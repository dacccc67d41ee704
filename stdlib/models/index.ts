/**
 * Model architectures by name, and saving/loading weights as an artifact
 * folder: `model.json` (spec, weight names and shapes) + `weights.bin`
 * (little-endian float32, concatenated in the listed order).
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Rng } from '../tf/rng.js';
import { assignVariablesFromBytes, variablesSize, variablesToBytes } from '../tf/variable-bytes.js';
import { buildCnn } from './cnn.js';
import { buildDenseNet } from './densenet.js';
import { buildLinear, buildMlp } from './small.js';
import { buildSwin } from './swin.js';
import { buildVit } from './vit.js';
import type { Model, ModelSpec } from './model.js';

export type { Model, ModelSpec } from './model.js';
export type { LayerOps } from './layers.js';
export { disposeModel } from './model.js';

const ARCHITECTURES: Record<string, (spec: ModelSpec, rng: Rng) => Model> = {
  cnn: buildCnn,
  densenet: buildDenseNet,
  vit: buildVit,
  swin: buildSwin,
  linear: buildLinear,
  mlp: buildMlp,
};

export const MODEL_NAMES = Object.keys(ARCHITECTURES);

export function createModel(spec: ModelSpec, seed: number): Model {
  const build = ARCHITECTURES[spec.arch];
  if (!build) {
    throw new Error(`unknown model \`${spec.arch}\`; known models: ${MODEL_NAMES.join(', ')}`);
  }
  return build(spec, Rng.derive(seed, `init:${spec.arch}`));
}

/** Raw float32 bytes of all weights, in order. */
export function weightBytes(model: Model): Buffer {
  return variablesToBytes(model.weights.map((w) => w.value));
}

/** Overwrite the model's weights from bytes written by weightBytes. */
export function assignWeightBytes(model: Model, bytes: Buffer, what: string): void {
  const vars = model.weights.map((w) => w.value);
  const total = variablesSize(vars);
  if (bytes.byteLength !== total * 4) {
    throw new Error(`${what}: expected ${total * 4} bytes of weights, found ${bytes.byteLength}`);
  }
  assignVariablesFromBytes(vars, bytes);
}

export async function saveModel(model: Model, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const meta = {
    format: 1,
    spec: model.spec,
    weights: model.weights.map((w) => ({ name: w.name, shape: w.value.shape })),
  };
  await writeFile(join(dir, 'model.json'), JSON.stringify(meta, null, 2));
  await writeFile(join(dir, 'weights.bin'), weightBytes(model));
}

export async function loadModel(dir: string): Promise<Model> {
  const file = join(dir, 'model.json');
  const meta = JSON.parse(await readFile(file, 'utf8')) as {
    spec: ModelSpec;
    weights: { name: string; shape: number[] }[];
  };
  const model = createModel(meta.spec, 0);
  const names = model.weights.map((w) => w.name).join(',');
  if (names !== meta.weights.map((w) => w.name).join(',')) {
    throw new Error(`${file}: weights do not match architecture \`${meta.spec.arch}\``);
  }
  assignWeightBytes(model, await readFile(join(dir, 'weights.bin')), file);
  return model;
}
