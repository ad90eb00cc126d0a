import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Order } from '../../../domain/order/order.schema.ts';
import { validateEventData } from '../../../domain/events/validate.ts';
import { MappingError } from '../../../errors/index.ts';
import type { MappedEvent, MappingContext, MappingOutcome } from '../../sdk/index.ts';
import { squareMappings } from '../connector.ts';
import { mappingContext, memoryIds, testSourceSettings } from '../testing.ts';
import { mapSquareCustomer } from './customer.mapping.ts';
import { mapSquareOrder } from './order.mapping.ts';
import { ENRICHMENT_KEY } from './read.ts';

// Every Square sample through its mapping, every event checked against the catalogue (schema and
// business rules), plus the facts each sample pins down: money in minor units, totals, ids.

const SAMPLES = '/work/shared/data/payloads/square';
const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.json'));
const load = (file: string): Record<string, unknown> => JSON.parse(readFileSync(`${SAMPLES}/${file}`, 'utf8')) as Record<string, unknown>;
const retrieved = (load('api_RetrieveOrderResponse_example.json').order ?? {}) as Record<string, unknown>;

function assertValid(events: MappedEvent[]): void {
  for (const event of events) {
    const verdict = validateEventData(event.type, event.subject, event.data);
    assert.ok(verdict.ok, `${event.type} is invalid: ${JSON.stringify(verdict.ok ? [] : verdict.problems)}`);
  }
}

/** An order webhook sample enriched as `enrich` would: the RetrieveOrder sample under the webhook's order id. */
function enriched(envelope: Record<string, unknown>, order: Record<string, unknown> = retrieved, skus: Record<string, string> = {}): Record<string, unknown> {
  const object = ((envelope.data as Record<string, unknown>).object ?? {}) as Record<string, { order_id: string; state: string }>;
  const summary = Object.values(object)[0] as { order_id: string; state: string };
  return { ...envelope, [ENRICHMENT_KEY]: { order: { ...order, id: summary.order_id, state: summary.state }, skus } };
}

async function mapWebhook(file: string, context: MappingContext): Promise<MappingOutcome> {
  const envelope = load(file);
  const mapping = squareMappings[envelope.type as keyof typeof squareMappings];
  assert.ok(mapping, `no mapping for ${String(envelope.type)}`);
  return mapping.map(String(envelope.type).startsWith('order.') ? enriched(envelope) : envelope, context);
}

// What each known sample must give; a new sample file is still mapped and validated below.
const EXPECTED: Record<string, string[] | 'ignored'> = {
  'customer_created.json': ['weft.customer.created.v1'],
  'customer_deleted.json': 'ignored',
  'inventory_count_updated.json': ['weft.inventory.position_reported.v1'],
  'loyalty_account_created.json': ['weft.customer.updated.v1'],
  'order_created.json': ['weft.order.captured.v1'],
  'order_updated.json': ['weft.order.captured.v1'],
  'payment_created.json': ['weft.order.payment_authorized.v1'],
  'payment_updated.json': ['weft.order.payment_captured.v1'],
};

test('every Square sample maps to valid canonical events (or is ignored with a reason)', async () => {
  const settings = testSourceSettings({ skuSource: 'catalogObjectId', defaultCountry: 'US' });
  for (const file of files) {
    const context = mappingContext(settings);
    const body = load(file);
    if (file.startsWith('api_')) {
      if (isOrderResponse(body)) {
        const order = await mapSquareOrder({ order: body.order as Record<string, unknown>, at: '/order', enrichment: undefined }, context);
        assertValid([{ type: 'weft.order.captured.v1', subject: order.id, time: order.placedAt, data: order }]);
      }
      for (const [i, customer] of ((body.customers ?? []) as Record<string, unknown>[]).entries()) {
        const data = await mapSquareCustomer(customer, `/customers/${i}`, { created_at: '2020-01-01T00:00:00Z' }, context);
        assertValid([{ type: 'weft.customer.created.v1', subject: data.id, time: data.createdAt, data }]);
      }
      assert.ok(isOrderResponse(body) || Array.isArray(body.customers), `${file}: an API sample the test does not know how to map`);
      continue;
    }
    const outcome = await mapWebhook(file, context);
    const expected = EXPECTED[file];
    if (outcome.kind === 'ignored') {
      assert.ok(outcome.reason.length > 10, `${file}: ignored without a reason`);
      if (expected !== undefined) assert.equal(expected, 'ignored', `${file} was ignored: ${outcome.reason}`);
      continue;
    }
    assertValid(outcome.events);
    if (expected !== undefined) assert.deepEqual(outcome.events.map((e) => e.type), expected, file);
  }
});

