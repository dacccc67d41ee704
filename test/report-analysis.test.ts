/**
 * The per-group statistics of a robustness report on hand-made inputs:
 * pairing, ties, the intercept-only fit and the per-class guard.
 */
import test from 'ava';
import { analyse, type GroupInput } from '../stdlib/report/analysis.js';

test('discrepancy: pairs with an undefined side are dropped; ties do not count as wins', (t) => {
  const group = (inn: (number | null)[], out: (number | null)[]): GroupInput => ({
    axes: {},
    in: {
      summary: { accuracy: 1, auroc: 1, mass_accuracy: 0, rank_accuracy: 0 },
      perImage: { mass: inn, rank: inn },
    },
    out: {
      summary: { accuracy: 1, auroc: 1, mass_accuracy: 0, rank_accuracy: 0 },
      perImage: { mass: out, rank: out },
    },
  });
  const a = analyse([group([0.5, 0.6, 0.7, null, 0.9], [0.5, 0.4, 0.9, 0.2, null])], {
    replicates: 1000,
    seed: 1,
    factors: [],
  });
  const d = a.groups[0]!.scores.mass;
  t.is(d.n, 3);
  t.true(Math.abs(d.mean - 0) < 1e-12);
  t.true(Math.abs(d.share - 1 / 3) < 1e-12);
  t.true(Math.abs(d.inMean - 0.6) < 1e-12 && Math.abs(d.outMean - 0.6) < 1e-12);
  // Intercept-only fit: the mean with SE = sd / √n.
  const fit = a.fits.mass!;
  const sd = Math.sqrt((0 + 0.04 + 0.04) / 2);
  t.true(Math.abs(fit.terms[0]!.se - sd / Math.sqrt(3)) < 1e-12);
});

test('per-class breakdown refuses labels of another dataset', (t) => {
  const scores = { mass: [0.5, 0.6], rank: [0.5, 0.6] };
  const summary = { accuracy: 1, auroc: 1, mass_accuracy: 0, rank_accuracy: 0 };
  const group: GroupInput = {
    axes: {},
    in: { summary, perImage: scores },
    out: { summary, perImage: scores },
  };
  const error = t.throws(() =>
    analyse([group], { replicates: 1000, seed: 1, factors: [], labels: new Uint8Array([0, 1, 1]) }),
  );
  t.regex(error!.message, /test split has 3 images but the metrics scored 2/);
});
