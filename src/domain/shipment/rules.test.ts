import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exampleShipment } from '../events/example-documents.ts';
import { shipmentProblems } from './rules.ts';
import type { Shipment } from './shipment.schema.ts';

const pointers = (change: (shipment: Shipment) => void): string[] => {
  const copy = structuredClone(exampleShipment);
  change(copy);
  return shipmentProblems(copy).map((p) => p.pointer);
};

describe('shipmentProblems', () => {
  it('accepts a dispatched and a delivered shipment', () => {
    assert.deepEqual(shipmentProblems(exampleShipment), []);
    assert.deepEqual(pointers((s) => { s.status = 'delivered'; s.deliveredAt = '2026-11-21T12:31:00Z'; }), []);
  });

  it('needs shippedAt once it left, and deliveredAt exactly when delivered', () => {
    assert.deepEqual(pointers((s) => { delete s.shippedAt; }), ['/shippedAt']);
    assert.deepEqual(pointers((s) => { s.status = 'delivered'; }), ['/deliveredAt']);
    assert.deepEqual(pointers((s) => { s.deliveredAt = '2026-11-21T12:31:00Z'; }), ['/deliveredAt']);
  });

  it('rejects delivery before dispatch', () => {
    assert.deepEqual(pointers((s) => { s.status = 'delivered'; s.deliveredAt = '2026-11-20T16:44:59Z'; }), ['/deliveredAt']);
  });

  it('lists each order line once', () => {
    assert.deepEqual(pointers((s) => { s.lines.push({ ...s.lines[0]! }); }), ['/lines/1/orderLineId']);
  });
});