function isOrderResponse(body: Record<string, unknown>): boolean {
  return typeof body.order === 'object' && body.order !== null;
}

test('CreateOrder sample: order discounts stay on the order, line discounts and taxes on the lines, totals add up to Square\'s', async () => {
  const body = load('api_CreateOrderResponse_example.json');
  const order: Order = await mapSquareOrder({ order: body.order as Record<string, unknown>, at: '/order', enrichment: { skus: { BEMYCSMIJL46OCDV4KYIKXIB: 'STEAK-NY-L' } } }, mappingContext());
  const [first, second] = order.lines;
  assert.equal(first?.sku, 'SQUARE-AD-HOC');
  assert.deepEqual(first?.unitPrice, { amount: 1599, currency: 'USD' });
  assert.equal(first?.total.amount, 1599);
  assert.equal(second?.sku, 'STEAK-NY-L');
  assert.equal(second?.name, 'New York Steak, Larger');
  assert.equal(second?.quantity, 2);
  assert.deepEqual(second?.unitPrice, { amount: 2250, currency: 'USD' }, 'gross 4500 (base 2200 + modifier 50, ×2) / 2');
  assert.deepEqual(second?.discounts.map((d) => d.amount.amount), [100]);
  assert.equal(second?.total.amount, 4400);
  assert.deepEqual(second?.taxes[0], { jurisdiction: 'US', name: 'State Sales Tax', rate: 900, amount: { amount: 374, currency: 'USD' } });
  assert.deepEqual(order.discounts.map((d) => [d.description, d.amount.amount]), [['Membership Discount', 30], ['Labor Day Sale', 303]]);
  assert.equal(order.pricesIncludeTax, false);
  assert.deepEqual(order.totals, {
    subtotal: { amount: 5999, currency: 'USD' },
    discountTotal: { amount: 333, currency: 'USD' },
    shippingTotal: { amount: 0, currency: 'USD' },
    taxTotal: { amount: 510, currency: 'USD' },
    grandTotal: { amount: 6176, currency: 'USD' },
  });
  assert.equal(order.attributes?.squareTotalMismatch, undefined, 'Weft\'s grand total equals Square\'s total_money');
  assert.equal(order.attributes?.squareReferenceId, 'my-order-001');
  assert.equal(order.channel, 'pos');
  assert.equal(order.fulfilmentGroups[0]?.kind, 'in_store');
  assert.equal(order.fulfilmentGroups[0]?.locationId, order.salesLocationId);
  assert.deepEqual(order.externalRefs, [{ system: 'pos-us', id: 'CAISENgvlJ6jLWAzERDzjyHVybY' }]);
});

test('RetrieveOrder sample: a 50 % order discount Square spreads over the lines is one order-level discount', async () => {
  const order = await mapSquareOrder({ order: retrieved, at: '/order', enrichment: undefined }, mappingContext());
  assert.deepEqual(order.lines.map((l) => [l.unitPrice.amount, l.quantity, l.total.amount, l.discounts.length]), [[500, 1, 500, 0], [300, 2, 600, 0]]);
  assert.equal(order.totals.discountTotal.amount, 550);
  assert.equal(order.totals.grandTotal.amount, 550);
  assert.equal(order.lines.every((l) => l.taxes.length === 0), true);
});

