/**
 * For every architecture and trainable explainer: the location loss of the
 * explanation and its gradient w.r.t. all weights match a float64 PyTorch
 * reference on the same weights (test/fixtures/explainers/, written by
 * bench/torch-reference.py).
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { wasm } from './helpers/stdlib.js';
import { createModel, type ModelSpec } from '../stdlib/models/index.js';
import { explain, type ExplainOptions, type ExplainerName } from '../stdlib/explainers/index.js';
import { locationLoss } from '../stdlib/location-loss.js';

test.before(wasm);

interface Fixture {
  spec: ModelSpec;
  weights: Record<string, { shape: number[]; values: number[] }>;
  x: number[];
  labels: number[];
  mask: number[];
  noise: number[];
  cases: {
    explainer: ExplainerName;
    options: Partial<ExplainOptions>;
    loss: number;
    relevance: number[];
    grads: Record<string, number[]>;
  }[];
}

const relL2 = (got: ArrayLike<number>, want: number[]) => {
  let num = 0;
  let den = 0;
  want.forEach((v, i) => {
    num += (got[i] - v) ** 2;
    den += v ** 2;
  });
  return { rel: Math.sqrt(num / den), den };
};

for (const arch of ['cnn', 'densenet', 'vit', 'swin']) {
  const fx = JSON.parse(
    readFileSync(new URL(`../../test/fixtures/explainers/${arch}.json`, import.meta.url), 'utf8'),
  ) as Fixture;
  for (const c of fx.cases) {
    const what = `${c.explainer}${Object.keys(c.options).length ? ` ${JSON.stringify(c.options)}` : ''}`;
    test(`${arch} x ${what}: location-loss gradient matches float64 PyTorch`, (t) => {
      const model = createModel(fx.spec, 0);
      t.deepEqual(model.weights.map((w) => w.name).sort(), Object.keys(fx.weights).sort());
      for (const w of model.weights) {
        t.deepEqual(w.value.shape, fx.weights[w.name].shape, w.name);
        w.value.assign(tf.tensor(fx.weights[w.name].values, w.value.shape));
      }
      const [h, wd, ch] = fx.spec.input;
      const b = fx.labels.length;
      const x = tf.tensor4d(fx.x, [b, h, wd, ch]);
      const y = tf.tensor1d(fx.labels, 'int32');
      const mask = tf.tensor3d(fx.mask, [b, h, wd]);
      const opts: Partial<ExplainOptions> = { ...c.options };
      if (c.explainer === 'smoothgrad') opts.fixedNoise = tf.tensor(fx.noise);
      const vars = model.weights.map((w) => w.value);
      let relevance: Float32Array | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const r = explain(c.explainer, model, x, y, opts);
        relevance = r.dataSync() as Float32Array;
        return locationLoss(r, mask, 'in_mask');
      }, vars);
      const map = relL2(relevance!, c.relevance);
      t.true(map.rel <= 1e-4, `relevance map: relative L2 error ${map.rel}`);
      const loss = value.dataSync()[0];
      t.true(Math.abs(loss - c.loss) <= 1e-4 * Math.abs(c.loss), `loss ${loss} vs ${c.loss}`);
      const got: number[] = [];
      const want: number[] = [];
      for (const w of model.weights) {
        // A weight the loss does not reach (a head bias under a gradient
        // explainer) has no gradient entry: it is zero.
        const g = grads[w.value.name];
        got.push(...(g ? g.dataSync() : new Float32Array(w.value.size)));
        want.push(...c.grads[w.name]);
      }
      const g = relL2(got, want);
      t.true(g.den > 0 && g.rel <= 1e-3, `weight gradient: relative L2 error ${g.rel}`);
      tf.dispose([x, y, mask, value, ...Object.values(grads)]);
      for (const w of model.weights) w.value.dispose();
    });
  }
}
