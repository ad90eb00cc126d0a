import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { errorCatalogue } from './catalogue.ts';

test('docs/errors.md lists exactly the codes of the catalogue', () => {
  const page = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const documented = [...page.matchAll(/^### `([a-z_]+)`$/gm)].map((match) => match[1]);
  assert.deepEqual([...documented].sort(), Object.keys(errorCatalogue).sort());
  assert.equal(new Set(documented).size, documented.length, 'no code is documented twice');
  for (const [code, entry] of Object.entries(errorCatalogue)) {
    const section = page.split(`### \`${code}\``)[1]?.split('###')[0] ?? '';
    if (entry.status < 500) assert.match(section, new RegExp(`\\b${entry.status}\\b`), `${code} documents its status ${entry.status}`);
  }
});
