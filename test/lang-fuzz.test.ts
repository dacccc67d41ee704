/**
 * Fuzz test: mutated studies (characters, lines and tokens deleted, inserted
 * and swapped, with a seeded PRNG) never crash the checker, and every
 * diagnostic points at a real line and column of its file.
 */
import { readFileSync } from 'node:fs';
import test from 'ava';
import type { Diagnostic } from '../lang/diagnostic.js';
import { formatDiagnostic } from '../lang/format.js';
import { lineCol } from '../lang/source.js';
import { checkText } from './lang-helpers.js';
import { seeded } from './helpers/seeded.js';

const RUNS = 10_000;

const SAMPLE = readFileSync('test/fixtures/lang/sample.yaml', 'utf8');
const RICH = `name: rich
seed: 1
env: [HOME]
imports: [base.yaml]
params: {epochs: 3, nested: {a: [1, 2]}, anchor: &anc {k: v}}
sweep:
  grid: {target: [in_mask, out_mask], lr: "\${{ logspace(-3, -1, 3) }}"}
  zip: {bs: [16, 32], wd: [0, 0.1]}
  include: [{target: x, lr: 1, bs: 8, wd: 0}]
  exclude: [{target: out_mask, lr: 0.1}, "\${{ sweep.lr > 0.05 && sweep.target == 'in_mask' }}"]
stages:
  data: {kind: fashion-mnist, with: {source: 'sa''mple'}}
  train:
    kind: train
    seed: \${{ seed + len(params.nested.a) }}
    with:
      data: \${{ stages.data.dataset }}
      epochs: "\${{ params.epochs * 2 }}"
      lr: \${{ sweep.lr }}
      tags: ["run-\${{ sweep.bs }}-\\t", '$\${{ x }}', \${{ format('{}/{}', sweep.wd, env.HOME) }}]
  align:
    kind: align
    with: {model: "\${{ stages.train.model }}", target: "\${{ sweep.target }}", options: *anc}
  report:
    kind: report
    gather: [target, bs]
    with:
      aligned: \${{ stages.align.model }}
      title: |
        lr \${{ sweep.lr }}
        done
`;
const BASE = 'params: {epochs: 1, extra: true}\nstages:\n  data: {kind: fashion-mnist}\n';

const TOKENS = [
  '${{',
  '}}',
  '$${{',
  ':',
  ': ',
  '- ',
  '-',
  '&a',
  '*a',
  '*anc',
  '[',
  ']',
  '{',
  '}',
  ',',
  "'",
  '"',
  '\\',
  '\n',
  '\n  ',
  '  ',
  '\t',
  '#',
  'stages.',
  'sweep.',
  'params.',
  'stages.train.model',
  ' ** ',
  ' ? ',
  '!',
  '(',
  ')',
  '1e309',
  '0x1F',
  '.inf',
  'null',
  '~',
  '|',
  '>',
  '!!binary',
  '---',
  '...',
  'gather: [lr]',
  'kind: train',
  'kind:',
  'with:',
  'range(100000)',
  'linspace(0,1,1e9)',
  '%',
  '/0',
  '\u00e9',
  '\r\n',
  '__proto__',
  'constructor',
];

function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const at = () => Math.floor(rnd() * (text.length + 1));
  const rounds = 1 + Math.floor(rnd() * 4);
  for (let r = 0; r < rounds; r++) {
    const lines = text.split('\n');
    const i = Math.floor(rnd() * lines.length);
    const j = Math.floor(rnd() * lines.length);
    const p = at();
    switch (Math.floor(rnd() * 9)) {
      case 0: // delete characters
        text = text.slice(0, p) + text.slice(p + 1 + Math.floor(rnd() * 3));
        break;
      case 1: // insert a printable character
        text = text.slice(0, p) + String.fromCharCode(32 + Math.floor(rnd() * 95)) + text.slice(p);
        break;
      case 2: // swap two neighbouring characters
        text = text.slice(0, p) + text.charAt(p + 1) + text.charAt(p) + text.slice(p + 2);
        break;
      case 3: // delete a line
        lines.splice(i, 1);
        text = lines.join('\n');
        break;
      case 4: // duplicate a line
        lines.splice(i, 0, lines[j] ?? '');
        text = lines.join('\n');
        break;
      case 5: // swap two lines
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        text = lines.join('\n');
        break;
      case 6: // insert a token
        text = text.slice(0, p) + pick(TOKENS) + text.slice(p);
        break;
      case 7: {
        // replace a word with a token
        const m = /[\w.]+/.exec(text.slice(p));
        if (m)
          text = text.slice(0, p + m.index) + pick(TOKENS) + text.slice(p + m.index + m[0].length);
        break;
      }
      default: // re-indent a line
        lines[i] = ' '.repeat(Math.floor(rnd() * 6)) + (lines[i] ?? '').trimStart();
        text = lines.join('\n');
    }
  }
  return text;
}

function checkPosition(
  t: { fail(m: string): void },
  d: Diagnostic['pos'],
  length: number,
  sources: Map<string, string>,
  what: string,
): boolean {
  const text = sources.get(d.file);
  if (text === undefined) return (t.fail(`${what}: unknown file ${d.file}`), false);
  const lines = text.split('\n');
  const lc = lineCol(text, d.offset);
  const ok =
    Number.isInteger(d.offset) &&
    d.offset >= 0 &&
    d.offset <= text.length &&
    d.line === lc.line &&
    d.col === lc.col &&
    d.line >= 1 &&
    d.line <= lines.length &&
    d.col >= 1 &&
    d.col <= lines[d.line - 1]!.length + 1 &&
    Number.isInteger(length) &&
    length >= 1;
  if (!ok) t.fail(`${what}: bad position ${JSON.stringify(d)} length ${length}`);
  return ok;
}

test(`${RUNS} mutated studies never crash and locate every diagnostic`, async (t) => {
  const rnd = seeded(20240611);
  let withPlan = 0;
  let diagnostics = 0;
  for (let run = 0; run < RUNS; run++) {
    const source = mutate(rnd() < 0.5 ? SAMPLE : RICH, rnd);
    const options =
      rnd() < 0.1
        ? {
            params: [mutate('params.epochs=5', rnd)],
            sweep: [mutate('target=in_mask,out_mask', rnd)],
            seed: 1,
          }
        : {};
    let r;
    try {
      r = await checkText(source, options, { 'base.yaml': rnd() < 0.9 ? BASE : mutate(BASE, rnd) });
    } catch (err) {
      t.fail(`run ${run} threw ${String(err)}\n--- study ---\n${source}`);
      return;
    }
    for (const d of r.diagnostics) {
      diagnostics++;
      if (!/^[A-Z][A-Z0-9_]*$/.test(d.code) || !d.message)
        t.fail(`run ${run}: bad diagnostic ${JSON.stringify(d)}`);
      if (!checkPosition(t, d.pos, d.length, r.sources, `run ${run} ${d.code}`)) return;
      if (
        d.related &&
        !checkPosition(t, d.related.pos, d.related.length, r.sources, `run ${run} related`)
      )
        return;
      formatDiagnostic(d, r.sources, true);
    }
    if (r.plan) {
      withPlan++;
      const seen = new Set<string>();
      for (const inst of r.plan.instances) {
        if (!inst.deps.every((dep) => seen.has(dep)))
          t.fail(`run ${run}: ${inst.id} comes before its dependencies`);
        seen.add(inst.id);
      }
    }
  }
  t.log(`${RUNS} studies, ${withPlan} compiled, ${diagnostics} diagnostics`);
  t.true(withPlan > 0);
  t.true(diagnostics > RUNS);
});
