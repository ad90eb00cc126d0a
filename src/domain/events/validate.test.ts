import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exampleEvent } from './examples.ts';
import { precompileEventValidators, validateEventData } from './validate.ts';
import type { Order } from '../order/order.schema.ts';
import type { Shipment } from '../shipment/shipment.schema.ts';
import type { Promotion } from '../pricing/promotion.schema.ts';
import type { JournalEntry } from '../finance/journal-entry.schema.ts';
import type { Refund } from '../refund/refund.schema.ts';
import type { CustomerUpdated } from '../customer/events.ts';

/** Writes a value the type does not allow: these tests feed validation what clients get wrong. */
const poke = (target: object, key: string, value: unknown): void => {
  (target as Record<string, unknown>)[key] = value;
};

const problemsOf = (type: string, subject: string, data: unknown) => {
  const verdict = validateEventData(type, subject, data);
  assert.equal(verdict.ok, false);
  return verdict.ok ? [] : verdict.problems;
};

function changed<T>(type: string, change: (data: T) => void): { type: string; subject: string; data: T } {
  const event = exampleEvent(type);
  const data = structuredClone(event.data) as T;
  change(data);
  return { type, subject: event.subject, data };
}

describe('validateEventData', () => {
  it('accepts a valid event with a result shared across calls', () => {
    const event = exampleEvent('weft.order.captured.v1');
    const first = validateEventData(event.type, event.subject, event.data);
    assert.deepEqual(first, { ok: true });
    assert.equal(validateEventData(event.type, event.subject, event.data), first);
  });

  it('reports an unknown type at /type, naming known versions', () => {
    const verdict = validateEventData('weft.order.captured.v9', 'ord_01JDY1JX4WHRDD459GQ8H7QEZZ', {});
    assert.equal(verdict.ok, false);
    if (verdict.ok) return;
    assert.equal(verdict.code, 'unknown_event_type');
    assert.deepEqual(verdict.problems.map((p) => p.pointer), ['/type']);
    assert.match(verdict.problems[0]!.message, /weft\.order\.captured\.v1/);
  });

  it('points at each wrong value in the data, relative to data', () => {
    const e = changed<Order>('weft.order.captured.v1', (d) => {
      d.lines[1]!.quantity = 1.5;
      d.currency = 'eur';
      d.placedAt = '2026-11-20T10:14:03+01:00';
      poke(d.externalRefs[0]!, 'id', 820982911946154508);
      d.lines[0]!.taxes[0]!.amount.amount = 18.08;
    });
    const verdict = validateEventData(e.type, e.subject, e.data);
    assert.equal(verdict.ok, false);
    if (verdict.ok) return;
    assert.equal(verdict.code, 'schema_violation');
    assert.deepEqual(verdict.problems.map((p) => p.pointer).sort(), [
      '/currency',
      '/externalRefs/0/id',
      '/lines/0/taxes/0/amount/amount',
      '/lines/1/quantity',
      '/placedAt',
    ]);
    const placedAt = verdict.problems.find((p) => p.pointer === '/placedAt');
    assert.match(placedAt!.message, /UTC/);
    assert.match(verdict.problems.find((p) => p.pointer === '/currency')!.message, /ISO 4217/);
  });

  it('points at missing properties and unknown properties themselves', () => {
    const e = changed<Shipment>('weft.shipment.dispatched.v1', (d) => {
      delete (d as Partial<Shipment>).carrier;
      poke(d.lines[0]!, 'colour', 'navy');
    });
    const problems = problemsOf(e.type, e.subject, e.data);
    assert.deepEqual(problems, [
      { pointer: '/carrier', message: 'is required' },
      { pointer: '/lines/0/colour', message: 'unknown property "colour"' },
    ]);
  });

  it('reports every problem, not the first eight', () => {
    const e = changed<Order>('weft.order.captured.v1', (d) => {
      for (const line of d.lines) {
        line.quantity = 1.5;
        line.unitPrice.amount = 0.5;
        line.total.amount = 0.5;
        line.unitPrice.currency = 'eur';
        line.total.currency = 'eur';
      }
    });
    assert.equal(problemsOf(e.type, e.subject, e.data).length, 10);
  });

  it('reports only the problems of the union branch whose kind matches', () => {
    const wrongRate = changed<Promotion>('weft.promotion.defined.v1', (d) => { d.benefit = { kind: 'percent_off', percentOff: 10.5 }; });
    assert.deepEqual(problemsOf(wrongRate.type, wrongRate.subject, wrongRate.data).map((p) => p.pointer), ['/benefit/percentOff']);
    const wrongKind = changed<Promotion>('weft.promotion.defined.v1', (d) => { poke(d, 'benefit', { kind: 'half_off' }); });
    const problems = problemsOf(wrongKind.type, wrongKind.subject, wrongKind.data);
    assert.deepEqual(problems.map((p) => p.pointer), ['/benefit/kind']);
    assert.match(problems[0]!.message, /"percent_off".*"buy_x_get_y"/);
    const notAnObject = changed<JournalEntry>('weft.posting.recorded.v1', (d) => { poke(d, 'reference', 'POS-1'); });
    assert.deepEqual(problemsOf(notAnObject.type, notAnObject.subject, notAnObject.data), [{ pointer: '/reference', message: 'must be object' }]);
  });

  it('applies the business rules of full objects after the schema', () => {
    const e = changed<Order>('weft.order.captured.v1', (d) => { d.totals.grandTotal.amount = 15000; });
    const problems = problemsOf(e.type, e.subject, e.data);
    assert.deepEqual(problems.map((p) => p.pointer), ['/totals/grandTotal/amount']);
    const posting = changed<JournalEntry>('weft.posting.recorded.v1', (d) => { d.lines[0]!.amount.amount += 1; });
    assert.deepEqual(problemsOf(posting.type, posting.subject, posting.data).map((p) => p.pointer), ['/lines']);
    const refund = changed<Refund>('weft.refund.issued.v1', (d) => { d.status = 'pending'; delete d.issuedAt; });
    assert.deepEqual(problemsOf(refund.type, refund.subject, refund.data).map((p) => p.pointer), ['/status']);
  });

  it('applies the rules of change events too', () => {
    const e = changed<CustomerUpdated>('weft.customer.updated.v1', (d) => { d.changes.removed = ['loyalty']; });
    assert.deepEqual(problemsOf(e.type, e.subject, e.data).map((p) => p.pointer), ['/changes/removed/0']);
    const empty = changed<CustomerUpdated>('weft.customer.updated.v1', (d) => { d.changes = {}; });
    assert.deepEqual(problemsOf(empty.type, empty.subject, empty.data).map((p) => p.pointer), ['/changes']);
  });

  it('does not run rules on data that fails its schema', () => {
    const e = changed<Order>('weft.order.captured.v1', (d) => {
      d.totals.grandTotal.amount = 15000;
      poke(d.lines[0]!, 'quantity', 'one');
    });
    assert.deepEqual(problemsOf(e.type, e.subject, e.data).map((p) => p.pointer), ['/lines/0/quantity']);
  });

  it('requires the subject to be the aggregate key of the data', () => {
    const order = exampleEvent('weft.order.payment_captured.v1');
    const problems = problemsOf(order.type, 'ord_01JDRSWVK182VYZ04SXWF6E996', order.data);
    assert.deepEqual(problems.map((p) => p.pointer), ['/subject']);
    assert.match(problems[0]!.message, new RegExp(order.subject));

    const stock = exampleEvent('weft.inventory.reserved.v1');
    assert.deepEqual(validateEventData(stock.type, 'TSH-0815-L-WHT@loc_01JD5GQAPENECFSECZP11HYGCP', stock.data), { ok: true });
    assert.deepEqual(problemsOf(stock.type, 'TSH-0815-L-WHT@loc_01JDWPQ5E6EYCNDY0YP57RCYBV', stock.data).map((p) => p.pointer), ['/subject']);
  });

  it('reports rule problems and a wrong subject together', () => {
    const e = changed<Order>('weft.order.captured.v1', (d) => { d.totals.subtotal.amount += 1; });
    assert.deepEqual(problemsOf(e.type, 'ord_01JDRSWVK182VYZ04SXWF6E996', e.data).map((p) => p.pointer), [
      '/totals/subtotal/amount',
      '/totals/grandTotal/amount',
      '/subject',
    ]);
  });

  it('rejects data that is not an object', () => {
    for (const data of [null, 42, 'order', []]) {
      assert.deepEqual(problemsOf('weft.order.completed.v1', 'ord_01JDY1JX4WHRDD459GQ8H7QEZZ', data).map((p) => p.pointer), ['']);
    }
  });

  it('answers every valid event with one shared verdict, allocating nothing on the hot path', () => {
    precompileEventValidators();
    const order = exampleEvent('weft.order.captured.v1');
    const stock = exampleEvent('weft.inventory.adjusted.v1');
    const first = validateEventData(order.type, order.subject, order.data);
    assert.equal(first.ok, true);
    assert.equal(validateEventData(order.type, order.subject, order.data), first);
    assert.equal(validateEventData(stock.type, stock.subject, stock.data), first);
  });
});
