/**
 * The example studies point editors at schema/study.schema.json; it must
 * describe the stage kinds that exist now.
 */
import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { studyJsonSchema } from '../lang/index.js';
import { registry } from '../stdlib/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('schema/study.schema.json is what `alignlab schema` prints, byte for byte', (t) => {
  const committed = readFileSync(join(root, 'schema/study.schema.json'), 'utf8');
  t.is(
    committed,
    JSON.stringify(studyJsonSchema(registry), null, 2) + '\n',
    'regenerate with: node dist/cli/main.js schema > schema/study.schema.json',
  );
});

test('every example study carries the yaml-language-server modeline', (t) => {
  const studies = readdirSync(join(root, 'experiments')).filter((f) => f.endsWith('.yaml'));
  t.true(studies.length >= 3);
  for (const f of studies) {
    const first = readFileSync(join(root, 'experiments', f), 'utf8').split('\n')[0];
    t.is(first, '# yaml-language-server: $schema=../schema/study.schema.json', f);
  }
});
