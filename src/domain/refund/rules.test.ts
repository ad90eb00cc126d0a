import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { examplePendingRefund, exampleRefund } from '../events/example-documents.ts';
import { refundProblems } from './rules.ts';
import type { Refund } from './refund.schema.ts';

const pointers = (base: Refund, change: (refund: Refund) => void): string[] => {
  const copy = structuredClone(base);
  change(copy);
  return refundProblems(copy).map((p) => p.pointer);
};

describe('refundProblems', () => {
  it('accepts a tax-exclusive and a tax-inclusive refund', () => {
    assert.deepEqual(refundProblems(exampleRefund), []);
    assert.deepEqual(refundProblems(examplePendingRefund), []);
  });

  it('requires the amount to be the sum of lines, shipping, adjustment and (when exclusive) tax', () => {
    assert.deepEqual(pointers(exampleRefund, (r) => { r.lines[0]!.amount.amount = 2000; }), ['/amount/amount']);
    assert.deepEqual(pointers(exampleRefund, (r) => { r.shipping.amount = 495; r.amount.amount = 3200; }), []);
    // Inclusive: the tax is a share of the amount, adding it again is wrong.
    assert.deepEqual(pointers(examplePendingRefund, (r) => { r.amount.amount = 11326 + 1808; }), ['/amount/amount']);
  });

  it('keeps every amount in the refund currency', () => {
    assert.deepEqual(pointers(exampleRefund, (r) => {
      r.lines[0]!.amount.currency = 'EUR';
      r.tax.currency = 'EUR';
    }), ['/tax/currency', '/lines/0/amount/currency']);
  });

  it('ties issuedAt to success and failure to a reason', () => {
    assert.deepEqual(pointers(exampleRefund, (r) => { delete r.issuedAt; }), ['/issuedAt']);
    assert.deepEqual(pointers(exampleRefund, (r) => { r.status = 'failed'; }), ['/issuedAt', '/failureReason']);
  });

  it('names the return when refunding one', () => {
    assert.deepEqual(pointers(exampleRefund, (r) => { delete r.returnId; }), ['/returnId']);
  });
});
