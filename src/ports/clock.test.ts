import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCanonicalId } from '../domain/shared/ids.ts';
import { createIdGenerator } from './clock.ts';

test('ids are prefixed ULIDs that sort in creation order, even within one millisecond', () => {
  let now = Date.parse('2026-11-23T10:00:00Z');
  const ids = createIdGenerator({ now: () => now });
  const made = Array.from({ length: 5000 }, (_, i) => {
    if (i % 1000 === 0) now += 1;
    return ids.next('order');
  });
  assert.ok(made.every((id) => isCanonicalId('order', id)));
  assert.deepEqual([...made].sort(), made);
  assert.equal(new Set(made).size, made.length);
  assert.ok(made[0]?.startsWith('ord_01'));
  // The random part is not constant across milliseconds.
  const randomParts = new Set(made.filter((_, i) => i % 1000 === 0).map((id) => id.slice(14)));
  assert.equal(randomParts.size, 5);
});
