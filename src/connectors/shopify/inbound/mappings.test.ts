// Every Shopify sample payload (the shared vendor folder and this connector's fixtures) through its
// mapping: the events must pass the catalogue's schema and business rules; where Shopify's own
// sample cannot be mapped, the expected refusal is asserted with its reason. Then the details:
// exact big ids, money in minor units, totals, and the variants the samples do not show.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateEventData } from '../../../domain/events/validate.ts';
import { MappingError } from '../../../errors/index.ts';
import { parseJsonExact, type MappingContext, type MappingOutcome } from '../../sdk/index.ts';
import { shopifyMappings } from './index.ts';
import { memoryIdResolver } from '../../sdk/testing.ts';

const SHARED = '/work/shared/data/payloads/shopify';
const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

/** A cross-reference map in memory (the SDK's): the same (kind, vendor id) always gives the same canonical id. */
const memoryIds = memoryIdResolver;

function contextOf(ids = memoryIds(), settings: object = {}): MappingContext & { ids: ReturnType<typeof memoryIds> } {
  return { system: 'shopify-us', ids, settings };
}

function load(dir: string, file: string): unknown {
  return parseJsonExact(readFileSync(join(dir, file)));
}

function events(outcome: MappingOutcome) {
  assert.equal(outcome.kind, 'events', outcome.kind === 'ignored' ? `ignored: ${outcome.reason}` : '');
  return outcome.kind === 'events' ? outcome.events : [];
}

function assertValid(outcome: MappingOutcome): void {
  for (const event of events(outcome)) {
    const verdict = validateEventData(event.type, event.subject, event.data);
    assert.deepEqual(verdict, { ok: true }, `${event.type}: ${JSON.stringify(verdict)}`);
  }
}

// Event data read loosely in assertions: the shape is checked by validateEventData above.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

function clone<T>(value: T): T & Record<string, unknown> {
  return structuredClone(value) as T & Record<string, unknown>;
}

// Samples Shopify publishes that cannot become a valid canonical event, and why.
const REFUSED: Record<string, RegExp> = {
  // Shopify's canned refund pays 85.00 by transactions for 414.95 of refunded lines, with no
  // refund_discrepancy adjustment to account for the difference.
  'refunds_create.json': /transactions pay 8500 minor units.*come to 41495/,
  // The canned fulfilment has `location_id: null`; real fulfilments made through fulfillment orders name one.
  'fulfillments_create.json': /location the shipment left from/,
};

describe('every Shopify sample payload', () => {
  const files = [
    ...readdirSync(SHARED).filter((f) => f.endsWith('.json') && f !== 'hmac_test_vectors.json').map((f) => [SHARED, f] as const),
    ...readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).map((f) => [FIXTURES, f] as const),
  ];
  it('covers the samples of the vendor folder and the fixtures', () => {
    assert.ok(files.length >= 8, `found ${files.length} samples`);
  });
  for (const [dir, file] of files) {
    const topic = file.replace(/\.json$/, '').replace(/_([a-z]+)$/, '/$1');
    it(`${file} (${topic}) maps to valid events, is ignored with a reason, or is refused as recorded`, async () => {
      const mapping = shopifyMappings[topic];
      assert.ok(mapping, `no mapping for ${topic}`);
      const payload = load(dir, file);
      const refused = REFUSED[file];
      if (refused !== undefined) {
        await assert.rejects(mapping.map(payload, contextOf()), (error: unknown) => error instanceof MappingError && refused.test(JSON.stringify(error.problems)));
        return;
      }
      const outcome = await mapping.map(payload, contextOf());
      if (outcome.kind === 'ignored') assert.ok(outcome.reason.length > 20, outcome.reason);
      else assertValid(outcome);
    });
  }
});

