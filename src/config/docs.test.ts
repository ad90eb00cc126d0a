import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderConfigMarkdown } from './docs.ts';

test('docs/configuration.md is generated from the current schema (run npm run docs)', () => {
  assert.equal(readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8'), renderConfigMarkdown());
});
