import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderEventCatalogueMarkdown } from './render-catalogue.ts';

test('docs/events.md is generated from the current catalogue (run npm run docs)', () => {
  assert.equal(readFileSync(new URL('../../../docs/events.md', import.meta.url), 'utf8'), renderEventCatalogueMarkdown());
});
