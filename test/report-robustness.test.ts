/**
 * The robustness stage on a synthetic 2 models x 2 explainers study whose
 * discrepancies are known: fitted coefficients, per-group means and shares,
 * the files it writes and what its heatmaps show.
 */
import test from 'ava';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { robustness } from '../stdlib/stages/robustness.js';
import { heatmapLayout, rowScale } from '../stdlib/report/heatmaps.js';
import { fmt, massPinnedAtOne, nearChance } from '../stdlib/report/robustness-report.js';
import {
  buildFixture,
  context,
  EXPLAINERS,
  MODELS,
  N,
  SIZE,
  trueDiff,
} from './fixtures/report/study-fixture.js';

interface Term {
  name: string;
  estimate: number;
  se: number;
}
type Result = {
  ols: Record<'mass' | 'rank', { terms: Term[]; n: number }>;
  discrepancy: Record<
    string,
    Record<'mass' | 'rank', { mean: number; share: number; lo: number; hi: number; n: number }>
  >;
};

const run = (async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alignlab-robustness-'));
  const fx = await buildFixture(dir);
  const result = (await robustness.run(context(dir), fx.params)) as unknown as Result;
  return { dir, result, report: join(dir, 'out', 'report') };
})();

const coefficients: [string, 'mass' | 'rank', Record<string, number>][] = [
  ['mass', 'mass', { '(intercept)': 0.1, 'model=mlp': 0.2, 'explainer=smooth': 0.05 }],
  ['rank', 'rank', { '(intercept)': 0.04, 'model=mlp': 0.1, 'explainer=smooth': -0.02 }],
];
for (const [name, score, want] of coefficients) {
  test(`OLS on model and explainer recovers the generating ${name} coefficients`, async (t) => {
    const { result } = await run;
    const fit = result.ols[score];
    t.deepEqual(
      fit.terms.map((x) => x.name),
      Object.keys(want),
    );
    for (const term of fit.terms) {
      t.true(Math.abs(term.estimate - want[term.name]!) < 1e-9, `${term.name}: ${term.estimate}`);
      t.true(term.se > 0 && term.se < 0.01, `${term.name} se ${term.se}`);
    }
    t.is(fit.n, 4 * N);
  });
}

test('per group: mean discrepancy, its interval and the share of images where in beats out', async (t) => {
  const { result } = await run;
  for (const model of MODELS) {
    for (const explainer of EXPLAINERS) {
      const g = result.discrepancy[`model=${model},explainer=${explainer}`]!;
      for (const s of ['mass', 'rank'] as const) {
        const diffs = Array.from({ length: N }, (_, i) => trueDiff(model, explainer, i, s));
        const mean = diffs.reduce((a, b) => a + b, 0) / N;
        t.true(Math.abs(g[s].mean - mean) < 1e-12, `${model}/${explainer}/${s} mean`);
        t.true(g[s].lo <= mean && mean <= g[s].hi);
        t.is(g[s].share, diffs.filter((d) => d > 0).length / N);
        t.is(g[s].n, N);
      }
    }
  }
  // cnn + smooth on rank: 0.04 − 0.02 − 0.03 < 0 for a quarter of the images.
  t.is(result.discrepancy['model=cnn,explainer=smooth']!.rank.share, 0.75);
});

