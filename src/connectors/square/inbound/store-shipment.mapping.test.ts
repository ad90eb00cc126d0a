import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateEventData } from '../../../domain/events/validate.ts';
import { MappingError } from '../../../errors/index.ts';
import { squareMappings } from '../connector.ts';
import { mappingContext, memoryIds, storeIds, testSourceSettings } from '../testing.ts';
import { ENRICHMENT_KEY } from './read.ts';
import { carrierCode } from './store-shipment.mapping.ts';

// A Square order Weft created for a store parcel, as RetrieveOrder returns it after the store
// shipped it, through every order topic: one weft.shipment.dispatched.v1 with Weft's ids, the same
// shipment for every webhook that reports it, and never a captured order. The EXTERNAL payment Weft
// records on it, and the refund of that payment, are ignored with their reasons.

const SQUARE_ORDER = 'Wq8sQpLd0rN3x2Kc5ZbT1eYvHj9';
const UID = 'Ih3Lq9bV2xT7mK4pR8sW1n';

function weftOrder(fulfilment: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: SQUARE_ORDER,
    location_id: 'L8SIMSTORE001',
    reference_id: 'US-200417',
    source: { name: 'Weft' },
    metadata: { weft_order_id: storeIds.order, weft_group_id: storeIds.groupStore1, weft_location_id: storeIds.store1 },
    line_items: [
      { uid: 'a1', catalog_object_id: 'W62UWFY35CWMYGVWK6TWJDNI', name: 'T-Shirt Basic, white, L', quantity: '2', base_price_money: { amount: 1999, currency: 'USD' }, metadata: { weft_line_id: storeIds.lineTee, weft_sku: 'TSH-0815-L-WHT' } },
      { uid: 'a2', name: 'Cap, black', quantity: '1', base_price_money: { amount: 2499, currency: 'USD' }, metadata: { weft_line_id: storeIds.lineCap, weft_sku: 'CAP-2201-OS-BLK' } },
    ],
    fulfillments: [
      {
        uid: UID,
        type: 'SHIPMENT',
        state: 'COMPLETED',
        line_item_application: 'ALL',
        shipment_details: {
          recipient: { display_name: 'Mike Jones', phone_number: '+1 (512) 555-0123', address: { address_line_1: '500 Congress Ave', locality: 'Austin', administrative_district_level_1: 'TX', postal_code: '78701', country: 'US' } },
          carrier: 'UPS',
          shipping_type: 'ground',
          tracking_number: '1Z999AA10123456784',
          tracking_url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
          placed_at: '2026-11-20T10:00:00.000Z',
          shipped_at: '2026-11-21T15:30:00.000Z',
        },
        ...fulfilment,
      },
    ],
    state: 'OPEN',
    version: 3,
    created_at: '2026-11-20T10:00:00.000Z',
    updated_at: '2026-11-21T15:30:00.000Z',
    ...overrides,
  };
}

const webhook = (type: string, order: Record<string, unknown>) => {
  const key = type === 'order.fulfillment.updated' ? 'order_fulfillment_updated' : type.replace('.', '_');
  return { merchant_id: 'M', type, event_id: `e-${type}`, created_at: '2026-11-21T15:30:01Z', data: { type: key, id: SQUARE_ORDER, object: { [key]: { order_id: SQUARE_ORDER, state: order.state, version: order.version } } }, [ENRICHMENT_KEY]: { order, skus: {} } };
};

test('a completed store shipment is one weft.shipment.dispatched.v1 with the Weft order, group, lines and location', async () => {
  const context = mappingContext(testSourceSettings(), memoryIds());
  const outcome = await squareMappings['order.fulfillment.updated'].map(webhook('order.fulfillment.updated', weftOrder()), context);
  assert.equal(outcome.kind, 'events');
  if (outcome.kind !== 'events') return;
  const [event] = outcome.events;
  assert.equal(outcome.events.length, 1);
  assert.equal(event?.type, 'weft.shipment.dispatched.v1');
  assert.ok(validateEventData(event?.type ?? '', event?.subject ?? '', event?.data).ok);
  assert.equal(event?.key, `square:shipment:${SQUARE_ORDER}:${UID}:dispatched`);
  assert.equal(event?.time, '2026-11-21T15:30:00.000Z');
  const data = event?.data as Record<string, unknown>;
  assert.equal(data.id, event?.subject);
  assert.deepEqual(
    { orderId: data.orderId, fulfilmentGroupId: data.fulfilmentGroupId, fromLocationId: data.fromLocationId, carrier: data.carrier, service: data.service, trackingNumbers: data.trackingNumbers, trackingUrls: data.trackingUrls, status: data.status, shippedAt: data.shippedAt },
    { orderId: storeIds.order, fulfilmentGroupId: storeIds.groupStore1, fromLocationId: storeIds.store1, carrier: 'ups', service: 'ground', trackingNumbers: ['1Z999AA10123456784'], trackingUrls: ['https://www.ups.com/track?tracknum=1Z999AA10123456784'], status: 'dispatched', shippedAt: '2026-11-21T15:30:00.000Z' },
  );
  assert.deepEqual(data.lines, [
    { orderLineId: storeIds.lineTee, sku: 'TSH-0815-L-WHT', quantity: 2 },
    { orderLineId: storeIds.lineCap, sku: 'CAP-2201-OS-BLK', quantity: 1 },
  ]);
  assert.deepEqual(data.shipTo, { line1: '500 Congress Ave', city: 'Austin', country: 'US', name: 'Mike Jones', region: 'TX', postalCode: '78701', phone: '+15125550123' });
  assert.deepEqual(data.externalRefs, [{ system: 'pos-us', id: `${SQUARE_ORDER}:${UID}` }]);
});