test('an order is captured once: order.updated of a captured order is ignored, CANCELED then cancels it', async () => {
  const context = mappingContext();
  const created = await squareMappings['order.created'].map(enriched(load('order_created.json')), context);
  assert.equal(created.kind, 'events');
  const updated = await squareMappings['order.updated'].map(enriched(load('order_updated.json')), context);
  assert.equal(updated.kind, 'ignored');
  // The same webhook once Square reports the order CANCELED (enrich reads the state from the order itself).
  const withState = enriched(load('order_updated.json'));
  ((withState[ENRICHMENT_KEY] as { order: Record<string, unknown> }).order).state = 'CANCELED';
  const outcome = await squareMappings['order.updated'].map(withState, context);
  const fresh = await squareMappings['order.updated'].map(withState, mappingContext());
  assert.equal(fresh.kind, 'ignored', 'an order cancelled before Weft captured it is not cancelled in Weft');
  assert.equal(outcome.kind, 'events');
  if (outcome.kind === 'events' && created.kind === 'events') {
    assert.equal(outcome.events[0]?.type, 'weft.order.cancelled.v1');
    assert.equal(outcome.events[0]?.subject, created.events[0]?.subject, 'the same Square order id gives the same Weft order id');
    assertValid(outcome.events);
  }
});

test('an order webhook that was not enriched fails with a pointer into the payload', async () => {
  await assert.rejects(squareMappings['order.created'].map(load('order_created.json'), mappingContext()), (error: unknown) => error instanceof MappingError && error.problems[0]?.pointer === '/data/object/order_created');
});

test('payments: APPROVED authorises, COMPLETED captures under one key per payment, however often Square repeats payment.updated', async () => {
  const context = mappingContext();
  const authorized = await squareMappings['payment.created'].map(load('payment_created.json'), context);
  assert.equal(authorized.kind, 'events');
  if (authorized.kind === 'events') {
    assert.deepEqual((authorized.events[0]?.data as { amount: unknown }).amount, { amount: 100, currency: 'USD' });
    assert.equal((authorized.events[0]?.data as { occurredAt: string }).occurredAt, '2020-11-22T21:16:51.198Z');
  }
  const captured = await squareMappings['payment.updated'].map(load('payment_updated.json'), context);
  assert.equal(captured.kind, 'events');
  if (captured.kind === 'events' && authorized.kind === 'events') {
    assert.equal((captured.events[0]?.data as { occurredAt: string }).occurredAt, '2020-11-22T21:19:00.832Z');
    assert.equal((captured.events[0]?.data as { paymentId: string }).paymentId, (authorized.events[0]?.data as { paymentId: string }).paymentId);
    assert.equal(captured.events[0]?.subject, authorized.events[0]?.subject);
  }
  // Square repeats payment.updated; the repeat carries the same key, and the hub keeps the first (src/ingest/inbound.ts).
  const again = await squareMappings['payment.updated'].map(load('payment_updated.json'), context);
  assert.equal(again.kind, 'events');
  if (again.kind === 'events' && captured.kind === 'events') {
    assert.match(captured.events[0]?.key ?? '', /^square:payment:.+:payment_captured$/);
    assert.equal(again.events[0]?.key, captured.events[0]?.key);
  }
});

test('inventory count: IN_STOCK quantity "10" is on hand 10 at the Square location; the SKU comes from the catalog when enrich found it', async () => {
  const ids = memoryIds();
  const context = mappingContext(testSourceSettings(), ids);
  const envelope = load('inventory_count_updated.json');
  const outcome = await squareMappings['inventory.count.updated'].map({ ...envelope, [ENRICHMENT_KEY]: { skus: { FGQ5JJWT2PYTHF35CKZ2DSKP: 'TSH-0815-L-WHT' } } }, context);
  assert.equal(outcome.kind, 'events');
  if (outcome.kind !== 'events') return;
  const location = await ids.find('location', 'YYQR03DGCTXA4');
  assert.equal(outcome.events[0]?.subject, `TSH-0815-L-WHT@${location}`);
  assert.deepEqual(outcome.events[0]?.data, { sku: 'TSH-0815-L-WHT', locationId: location, onHand: 10, reserved: 0, inTransit: 0, safetyStock: 0, available: 10, asOf: '2019-10-29T18:38:45.102Z' });
  // Without enrich and with skuSource catalog, the mapping refuses rather than guess.
  await assert.rejects(squareMappings['inventory.count.updated'].map(envelope, context), MappingError);
});

