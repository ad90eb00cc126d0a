import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exampleServiceCase } from '../events/example-documents.ts';
import { serviceCaseProblems } from './rules.ts';
import type { ServiceCase } from './service-case.schema.ts';

const pointers = (change: (serviceCase: ServiceCase) => void): string[] => {
  const copy = structuredClone(exampleServiceCase);
  change(copy);
  return serviceCaseProblems(copy).map((p) => p.pointer);
};

describe('serviceCaseProblems', () => {
  it('accepts an open and a solved case', () => {
    assert.deepEqual(serviceCaseProblems(exampleServiceCase), []);
    assert.deepEqual(pointers((c) => { c.status = 'solved'; c.solvedAt = '2026-11-20T14:05:00Z'; }), []);
  });

  it('has solvedAt exactly when solved or closed', () => {
    assert.deepEqual(pointers((c) => { c.status = 'closed'; }), ['/solvedAt']);
    assert.deepEqual(pointers((c) => { c.solvedAt = '2026-11-20T14:05:00Z'; }), ['/solvedAt']);
  });

  it('keeps timestamps after opening', () => {
    assert.deepEqual(pointers((c) => { c.updatedAt = '2026-11-20T12:29:00Z'; }), ['/updatedAt']);
  });
});
