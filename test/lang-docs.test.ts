/**
 * The studies in lang/LANGUAGE.md are checked against the real stage kinds,
 * so the documentation cannot drift from what the checker accepts. A
 * ```yaml block after `<!-- study: NAME -->` is a complete study; one after
 * `<!-- file: NAME -->` is a file such a study imports.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkStudyWith } from '../lang/check.js';
import { formatDiagnostic } from '../lang/format.js';
import { registry } from '../stdlib/index.js';

const doc = readFileSync(fileURLToPath(new URL('../../lang/LANGUAGE.md', import.meta.url)), 'utf8');

interface Block {
  role: 'study' | 'file';
  name: string;
  text: string;
}

function markedBlocks(markdown: string): Block[] {
  const out: Block[] = [];
  for (const m of markdown.matchAll(/^<!-- (study|file): (\S+) -->\n```yaml\n([\s\S]*?)^```$/gm)) {
    out.push({ role: m[1] as Block['role'], name: m[2]!, text: m[3]! });
  }
  return out;
}

const blocks = markedBlocks(doc);
const files = new Map(blocks.map((b) => [b.name, b.text]));

test('LANGUAGE.md marks at least one complete study', (t) => {
  t.true(blocks.some((b) => b.role === 'study'));
});

for (const study of blocks.filter((b) => b.role === 'study')) {
  test(`the study ${study.name} in LANGUAGE.md checks without diagnostics`, async (t) => {
    const read = async (f: string) => {
      const text = files.get(f);
      if (text === undefined) throw new Error(`LANGUAGE.md has no block for ${f}`);
      return text;
    };
    const r = await checkStudyWith(study.name, { registry }, read);
    t.is(r.diagnostics.map((d) => formatDiagnostic(d, r.sources)).join('\n\n'), '');
    t.truthy(r.plan);
  });
}
