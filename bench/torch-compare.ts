/**
 * alignlab vs PyTorch on identical weights and inputs (28x28, batch 16):
 *
 *   1. relevance maps of gradient, gradient x input, integrated gradients
 *      (20 steps) and SmoothGrad (20 samples, the same noise) on the CNN and
 *      the ViT: relative error ||a - b|| / ||b|| per image against float64
 *      PyTorch autograd;
 *   2. ms per alignment step (cross-entropy + location loss through the
 *      explanation, backward to the weights, AdamW update) for gradient,
 *      IG (4 steps), SmoothGrad (4 samples) and LRP, both single-threaded.
 *
 *   node dist/bench/torch-compare.js [--arch cnn,vit] [--batch 16] [--steps 5]
 *
 * Needs PyTorch for /usr/bin/python3 (bench only, never at run time).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { startEngine } from '../stdlib/engine.js';
import { createModel, type ModelSpec } from '../stdlib/models/index.js';
import { explain, type ExplainOptions, type ExplainerName } from '../stdlib/explainers/index.js';
import { crossEntropy, locationLoss } from '../stdlib/location-loss.js';
import { AdamW } from '../stdlib/tf/adamw.js';

interface Reference {
  batch: number;
  models: Record<
    string,
    {
      spec: ModelSpec;
      weights: Record<string, { shape: number[]; values: number[] }>;
      x: number[];
      labels: number[];
      noise: number[];
      maps: { explainer: ExplainerName; options: Partial<ExplainOptions>; relevance: number[] }[];
      ms_per_step: Record<string, number>;
    }
  >;
}

const { values } = parseArgs({
  options: {
    arch: { type: 'string', default: 'cnn,vit' },
    batch: { type: 'string', default: '16' },
    steps: { type: 'string', default: '5' },
  },
});

const out = join(mkdtempSync(join(tmpdir(), 'alignlab-torch-')), 'reference.json');
const script = new URL('../../bench/torch-reference.py', import.meta.url).pathname;
execFileSync(
  '/usr/bin/python3',
  [script, 'maps', out, '--arch', values.arch!, '--batch', values.batch!, '--steps', values.steps!],
  { stdio: 'inherit', env: { ...process.env, OMP_NUM_THREADS: '1' } },
);
const ref = JSON.parse(readFileSync(out, 'utf8')) as Reference;
await startEngine('wasm');

const STEP_CASES: [ExplainerName, Partial<ExplainOptions>][] = [
  ['gradient', {}],
  ['integrated_gradients', { steps: 4 }],
  ['smoothgrad', { samples: 4, noise: 0.1 }],
  ['lrp', { rule: 'epsilon_plus' }],
];

let worst = 0;
for (const [arch, m] of Object.entries(ref.models)) {
  const model = createModel(m.spec, 0);
  for (const w of model.weights) w.value.assign(tf.tensor(m.weights[w.name].values, w.value.shape));
  const [h, wd, c] = m.spec.input;
  const b = m.labels.length;
  const px = h * wd * c;
  const x = tf.tensor4d(m.x, [b, h, wd, c]);
  const y = tf.tensor1d(m.labels, 'int32');
  const noise = tf.tensor(m.noise, [20, b, h, wd, c]);

  console.log(`\n${arch}: relative error per map vs float64 PyTorch (batch ${b})`);
  for (const ref1 of m.maps) {
    const opts = {
      ...ref1.options,
      ...(ref1.explainer === 'smoothgrad' ? { fixedNoise: noise } : {}),
    };
    const got = tf.tidy(() => explain(ref1.explainer, model, x, y, opts)).dataSync();
    let max = 0;
    for (let i = 0; i < b; i++) {
      let num = 0;
      let den = 0;
      for (let k = i * px; k < (i + 1) * px; k++) {
        num += (got[k] - ref1.relevance[k]) ** 2;
        den += ref1.relevance[k] ** 2;
      }
      max = Math.max(max, Math.sqrt(num / den));
    }
    worst = Math.max(worst, max);
    console.log(`  ${ref1.explainer.padEnd(22)} max over images ${max.toExponential(2)}`);
  }

  console.log(`\n${arch}: ms per alignment step, batch ${b}, one thread each`);
  console.log(`  ${'explainer'.padEnd(38)} ${'alignlab'.padStart(9)} ${'pytorch'.padStart(9)}`);
  const vars = model.weights.map((w) => w.value);
  const opt = new AdamW(vars, { lr: 1e-3 });
  const mask = tf.tidy(() =>
    tf.cast(tf.greater(tf.squeeze(x, [3]), 0.5), 'float32'),
  ) as tf.Tensor3D;
  const few = tf.slice(noise, [0, 0, 0, 0, 0], [4, b, h, wd, c]);
  for (const [name, o] of STEP_CASES) {
    const opts = name === 'smoothgrad' ? { ...o, fixedNoise: few } : o;
    const step = () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const ce = crossEntropy(model.apply(x), y);
          return tf.add(
            ce,
            locationLoss(explain(name, model, x, y, opts), mask, 'in_mask'),
          ) as tf.Scalar;
        }, vars);
        opt.apply(vars.map((v) => grads[v.name] ?? tf.zerosLike(v)));
      });
    for (let i = 0; i < 2; i++) step();
    const t0 = performance.now();
    const n = Number(values.steps);
    for (let i = 0; i < n; i++) step();
    const ms = (performance.now() - t0) / n;
    const label = `${name} ${JSON.stringify(o)}`;
    const torchMs = m.ms_per_step[name];
    console.log(
      `  ${label.padEnd(38)} ${ms.toFixed(0).padStart(9)} ${torchMs.toFixed(0).padStart(9)}`,
    );
  }
  opt.dispose();
}
console.log(`\nworst relative error of any map: ${worst.toExponential(2)} (bound 1e-4)`);
process.exitCode = worst <= 1e-4 ? 0 : 1;
