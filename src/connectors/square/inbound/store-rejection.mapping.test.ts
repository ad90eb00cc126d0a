import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateEventData } from '../../../domain/events/validate.ts';
import { MappingError } from '../../../errors/index.ts';
import type { MappedEvent } from '../../sdk/index.ts';
import { squareMappings } from '../connector.ts';
import { mappingContext, memoryIds, storeIds, testSourceSettings } from '../testing.ts';
import { ENRICHMENT_KEY } from './read.ts';
import { rejectionReasonOf } from './store-rejection.mapping.ts';

// A Square order Weft created for a store parcel, as RetrieveOrder returns it after its SHIPMENT
// fulfilment was cancelled: by the store (the clerk could not find the item, or it was damaged) it
// is one weft.order.release_rejected.v1 with Weft's ids and the clerk's reason, the same event for
// every webhook that reports it; by Weft itself (cancelOrder marks its own) it is ignored.

const SQUARE_ORDER = 'Wq8sQpLd0rN3x2Kc5ZbT1eYvHj9';
const UID = 'Ih3Lq9bV2xT7mK4pR8sW1n';
const WEFT_METADATA = { weft_order_id: storeIds.order, weft_group_id: storeIds.groupStore1, weft_location_id: storeIds.store1 };

function weftOrder(fulfilment: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: SQUARE_ORDER,
    location_id: 'L8SIMSTORE001',
    reference_id: 'US-200417',
    source: { name: 'Weft' },
    metadata: WEFT_METADATA,
    line_items: [{ uid: 'a1', name: 'Cap, black', quantity: '1', base_price_money: { amount: 2499, currency: 'USD' }, metadata: { weft_line_id: storeIds.lineCap, weft_sku: 'CAP-2201-OS-BLK' } }],
    fulfillments: [
      {
        uid: UID,
        type: 'SHIPMENT',
        state: 'CANCELED',
        shipment_details: {
          recipient: { display_name: 'Mike Jones', address: { address_line_1: '500 Congress Ave', locality: 'Austin', country: 'US' } },
          placed_at: '2026-11-20T10:00:00.000Z',
          canceled_at: '2026-11-20T14:05:00.000Z',
          cancel_reason: '  Item not found on the shelf ',
        },
        ...fulfilment,
      },
    ],
    // Paid: Square keeps the order OPEN when only its fulfilment is cancelled.
    state: 'OPEN',
    version: 4,
    created_at: '2026-11-20T10:00:00.000Z',
    updated_at: '2026-11-20T14:05:00.000Z',
    ...overrides,
  };
}

const webhook = (type: string, order: Record<string, unknown>, eventId = `e-${type}`) => {
  const key = type === 'order.fulfillment.updated' ? 'order_fulfillment_updated' : type.replace('.', '_');
  return { merchant_id: 'M', type, event_id: eventId, created_at: '2026-11-20T14:05:01Z', data: { type: key, id: SQUARE_ORDER, object: { [key]: { order_id: SQUARE_ORDER, state: order.state, version: order.version } } }, [ENRICHMENT_KEY]: { order, skus: {} } };
};

const details = (extra: Record<string, unknown>) => ({ recipient: { display_name: 'Mike Jones' }, ...extra });

async function eventsOf(topic: keyof typeof squareMappings, order: Record<string, unknown>, context = mappingContext()): Promise<MappedEvent[]> {
  const outcome = await squareMappings[topic].map(webhook(topic, order), context);
  assert.equal(outcome.kind, 'events', outcome.kind === 'ignored' ? outcome.reason : '');
  return outcome.kind === 'events' ? outcome.events : [];
}

test('the store cancelling the shipment is one weft.order.release_rejected.v1: Weft\'s order, group and store, the clerk\'s reason and words', async () => {
  const [event, ...more] = await eventsOf('order.fulfillment.updated', weftOrder());
  assert.equal(more.length, 0);
  assert.ok(event);
  assert.equal(event.type, 'weft.order.release_rejected.v1');
  assert.equal(event.subject, storeIds.order);
  assert.equal(event.key, `square:shipment:${SQUARE_ORDER}:${UID}:rejected`);
  assert.equal(event.time, '2026-11-20T14:05:00.000Z');
  assert.deepEqual(validateEventData(event.type, event.subject, event.data), { ok: true });
  assert.deepEqual(event.data, { orderId: storeIds.order, fulfilmentGroupId: storeIds.groupStore1, locationId: storeIds.store1, reason: 'out_of_stock', note: 'Item not found on the shelf', occurredAt: '2026-11-20T14:05:00.000Z' });
});

test('every webhook that reports the rejection, again and again, gives the same event under the same key', async () => {
  const context = mappingContext(testSourceSettings(), memoryIds());
  const seen = new Set<string>();
  // order.fulfillment.updated and order.updated for the change; later order.updated (Weft's refund, say) report it again.
  for (const [topic, order] of [['order.fulfillment.updated', weftOrder()], ['order.updated', weftOrder()], ['order.updated', weftOrder({}, { version: 6, updated_at: '2026-11-21T09:00:00.000Z' })], ['order.fulfillment.updated', weftOrder()]] as const) {
    for (const event of await eventsOf(topic, order, context)) seen.add(JSON.stringify([event.type, event.subject, event.key, event.time, event.data]));
  }
  assert.equal(seen.size, 1);
});

