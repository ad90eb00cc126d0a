import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exampleReturn } from '../events/example-documents.ts';
import { returnProblems } from './rules.ts';
import type { Return } from './return.schema.ts';

const pointers = (change: (ret: Return) => void): string[] => {
  const copy = structuredClone(exampleReturn);
  change(copy);
  return returnProblems(copy).map((p) => p.pointer);
};

describe('returnProblems', () => {
  it('accepts a requested return and a fully processed one', () => {
    assert.deepEqual(returnProblems(exampleReturn), []);
    assert.deepEqual(pointers((r) => {
      r.status = 'closed';
      r.authorizedAt = '2026-11-24T18:02:01Z';
      r.receivedAt = '2026-11-27T10:11:00Z';
      r.closedAt = '2026-11-27T10:45:00Z';
      r.lines[0]!.condition = 'new';
      r.lines[0]!.disposition = 'restock';
    }), []);
  });

  it('needs the timestamps its status implies', () => {
    assert.deepEqual(pointers((r) => { r.status = 'authorized'; }), ['/authorizedAt']);
    assert.deepEqual(pointers((r) => { r.status = 'received'; r.authorizedAt = '2026-11-24T18:02:01Z'; }), ['/receivedAt']);
    assert.deepEqual(pointers((r) => { r.status = 'rejected'; }), ['/closedAt']);
  });

  it('needs condition and disposition once inspected', () => {
    assert.deepEqual(pointers((r) => {
      r.status = 'inspected';
      r.authorizedAt = '2026-11-24T18:02:01Z';
      r.receivedAt = '2026-11-27T10:11:00Z';
    }), ['/lines/0/disposition', '/lines/0/condition']);
  });

  it('rejects steps out of order', () => {
    assert.deepEqual(pointers((r) => { r.authorizedAt = '2026-11-24T18:01:59Z'; }), ['/authorizedAt']);
  });
});
