import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cell, details, headingSlug, readableJson, table } from './markdown.ts';

describe('headingSlug', () => {
  it('makes the anchors GitHub makes', () => {
    assert.equal(headingSlug('`weft.order.captured.v1`'), 'weftordercapturedv1');
    assert.equal(headingSlug('`weft.inventory.reservation_released.v1`'), 'weftinventoryreservation_releasedv1');
    assert.equal(headingSlug('Posting (journal entries)'), 'posting-journal-entries');
    assert.equal(headingSlug('`OrderLine`'), 'orderline');
    assert.equal(headingSlug('Cross-references'), 'cross-references');
  });
});

describe('tables and blocks', () => {
  it('escapes pipes and line breaks inside cells', () => {
    assert.equal(cell('"a" | "b"\nc'), '"a" \\| "b" c');
    assert.deepEqual(table(['A', 'B'], [['x|y', 'z']]), ['| A | B |', '|---|---|', '| x\\|y | z |']);
  });

  it('wraps code in a collapsed block GitHub still renders as code', () => {
    assert.deepEqual(details('Example', 'json', '{}'), ['<details>', '<summary>Example</summary>', '', '```json', '{}', '```', '', '</details>']);
  });
});

describe('readableJson', () => {
  const value = {
    type: 'weft.order.held.v1',
    data: { ids: ['a', 'b'], empty: [], none: {}, nested: { long: 'x'.repeat(120), n: 1.5, ok: true, nothing: null } },
  };

  it('parses back to the same value', () => {
    assert.deepEqual(JSON.parse(readableJson(value)), value);
  });

  it('keeps what fits on one line and breaks what does not', () => {
    assert.equal(readableJson({ amount: 1999, currency: 'EUR' }), '{"amount": 1999, "currency": "EUR"}');
    const lines = readableJson(value).split('\n');
    assert.ok(lines.includes('    "ids": ["a", "b"],'), lines.join('\n'));
    assert.ok(lines.includes('    "empty": [],'));
    assert.ok(lines.every((line) => line.length <= 100 || line.includes('x'.repeat(120))), lines.join('\n'));
  });
});