test('customer: E.164 phone, birthday, address with the default country; without a country the address is kept in attributes', async () => {
  const envelope = load('customer_created.json');
  const withCountry = await squareMappings['customer.created'].map(envelope, mappingContext(testSourceSettings({ defaultCountry: 'US' })));
  assert.equal(withCountry.kind, 'events');
  if (withCountry.kind !== 'events') return;
  const customer = withCountry.events[0]?.data as { phones: unknown; birthDate: string; addresses: { address: unknown }[]; externalRefs: unknown; emails: unknown };
  assert.deepEqual(customer.phones, [{ number: '+12126668929', primary: true, verified: false }]);
  assert.deepEqual(customer.emails, [{ address: 'jenkins+smorly@squareup.com', primary: true, verified: false }]);
  assert.equal(customer.birthDate, '1962-03-04');
  assert.deepEqual(customer.addresses[0]?.address, { line1: '1018 40th Street', city: 'Oakland', country: 'US', region: 'CA', postalCode: '94608' });
  assert.deepEqual(customer.externalRefs, [{ system: 'pos-us', id: 'QPTXM8PQNX3Q726ZYHPMNP46XC' }]);
  const without = await squareMappings['customer.created'].map(envelope, mappingContext());
  assert.equal(without.kind, 'events');
  if (without.kind === 'events') {
    const data = without.events[0]?.data as { addresses: unknown[]; attributes: Record<string, string> };
    assert.deepEqual(data.addresses, []);
    assert.equal(data.attributes.squareAddress, '1018 40th Street, 94608, Oakland, CA');
    assertValid(without.events);
  }
});

test('SearchCustomers sample: a dashed US phone is normalised to E.164', async () => {
  const [first] = (load('api_SearchCustomersResponse_example.json').customers ?? []) as Record<string, unknown>[];
  const data = await mapSquareCustomer(first ?? {}, '/customers/0', {}, mappingContext());
  assert.deepEqual(data.phones, [{ number: '+12125554250', primary: true, verified: false }]);
  assert.deepEqual(data.addresses[0]?.address.country, 'US');
});

test('refund: COMPLETED is issued under one key per refund with the whole amount as an adjustment; FAILED is a failed refund', async () => {
  const refund = (status: string) => ({
    merchant_id: 'M', type: 'refund.updated', event_id: `e-${status}`, created_at: '2021-01-02T00:00:00Z',
    data: { type: 'refund', id: 'R1', object: { refund: { id: 'R1', status, destination_type: 'CARD', amount_money: { amount: 1099, currency: 'USD' }, payment_id: 'P1', order_id: 'O1', reason: 'Returned goods', created_at: '2021-01-01T23:59:00Z', updated_at: '2021-01-02T00:00:00Z' } } },
  });
  const context = mappingContext();
  assert.equal((await squareMappings['refund.created'].map(refund('PENDING'), context)).kind, 'ignored');
  const issued = await squareMappings['refund.updated'].map(refund('COMPLETED'), context);
  assert.equal(issued.kind, 'events');
  if (issued.kind === 'events') {
    assertValid(issued.events);
    assert.deepEqual((issued.events[0]?.data as { amount: unknown; adjustment: unknown }).adjustment, { amount: 1099, currency: 'USD' });
  }
  const repeated = await squareMappings['refund.updated'].map(refund('COMPLETED'), context);
  assert.equal(repeated.kind === 'events' && issued.kind === 'events' ? repeated.events[0]?.key : undefined, 'square:refund:R1:final');
  assert.equal(issued.kind === 'events' ? issued.events[0]?.key : undefined, 'square:refund:R1:final');
  const failed = await squareMappings['refund.updated'].map({ ...refund('FAILED'), data: { ...refund('FAILED').data, object: { refund: { ...refund('FAILED').data.object.refund, id: 'R2' } } } }, context);
  assert.equal(failed.kind, 'events');
  if (failed.kind === 'events') assertValid(failed.events);
});

test('a weighed quantity ("1.5") is refused with a pointer to the line', async () => {
  const order = { ...retrieved, line_items: [{ ...((retrieved.line_items as Record<string, unknown>[])[0] ?? {}), quantity: '1.5' }] };
  await assert.rejects(mapSquareOrder({ order, at: '/order', enrichment: undefined }, mappingContext()), (error: unknown) => error instanceof MappingError && error.problems[0]?.pointer === '/order/line_items/0/quantity');
});
