/**
 * Milliseconds per training step and per alignment step (classification
 * loss + location loss through the gradient explanation) for the quick
 * study's CNN on Fashion-MNIST-sized input.
 *
 *   node dist/bench/align-step.js [--backend wasm] [--batch 16] [--steps 30]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { startEngine, type BackendRequest, chooseBackend } from '../stdlib/engine.js';
import { createModel } from '../stdlib/models/index.js';
import { gradient } from '../stdlib/explainers/gradient.js';
import { crossEntropy, locationLoss } from '../stdlib/location-loss.js';
import { AdamW } from '../stdlib/tf/adamw.js';
import { Rng } from '../stdlib/tf/rng.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    batch: { type: 'string', default: '16' },
    steps: { type: 'string', default: '30' },
    arch: { type: 'string', default: 'cnn' },
  },
});
const choice = chooseBackend(values.backend as BackendRequest);
await startEngine(choice.name);
const bs = Number(values.batch);
const steps = Number(values.steps);
const model = createModel({ arch: values.arch!, input: [28, 28, 1], classes: 10 }, 0);
const vars = model.weights.map((w) => w.value);
const opt = new AdamW(vars, { lr: 1e-3 });
const rng = new Rng(1);
const x = tf.tensor4d(
  Float32Array.from({ length: bs * 784 }, () => rng.next()),
  [bs, 28, 28, 1],
);
const y = tf.tensor1d(
  Int32Array.from({ length: bs }, (_, i) => i % 10),
  'int32',
);
const mask = tf.tidy(() => tf.cast(tf.greater(tf.squeeze(x, [3]), 0.5), 'float32')) as tf.Tensor3D;

function step(align: boolean) {
  tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const ce = crossEntropy(model.apply(x), y);
      if (!align) return ce;
      return tf.add(ce, locationLoss(gradient(model, x, y), mask, 'in_mask'));
    }, vars);
    opt.apply(vars.map((v) => grads[v.name]));
  });
}

for (const align of [false, true]) {
  for (let i = 0; i < 3; i++) step(align);
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step(align);
  const ms = (performance.now() - t0) / steps;
  const leaked = tf.memory().numTensors - before;
  console.log(
    `${tf.getBackend()} ${values.arch} batch ${bs} ${align ? 'align' : 'train'} step: ` +
      `${ms.toFixed(1)} ms (tensors leaked over ${steps} steps: ${leaked})`,
  );
}