describe('orders/create', () => {
  const sample = load(SHARED, 'orders_create.json');

  it('keeps every digit of ids above 2^53', async () => {
    const context = contextOf();
    const [event] = events(await shopifyMappings['orders/create']!.map(sample, context));
    const order = event!.data as { externalRefs: { id: string }[]; id: string; customerId: string; lines: { id: string }[] };
    assert.deepEqual(order.externalRefs, [{ system: 'shopify-us', id: '820982911946154508' }]);
    assert.equal(order.id, context.ids.links.get('order:820982911946154508'));
    assert.equal(order.customerId, context.ids.links.get('customer:115310627314723954'));
    assert.equal(order.lines[0]!.id, context.ids.links.get('orderLine:487817672276298554'));
    assert.ok(!context.ids.links.has('order:820982911946154500'), 'a rounded id would end in 500');
  });

  it('turns money into minor units and totals that add up to total_price', async () => {
    const [event] = events(await shopifyMappings['orders/create']!.map(sample, contextOf()));
    const order = event!.data as Record<string, Loose>;
    assert.equal(event!.type, 'weft.order.captured.v1');
    assert.deepEqual(order.lines.map((line: Loose) => [line.sku, line.unitPrice.amount, line.total.amount]), [
      ['SKU2006-001', 8999, 8999],
      ['LENS-PROTECT-2YR', 1999, 1999],
      ['CASE-LEATHER-PREM', 2499, 2499],
      ['SKU2006-020', 15999, 15999],
      ['SKU2006-035', 11999, 11999],
    ]);
    assert.deepEqual(order.totals, {
      subtotal: { amount: 41495, currency: 'USD' },
      discountTotal: { amount: 2000, currency: 'USD' },
      shippingTotal: { amount: 1000, currency: 'USD' },
      taxTotal: { amount: 0, currency: 'USD' },
      grandTotal: { amount: 40495, currency: 'USD' },
    });
    assert.equal(order.pricesIncludeTax, false);
    // financial_status voided: authorised, nothing captured.
    assert.deepEqual([order.payments[0].status, order.payments[0].amountAuthorized.amount, order.payments[0].amountCaptured.amount], ['voided', 40495, 0]);
    assert.deepEqual(order.fulfilmentGroups.map((g: Loose) => [g.kind, g.lineIds.length, g.shippingAddress.region]), [['ship', 5, 'US-KY']]);
    assert.equal(order.placedAt, '2022-01-01T00:00:00.000Z');
  });

  it('takes line discounts from allocations, taxes from tax_lines, and prices that include tax', async () => {
    const order = clone(sample);
    order.taxes_included = true;
    order.discount_applications = [{ type: 'discount_code', code: 'SUN10', title: 'SUN10', value: '10.0', value_type: 'fixed_amount', allocation_method: 'across', target_selection: 'all', target_type: 'line_item' }];
    const lines = order.line_items as Record<string, unknown>[];
    lines[0]!.discount_allocations = [{ amount: '10.00', discount_application_index: 0 }];
    lines[0]!.tax_lines = [{ title: 'KY State Tax', price: '4.80', rate: 0.06 }];
    order.total_discounts = '10.00';
    order.total_price = '414.95';
    const [event] = events(await shopifyMappings['orders/create']!.map(order, contextOf()));
    assertValid({ kind: 'events', events: [event!] });
    const data = event!.data as Record<string, Loose>;
    assert.deepEqual(data.lines[0].discounts, [{ amount: { amount: 1000, currency: 'USD' }, couponCode: 'SUN10', description: 'SUN10' }]);
    assert.deepEqual(data.lines[0].taxes, [{ jurisdiction: 'US-KY', rate: 600, amount: { amount: 480, currency: 'USD' }, name: 'KY State Tax' }]);
    assert.equal(data.discounts.length, 0);
    assert.equal(data.totals.taxTotal.amount, 480);
  });

  it('makes a pick-up group at the configured location and refuses parts that miss total_price', async () => {
    const order = clone(sample);
    (order.shipping_lines as Record<string, unknown>[])[0]!.code = 'Pickup Berlin';
    const context = contextOf(memoryIds(), { pickupShippingCodes: { 'Pickup Berlin': '24826418' } });
    const [event] = events(await shopifyMappings['orders/create']!.map(order, context));
    assertValid({ kind: 'events', events: [event!] });
    const group = (event!.data as Loose).fulfilmentGroups[0];
    assert.deepEqual([group.kind, group.locationId, group.shippingAddress], ['pickup_in_store', context.ids.links.get('location:24826418'), undefined]);

    order.total_price = '400.00';
    await assert.rejects(shopifyMappings['orders/create']!.map(order, context), (error: unknown) => error instanceof MappingError && error.problems[0]?.pointer === '/total_price');
  });

  it('ignores test orders when the source says so, and names the field of a line without SKU', async () => {
    const outcome = await shopifyMappings['orders/create']!.map(sample, contextOf(memoryIds(), { skipTestOrders: true }));
    assert.equal(outcome.kind, 'ignored');
    const order = clone(sample);
    (order.line_items as Record<string, unknown>[])[2]!.sku = null;
    await assert.rejects(shopifyMappings['orders/create']!.map(order, contextOf()), (error: unknown) => error instanceof MappingError && error.problems[0]?.pointer === '/line_items/2/sku');
  });
});