test('every webhook that reports the shipment gives the same shipment under the same key; none is ever a captured order', async () => {
  const context = mappingContext(testSourceSettings(), memoryIds());
  const seen = new Set<string>();
  for (const topic of ['order.fulfillment.updated', 'order.updated', 'order.created', 'order.fulfillment.updated'] as const) {
    const outcome = await squareMappings[topic].map(webhook(topic, weftOrder()), context);
    assert.equal(outcome.kind, 'events', topic);
    if (outcome.kind === 'events') for (const event of outcome.events) seen.add(`${event.type}|${event.subject}|${event.key}`);
  }
  assert.equal(seen.size, 1);
  assert.match([...seen][0] ?? '', /^weft\.shipment\.dispatched\.v1\|shp_/);
});

test('a Weft order the store has not shipped is ignored with a reason, whatever the topic and state, and not captured', async () => {
  const context = mappingContext();
  // CANCELED and FAILED are the store turning the parcel down, or Weft cancelling it: store-rejection.mapping.test.ts.
  for (const [state, topic] of [['PROPOSED', 'order.created'], ['RESERVED', 'order.updated'], ['PREPARED', 'order.fulfillment.updated']] as const) {
    const outcome = await squareMappings[topic].map(webhook(topic, weftOrder({ state })), context);
    assert.equal(outcome.kind, 'ignored', `${topic} ${state}`);
    if (outcome.kind === 'ignored') assert.match(outcome.reason, new RegExp(`was created by Weft for ${storeIds.order} \\(ship from store\\): it is not a new sale; its shipment is ${state}`));
  }
  // Known only by its source (another application's token cannot read Weft's metadata): still never captured.
  const bySource = await squareMappings['order.created'].map(webhook('order.created', weftOrder({ state: 'PROPOSED' }, { metadata: undefined })), context);
  assert.equal(bySource.kind, 'ignored');
});

test('a shipped Weft order whose metadata cannot be read is an error pointing at it, not a silent drop', async () => {
  await assert.rejects(squareMappings['order.updated'].map(webhook('order.updated', weftOrder({}, { metadata: undefined })), mappingContext()), (error: unknown) => {
    assert.ok(error instanceof MappingError);
    assert.equal(error.problems[0]?.pointer, '/_weft/order/metadata/weft_order_id');
    assert.match(error.problems[0]?.message ?? '', /same Square application/);
    return true;
  });
});

test('a partial shipment (ENTRY_LIST) ships only its entries; a store that named no carrier ships with "other"', async () => {
  const order = weftOrder({ line_item_application: 'ENTRY_LIST', entries: [{ uid: 'e1', line_item_uid: 'a1', quantity: '1' }], shipment_details: { shipped_at: '2026-11-21T15:30:00Z' } });
  const outcome = await squareMappings['order.updated'].map(webhook('order.updated', order), mappingContext());
  assert.equal(outcome.kind, 'events');
  if (outcome.kind !== 'events') return;
  const data = outcome.events[0]?.data as { lines: unknown[]; carrier: string; trackingNumbers: string[] };
  assert.deepEqual(data.lines, [{ orderLineId: storeIds.lineTee, sku: 'TSH-0815-L-WHT', quantity: 1 }]);
  assert.deepEqual([data.carrier, data.trackingNumbers], ['other', []]);
});

test('carrier codes', () => {
  assert.deepEqual(['UPS', 'FedEx', 'Canada Post', ' USPS ', '', undefined, '4PX Express'].map(carrierCode), ['ups', 'fedex', 'canada-post', 'usps', 'other', 'other', 'px-express']);
});

