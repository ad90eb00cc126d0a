import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { germanWebOrder, usPosSale } from '../events/example-documents.ts';
import { orderProblems } from './rules.ts';
import type { Order } from './order.schema.ts';

const pointers = (order: Order): string[] => orderProblems(order).map((p) => p.pointer);
const edit = (base: Order, change: (order: Order) => void): Order => {
  const copy = structuredClone(base);
  change(copy);
  return copy;
};

describe('orderProblems', () => {
  it('accepts a tax-inclusive web order with ship and pickup groups, and a tax-exclusive POS sale', () => {
    assert.deepEqual(orderProblems(germanWebOrder), []);
    assert.deepEqual(orderProblems(usPosSale), []);
  });

  it('reports every amount in a different currency than the order', () => {
    const order = edit(germanWebOrder, (o) => {
      o.lines[1]!.unitPrice.currency = 'USD';
      o.lines[0]!.taxes[0]!.amount.currency = 'GBP';
      o.payments[0]!.amountAuthorized.currency = 'USD';
      o.shippingCharges[0]!.taxes[0]!.amount.currency = 'CHF';
      o.totals.grandTotal.currency = 'USD';
    });
    const found = pointers(order);
    for (const expected of [
      '/lines/1/unitPrice/currency',
      '/lines/0/taxes/0/amount/currency',
      '/payments/0/amountAuthorized/currency',
      '/shippingCharges/0/taxes/0/amount/currency',
      '/totals/grandTotal/currency',
    ]) {
      assert.ok(found.includes(expected), `expected ${expected} in ${found.join(', ')}`);
    }
  });

  it('checks line total = quantity × unit price − line discounts', () => {
    const order = edit(germanWebOrder, (o) => {
      o.lines[0]!.total.amount = 12999; // ignores the 1300 discount
    });
    const problems = orderProblems(order);
    const line = problems.find((p) => p.pointer === '/lines/0/total/amount');
    assert.ok(line);
    assert.match(line.message, /11699/);
    // The wrong line total also breaks the subtotal it feeds.
    assert.ok(problems.some((p) => p.pointer === '/totals/subtotal/amount'));
  });

  it('checks subtotal, discount, shipping and tax totals against their parts', () => {
    const order = edit(germanWebOrder, (o) => {
      o.totals.discountTotal.amount = 0;
      o.totals.shippingTotal.amount = 0;
      o.totals.taxTotal.amount = 2000;
    });
    const found = pointers(order);
    assert.ok(found.includes('/totals/discountTotal/amount'));
    assert.ok(found.includes('/totals/shippingTotal/amount'));
    assert.ok(found.includes('/totals/taxTotal/amount'));
  });

  it('adds tax to the grand total only when prices exclude tax', () => {
    // Tax-inclusive: adding the included VAT again is wrong.
    const inclusive = edit(germanWebOrder, (o) => {
      o.totals.grandTotal.amount = 15692 + 2505;
    });
    assert.deepEqual(pointers(inclusive), ['/totals/grandTotal/amount']);
    // Tax-exclusive: leaving the tax out is wrong.
    const exclusive = edit(usPosSale, (o) => {
      o.totals.grandTotal.amount = 4699;
    });
    assert.deepEqual(pointers(exclusive), ['/totals/grandTotal/amount']);
    assert.match(orderProblems(exclusive)[0]!.message, /= 5087/);
  });

  it('requires every line\'s fulfilment group to exist and to list the line', () => {
    const missing = edit(germanWebOrder, (o) => {
      o.lines[0]!.fulfilmentGroupId = 'ful_01JDV1SD53TW8JZ38AYTNJKGGT';
    });
    assert.ok(pointers(missing).includes('/lines/0/fulfilmentGroupId'));
    const unlisted = edit(germanWebOrder, (o) => {
      o.fulfilmentGroups[1]!.lineIds = [o.lines[0]!.id];
    });
    const found = pointers(unlisted);
    assert.ok(found.includes('/lines/1/fulfilmentGroupId'), found.join(', '));
    assert.ok(found.includes('/fulfilmentGroups/1/lineIds/0'), found.join(', '));
  });

  it('requires a location and forbids a shipping address on pickup groups', () => {
    const order = edit(germanWebOrder, (o) => {
      const pickup = o.fulfilmentGroups[1]!;
      delete pickup.locationId;
      pickup.shippingAddress = o.billingAddress!;
    });
    const found = pointers(order);
    assert.ok(found.includes('/fulfilmentGroups/1/locationId'));
    assert.ok(found.includes('/fulfilmentGroups/1/shippingAddress'));
  });

  it('requires a shipping address on ship groups and keeps pickup details off them', () => {
    const order = edit(germanWebOrder, (o) => {
      const ship = o.fulfilmentGroups[0]!;
      delete ship.shippingAddress;
      ship.pickupPerson = { name: 'Anna Schmidt' };
    });
    const found = pointers(order);
    assert.ok(found.includes('/fulfilmentGroups/0/shippingAddress'));
    assert.ok(found.includes('/fulfilmentGroups/0/pickupPerson'));
  });

  it('requires a pickup window that ends after it starts', () => {
    const order = edit(germanWebOrder, (o) => {
      o.fulfilmentGroups[1]!.pickupWindow = { from: '2026-11-27T19:00:00Z', to: '2026-11-20T13:00:00Z' };
    });
    assert.deepEqual(pointers(order), ['/fulfilmentGroups/1/pickupWindow/to']);
  });

  it('rejects captures above the authorisation and refunds above the capture', () => {
    const order = edit(usPosSale, (o) => {
      o.payments[0]!.amountCaptured.amount = 6000;
      o.payments[0]!.amountRefunded.amount = 7000;
    });
    const found = pointers(order);
    assert.ok(found.includes('/payments/0/amountCaptured/amount'));
    assert.ok(found.includes('/payments/0/amountRefunded/amount'));
  });

  it('needs a store for POS orders and a customer or guest email for other channels', () => {
    const pos = edit(usPosSale, (o) => {
      delete o.salesLocationId;
    });
    assert.deepEqual(pointers(pos), ['/salesLocationId']);
    const web = edit(germanWebOrder, (o) => {
      delete o.customerId;
    });
    assert.deepEqual(pointers(web), ['/customerId']);
    const guest = edit(web, (o) => {
      o.guestEmail = 'anna.schmidt@example.de';
    });
    assert.deepEqual(pointers(guest), []);
  });

  it('requires the till\'s store for in-store sales and nothing physical for digital goods', () => {
    const noStore = edit(usPosSale, (o) => {
      delete o.fulfilmentGroups[0]!.locationId;
    });
    assert.deepEqual(pointers(noStore), ['/fulfilmentGroups/0/locationId']);
    const digital = edit(usPosSale, (o) => {
      o.fulfilmentGroups[0]!.kind = 'digital';
      o.fulfilmentGroups[0]!.deliveryEmail = 'mike@example.com';
    });
    assert.deepEqual(pointers(digital), ['/fulfilmentGroups/0/locationId']);
  });

  it('reports duplicate line ids', () => {
    const order = edit(usPosSale, (o) => {
      o.lines[1]!.id = o.lines[0]!.id;
    });
    assert.ok(pointers(order).includes('/lines/1/id'));
  });
});