test('writes report.md, report.html, CSV tables and one figure set per group', async (t) => {
  const { report } = await run;
  const md = readFileSync(join(report, 'report.md'), 'utf8');
  t.regex(md, /^# Synthetic robustness fixture/);
  t.regex(md, /## model=mlp,explainer=smooth\n\n\| model \| mass accuracy/);
  t.regex(md, /\| in − out \(95 % CI\) \| 0\.350 \[/);
  t.regex(md, /treatment coding, reference model=cnn, explainer=gradient/);
  t.notRegex(md, /Mass accuracy cannot move/);
  const figures = readdirSync(join(report, 'figures')).sort();
  t.is(figures.filter((f) => f.endsWith('.png')).length, 1 + 4 + 4);
  t.is(figures.filter((f) => f.endsWith('.svg')).length, 1 + 4);
  const html = readFileSync(join(report, 'report.html'), 'utf8');
  t.is(html.match(/<img src="data:image\/png;base64,/g)?.length, 9);
  t.notRegex(html, /(src|href)="(https?:)?\/\//);
  const perClass = readFileSync(join(report, 'per-class.csv'), 'utf8').trim().split('\n');
  t.is(perClass.length, 1 + 4 * 3 * 2);
  t.regex(
    readFileSync(join(report, 'report.csv'), 'utf8'),
    /^group,model,mass_accuracy,rank_accuracy,accuracy,auroc,/,
  );
});

test('heatmaps: in-mask relevance is red inside the mask, out-mask blue, on one row scale', async (t) => {
  const { report } = await run;
  const png = pngjs.PNG.sync.read(
    readFileSync(join(report, 'figures', 'heatmaps-model=cnn_explainer=gradient.png')),
  );
  const { zoom, panelX, rowY } = heatmapLayout(SIZE, SIZE);
  // Average colour of the mask's inside (pixels 2..5) in panel `col`, row 0.
  const inside = (col: number) => {
    const sum = [0, 0, 0];
    let n = 0;
    for (let y = rowY(0) + 2 * zoom; y < rowY(0) + 6 * zoom; y++) {
      for (let x = panelX(col) + 2 * zoom + 2; x < panelX(col) + 6 * zoom - 2; x++) {
        for (let k = 0; k < 3; k++) sum[k] += png.data[(y * png.width + x) * 4 + k]!;
        n++;
      }
    }
    return sum.map((v) => v / n);
  };
  const [r3, , b3] = inside(3);
  const [r4, , b4] = inside(4);
  t.true(r3 > b3 + 40, `in_mask inside mask: r=${r3} b=${b3}`);
  t.true(b4 > r4 + 40, `out_mask inside mask: r=${r4} b=${b4}`);
  t.is(
    rowScale([
      [1, -2, 3],
      [0.5, -4],
    ]),
    4,
  );
});

test('a group whose mass accuracy is 1 on every image is flagged as unable to move', (t) => {
  const side = (mass: (number | null)[]) => ({
    summary: { accuracy: 0.9, auroc: 0.9, mass_accuracy: 1, rank_accuracy: 0.5 },
    perImage: { mass, rank: mass.map(() => 0.5) },
  });
  const group = (a: (number | null)[], b: (number | null)[]) => ({
    axes: { explainer: 'lrp' },
    in: side(a),
    out: side(b),
  });
  t.true(massPinnedAtOne(group([1, 1, null], [1, 1, 1])));
  t.false(massPinnedAtOne(group([1, 1, 0.98], [1, 1, 1])));
  t.false(massPinnedAtOne(group([null], [null])));
});

test('numbers in report tables: fixed digits, n/a when missing, no negative zero', (t) => {
  t.is(fmt(0.31110936499999936), '0.311');
  t.is(fmt(-0.0004), '0.000');
  t.is(fmt(-0.0005), '-0.001');
  t.is(fmt(-0.04, 1), '0.0');
  t.is(fmt(-0.4, 0), '0');
  t.is(fmt(null), 'n/a');
  t.is(fmt(Number.NaN), 'n/a');
});

test('groups whose models classify at about chance level are named', (t) => {
  const side = (accuracy: number) => ({
    summary: { accuracy, auroc: 0.5, mass_accuracy: 0.5, rank_accuracy: 0.5 },
    perImage: { mass: [0.5], rank: [0.5] },
  });
  const inputs = [
    { axes: { model: 'cnn' }, in: side(0.82), out: side(0.8) },
    { axes: { model: 'vit' }, in: side(0.13), out: side(0.16) },
  ];
  const analysis = { groups: [{ label: 'model=cnn' }, { label: 'model=vit' }] } as never;
  // Ten classes: chance is 0.1, so up to 0.15 counts as chance level.
  t.deepEqual(nearChance(inputs, analysis, 10), [{ label: 'model=vit', accuracy: 0.13 }]);
  t.deepEqual(nearChance(inputs, analysis, 100), []);
});
