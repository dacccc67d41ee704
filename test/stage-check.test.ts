import test from 'ava';
import { checkStudy } from '../lang/index.js';
import { loadRegistry } from '../runtime/load-registry.js';
import { pairingProblem } from '../stdlib/report/inputs.js';

const QUICK = 'experiments/fashion-mnist-quick.yaml';

test('check rejects a robustness stage left with one target value', async (t) => {
  const registry = await loadRegistry([]);
  const whole = await checkStudy(QUICK, { registry });
  t.deepEqual(whole.diagnostics, []);

  const r = await checkStudy(QUICK, { registry, sweep: ['target=in_mask'] });
  t.is(r.plan, undefined);
  t.is(r.diagnostics.length, 1);
  const d = r.diagnostics[0]!;
  t.is(d.code, 'STAGE_INPUTS');
  t.is(
    d.message,
    'stage `report`: `summary` needs results for both target=in_mask and ' +
      'target=out_mask, but has no target=out_mask',
  );
  t.is(d.hint, 'sweep `target` over both values');
  // At the stage's name.
  t.like(d.pos, { line: 85, col: 3 });
  t.is(d.length, 'report'.length);
});

test('pairing: the target axis must be gathered, and every group needs both values', (t) => {
  const cell = (model: string, target: string) => ({ model, target });
  t.is(
    pairingProblem(
      [
        cell('cnn', 'in_mask'),
        cell('cnn', 'out_mask'),
        cell('vit', 'out_mask'),
        cell('vit', 'in_mask'),
      ],
      'summary',
      'target',
    ),
    undefined,
  );
  t.is(
    pairingProblem(
      [cell('cnn', 'in_mask'), cell('cnn', 'out_mask'), cell('vit', 'in_mask')],
      'summary',
      'target',
    )?.message,
    'group model=vit needs results for both target=in_mask and target=out_mask, ' +
      'but has no target=out_mask',
  );
  t.is(
    pairingProblem([{ target: 'none' }], 'per_image', 'target')?.message,
    '`per_image` needs results for both target=in_mask and target=out_mask, ' +
      'but has no target=in_mask and no target=out_mask',
  );
  // Not gathered at all (a single value), or gathered over other axes only.
  t.is(
    pairingProblem(undefined, 'summary', 'target')?.message,
    '`summary` must be gathered over the `target` axis',
  );
  t.is(
    pairingProblem([{ model: 'cnn' }], 'summary', 'target')?.hint,
    'add `gather: [target]` (and the model and explainer axes) to the stage',
  );
});