const PAYMENT = 'Pw3kQ8sLd2rN5x7Kc1ZbT4eYvHj';
const externalPayment = (overrides: Record<string, unknown> = {}) => ({
  id: PAYMENT, status: 'COMPLETED', source_type: 'EXTERNAL', external_details: { type: 'EXTERNAL', source: 'shopify-us' },
  amount_money: { amount: 6497, currency: 'USD' }, total_money: { amount: 6497, currency: 'USD' }, approved_money: { amount: 6497, currency: 'USD' },
  order_id: SQUARE_ORDER, location_id: 'L8SIMSTORE001', created_at: '2026-11-20T10:00:01.000Z', updated_at: '2026-11-20T10:00:01.000Z', ...overrides,
});
const paymentWebhook = (type: string, payment: Record<string, unknown>, enrichment?: Record<string, unknown>) => ({
  merchant_id: 'M', type, event_id: `e-${type}`, created_at: '2026-11-20T10:00:02Z', data: { type: 'payment', id: payment.id, object: { payment } }, ...(enrichment === undefined ? {} : { [ENRICHMENT_KEY]: { skus: {}, ...enrichment } }),
});
const refundWebhook = (refund: Record<string, unknown>, enrichment?: Record<string, unknown>) => ({
  merchant_id: 'M', type: 'refund.created', event_id: 'e-refund', created_at: '2026-11-22T10:00:02Z', data: { type: 'refund', id: refund.id, object: { refund } }, ...(enrichment === undefined ? {} : { [ENRICHMENT_KEY]: { skus: {}, ...enrichment } }),
});

test('the EXTERNAL payment Weft recorded on its order is ignored with its reason, on payment.created and payment.updated', async () => {
  const order = weftOrder({ state: 'PROPOSED' });
  for (const topic of ['payment.created', 'payment.updated'] as const) {
    const outcome = await squareMappings[topic].map(paymentWebhook(topic, externalPayment(), { order }), mappingContext());
    assert.deepEqual(outcome, { kind: 'ignored', reason: `Square payment ${PAYMENT} (EXTERNAL, source shopify-us) pays Square order ${SQUARE_ORDER}, which Weft created for ${storeIds.order} (ship from store): it records at the store the payment shopify-us took, not a new payment` }, topic);
  }
  // Known only by its source: still Weft's.
  assert.equal((await squareMappings['payment.created'].map(paymentWebhook('payment.created', externalPayment(), { order: weftOrder({}, { metadata: undefined }) }), mappingContext())).kind, 'ignored');
});

test('an EXTERNAL payment on someone else\'s order is news; one whose order was not read is an error, not a guess', async () => {
  const till = { ...weftOrder(), source: { name: 'Square Point of Sale' }, metadata: undefined };
  const outcome = await squareMappings['payment.created'].map(paymentWebhook('payment.created', externalPayment(), { order: till }), mappingContext());
  assert.equal(outcome.kind, 'events');
  if (outcome.kind === 'events') assert.deepEqual(outcome.events.map((e) => e.type), ['weft.order.payment_authorized.v1', 'weft.order.payment_captured.v1']);
  await assert.rejects(squareMappings['payment.created'].map(paymentWebhook('payment.created', externalPayment()), mappingContext()), (error: unknown) => error instanceof MappingError && error.problems[0]?.pointer === '/data/object/payment/order_id');
  // A card payment needs no order read: Weft records only EXTERNAL ones.
  assert.equal((await squareMappings['payment.created'].map(paymentWebhook('payment.created', externalPayment({ source_type: 'CARD', external_details: undefined })), mappingContext())).kind, 'events');
});

test('the refund of Weft\'s payment is ignored with its reason; a refund that may be one and was not enriched is an error; a card refund needs nothing read', async () => {
  const refund = { id: `${PAYMENT}_r1`, status: 'COMPLETED', destination_type: 'EXTERNAL', amount_money: { amount: 6497, currency: 'USD' }, payment_id: PAYMENT, order_id: SQUARE_ORDER, created_at: '2026-11-22T10:00:00Z', updated_at: '2026-11-22T10:00:00Z' };
  const ignored = await squareMappings['refund.created'].map(refundWebhook(refund, { payment: externalPayment(), order: weftOrder({ state: 'CANCELED' }) }), mappingContext());
  assert.deepEqual(ignored, { kind: 'ignored', reason: `Square refund ${PAYMENT}_r1 refunds payment ${PAYMENT} on Square order ${SQUARE_ORDER}, which Weft created for ${storeIds.order} (ship from store): Weft refunded the channel's payment it had recorded there when it withdrew the parcel; it is not money back to a customer` });
  await assert.rejects(squareMappings['refund.created'].map(refundWebhook(refund), mappingContext()), (error: unknown) => error instanceof MappingError && error.problems[0]?.pointer === '/data/object/refund/payment_id');
  const card = await squareMappings['refund.created'].map(refundWebhook({ ...refund, destination_type: 'CARD' }), mappingContext());
  assert.equal(card.kind, 'events');
  // An EXTERNAL refund of a payment on another order: news.
  const other = await squareMappings['refund.created'].map(refundWebhook(refund, { payment: externalPayment({ order_id: 'OTHER' }) }), mappingContext());
  assert.equal(other.kind, 'events');
});