test('a FAILED shipment is a rejection too, from failure_reason and failed_at; without a stamp or words it dates from the order and says other', async () => {
  const [failed] = await eventsOf('order.updated', weftOrder({ state: 'FAILED', shipment_details: details({ failed_at: '2026-11-20T16:00:00Z', failure_reason: 'Box damaged in the back room' }) }));
  assert.deepEqual(failed?.data, { orderId: storeIds.order, fulfilmentGroupId: storeIds.groupStore1, locationId: storeIds.store1, reason: 'damaged', note: 'Box damaged in the back room', occurredAt: '2026-11-20T16:00:00.000Z' });
  assert.equal(failed?.key, `square:shipment:${SQUARE_ORDER}:${UID}:rejected`);
  const [bare] = await eventsOf('order.updated', weftOrder({ shipment_details: details({}) }, { updated_at: '2026-11-20T15:00:00Z' }));
  assert.deepEqual(bare?.data, { orderId: storeIds.order, fulfilmentGroupId: storeIds.groupStore1, locationId: storeIds.store1, reason: 'other', occurredAt: '2026-11-20T15:00:00.000Z' });
  // No weft_location_id (an older release): Weft's id of the Square location.
  const [located] = await eventsOf('order.updated', weftOrder({}, { metadata: { weft_order_id: storeIds.order, weft_group_id: storeIds.groupStore1 } }));
  assert.match((located?.data as { locationId: string }).locationId, /^loc_/);
});

test('Weft\'s own cancellation is ignored with its reason, by either mark; never a rejection', async () => {
  const weftReason = `Cancelled by Weft: customer request, ${storeIds.order}`;
  const cases = [
    // Both marks, as cancelOrder writes them (the paid order stays OPEN; an unpaid one is CANCELED too).
    weftOrder({ shipment_details: details({ canceled_at: '2026-11-20T14:05:00Z', cancel_reason: weftReason }) }, { metadata: { ...WEFT_METADATA, weft_cancelled: 'cmd_01JDSFSCANCE1000000000001' } }),
    weftOrder({ shipment_details: details({ canceled_at: '2026-11-20T14:05:00Z', cancel_reason: weftReason }) }, { state: 'CANCELED', metadata: { ...WEFT_METADATA, weft_cancelled: 'cmd_01JDSFSCANCE1000000000001' } }),
    // Square kept no cancel_reason: the metadata tells.
    weftOrder({ shipment_details: details({ canceled_at: '2026-11-20T14:05:00Z' }) }, { metadata: { ...WEFT_METADATA, weft_cancelled: 'cmd_01JDSFSCANCE1000000000001' } }),
    // Read with another application's token (no metadata): the cancel_reason tells.
    weftOrder({ shipment_details: details({ canceled_at: '2026-11-20T14:05:00Z', cancel_reason: weftReason }) }, { metadata: undefined }),
  ];
  for (const [i, order] of cases.entries()) {
    for (const topic of ['order.fulfillment.updated', 'order.updated'] as const) {
      const outcome = await squareMappings[topic].map(webhook(topic, order), mappingContext());
      assert.equal(outcome.kind, 'ignored', `case ${i} ${topic}`);
      if (outcome.kind === 'ignored') assert.match(outcome.reason, /^Square order \S+ was created by Weft( for ord_\S+)? \(ship from store\): it is not a new sale; Weft cancelled its shipment itself \((metadata weft_cancelled cmd_\S+|cancel_reason "Cancelled by Weft: customer request, ord_\S+")\): not the store turning the parcel down$/);
    }
  }
});

test('a rejection whose Weft ids cannot be read is an error pointing at the metadata, not a silent drop', async () => {
  await assert.rejects(squareMappings['order.updated'].map(webhook('order.updated', weftOrder({}, { metadata: undefined })), mappingContext()), (error: unknown) => {
    assert.ok(error instanceof MappingError);
    assert.equal(error.problems[0]?.pointer, '/_weft/order/metadata/weft_order_id');
    assert.match(error.problems[0]?.message ?? '', /turned the parcel down .* same Square application/);
    return true;
  });
});

test('the clerk\'s words as a reason', () => {
  const cases: [string | undefined, string][] = [
    ['Out of stock', 'out_of_stock'],
    ['item not found', 'out_of_stock'],
    ['Can’t find it anywhere', 'out_of_stock'],
    ['MISSING from shelf', 'out_of_stock'],
    ['sold out', 'out_of_stock'],
    ['Damaged', 'damaged'],
    ['box was broken', 'damaged'],
    ['damaged, and no other one in stock', 'damaged'],
    ['cannot ship to PO boxes', 'cannot_ship'],
    ['customer picked it up instead', 'other'],
    ['', 'other'],
    [undefined, 'other'],
  ];
  assert.deepEqual(cases.map(([text]) => rejectionReasonOf(text)), cases.map(([, reason]) => reason));
});