describe('order lifecycle, customers, inventory, refunds, fulfilments', () => {
  it('orders/cancelled names the same order as the capture, with the reason mapped', async () => {
    const context = contextOf();
    const sample = load(SHARED, 'orders_create.json');
    const [captured] = events(await shopifyMappings['orders/create']!.map(sample, context));
    const outcome = await shopifyMappings['orders/cancelled']!.map(sample, context);
    assertValid(outcome);
    const [cancelled] = events(outcome);
    assert.deepEqual(cancelled!.data, { orderId: captured!.subject, reason: 'customer_request', occurredAt: '2022-01-01T00:00:00.000Z', note: 'Shopify cancel_reason: customer' });
  });

  it('customers/create and customers/update keep the id exact and leave out phones that are not E.164', async () => {
    const context = contextOf();
    const sample = load(SHARED, 'customers_create.json');
    const [created] = events(await shopifyMappings['customers/create']!.map(sample, context));
    const customer = created!.data as Record<string, Loose>;
    assert.deepEqual(customer.externalRefs, [{ system: 'shopify-us', id: '706405506930370084' }]);
    assert.deepEqual(customer.addresses, [{ kind: 'shipping', isDefault: true, address: { line1: "151 O'Connor Street", city: 'Ottawa', country: 'CA', name: 'Bob Biller', region: 'CA-ON', postalCode: 'K2P 2L8' } }]);
    const updated = await shopifyMappings['customers/update']!.map({ ...(sample as object), phone: '+1 613-555-0199', email_marketing_consent: { state: 'subscribed', consent_updated_at: '2022-01-02T10:00:00-05:00' } }, context);
    assertValid(updated);
    const [event] = events(updated);
    assert.equal(event!.subject, created!.subject);
    assert.deepEqual((event!.data as Loose).changes.phones, [{ number: '+16135550199', primary: true, verified: false }]);
  });

  it('inventory_levels/update reports the position when the SKU was looked up and the location is linked', async () => {
    const sample = load(SHARED, 'inventory_levels_update.json') as Record<string, unknown>;
    const context = contextOf();
    assert.equal((await shopifyMappings['inventory_levels/update']!.map(sample, context)).kind, 'ignored');
    const locationId = context.ids.link('location', '24826418');
    await assert.rejects(shopifyMappings['inventory_levels/update']!.map(sample, context), (error: unknown) => error instanceof MappingError && error.problems[0]?.pointer === '/inventory_item_id');
    const outcome = await shopifyMappings['inventory_levels/update']!.map({ ...sample, inventory_item: { id: '271878346596884015', sku: 'SKU2006-001' } }, context);
    assertValid(outcome);
    const [event] = events(outcome);
    assert.equal(event!.subject, `SKU2006-001@${locationId}`);
    assert.deepEqual(event!.data, { sku: 'SKU2006-001', locationId, onHand: 10, reserved: 0, inTransit: 0, safetyStock: 0, available: 10, asOf: '2022-01-01T00:00:00.000Z' });
  });

  it('refunds/create issues a refund through the order\'s payment when the money adds up', async () => {
    const context = contextOf();
    const refund = clone(load(FIXTURES, 'refunds_create.json'));
    (refund.transactions as Record<string, unknown>[])[0]!.amount = '404.95';
    const outcome = await shopifyMappings['refunds/create']!.map(refund, context);
    assertValid(outcome);
    const [event] = events(outcome);
    const data = event!.data as Record<string, Loose>;
    assert.equal(event!.type, 'weft.refund.issued.v1');
    assert.deepEqual([data.amount.amount, data.lines.length, data.lines[0].amount.amount, data.status], [41495, 5, 8999, 'succeeded']);
    assert.equal(data.paymentId, context.ids.links.get('payment:820982911946154508'));
    assert.equal(data.lines[0].orderLineId, context.ids.links.get('orderLine:487817672276298554'));
    assert.deepEqual(data.externalRefs, [{ system: 'shopify-us', id: '890088186047892319' }]);
  });

  it('refunds/create takes a recorded refund_discrepancy off the lines in proportion', async () => {
    const refund = clone(load(FIXTURES, 'refunds_create.json'));
    refund.order_adjustments = [{ id: 1, order_id: 820982911946154508, refund_id: 890088186047892319, amount: '-329.95', tax_amount: '0.00', kind: 'refund_discrepancy', reason: 'Refund discrepancy' }];
    const outcome = await shopifyMappings['refunds/create']!.map(refund, contextOf());
    assertValid(outcome);
    const data = events(outcome)[0]!.data as Record<string, Loose>;
    assert.equal(data.lines.reduce((sum: number, line: Loose) => sum + line.amount.amount, 0), 8500);
  });

  it('fulfillments/create becomes a dispatched shipment of the order\'s ship group', async () => {
    const context = contextOf();
    const fulfillment = clone(load(FIXTURES, 'fulfillments_create.json'));
    fulfillment.location_id = 24826418;
    const outcome = await shopifyMappings['fulfillments/create']!.map(fulfillment, context);
    assertValid(outcome);
    const data = events(outcome)[0]!.data as Record<string, Loose>;
    assert.deepEqual([data.carrier, data.trackingNumbers, data.lines.length], ['ups', ['1z827wk74630'], 5]);
    assert.equal(data.fulfilmentGroupId, context.ids.links.get('fulfillmentGroup:820982911946154508/ship'));
    assert.equal(data.orderId, context.ids.links.get('order:820982911946154508'));
  });
});
