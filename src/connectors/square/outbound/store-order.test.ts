import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Order } from '../../../domain/order/order.schema.ts';
import { TargetError } from '../../../errors/index.ts';
import { createSquareTarget } from '../connector.ts';
import { parseSquareTargetSettings } from '../settings.ts';
import { command, storeIds, storeOrder } from '../testing.ts';
import { WEFT_CANCEL_REASON_PREFIX, weftCancellationMark } from '../weft-orders.ts';
import { cancelBody, cancelWhy } from './cancel-order.action.ts';
import { mintedAt, searchSince } from './find-store-orders.ts';
import { cancellationOf, createOrderBody, planRelease } from './store-order.ts';
import { externalPaymentBody, PAYMENT_KEY_MAX, payKeyOf, paymentStateOf, refundKeyOf } from './store-payment.ts';

// The requests of ship from store, without a server: what a release and a cancel send, what they
// refuse before sending, and the dry runs.

const settings = parseSquareTargetSettings('pos-us', { connector: 'square', accessToken: 'EAAAsecret-token', locations: { [storeIds.store1]: 'L1', [storeIds.store2]: 'L2' } });
const offline = { request: () => Promise.reject(new Error('nothing is sent')), close: async () => {} };
const release = (order: unknown) => command('releaseOrder', { type: 'weft.order.captured.v1', subject: storeIds.order, data: order });

test('one CreateOrder per ship_from_store group; the idempotency key is the command key and the group', () => {
  const order = storeOrder() as unknown as Order;
  const planned = planRelease(release(order), order, settings);
  assert.deepEqual(planned.map((p) => [p.group.id, p.squareLocationId, p.lines.map((l) => l.quantity)]), [
    [storeIds.groupStore1, 'L1', [2, 1]],
    [storeIds.groupStore2, 'L2', [1]],
  ]);
  const body = createOrderBody(order, planned[0]!, new Map([['TSH-0815-L-WHT', 'VAR1']]), 'weft-cmd_1') as { idempotency_key: string; order: Record<string, unknown> };
  assert.equal(body.idempotency_key, `weft-cmd_1:${storeIds.groupStore1}`);
  const lines = body.order.line_items as Record<string, unknown>[];
  assert.deepEqual(lines[0], { quantity: '2', catalog_object_id: 'VAR1', base_price_money: { amount: 1999, currency: 'USD' }, metadata: { weft_line_id: storeIds.lineTee, weft_sku: 'TSH-0815-L-WHT' } });
  assert.deepEqual(lines[1], { quantity: '1', name: 'Cap, black', base_price_money: { amount: 2499, currency: 'USD' }, metadata: { weft_line_id: storeIds.lineCap, weft_sku: 'CAP-2201-OS-BLK' } });
  assert.deepEqual(createOrderBody(order, planned[0]!, new Map([['TSH-0815-L-WHT', 'VAR1']]), 'weft-cmd_1'), body, 'the same command sends the same body, so Square recognises the retry');
});

test('cancelled units are not sent; an order number longer than Square\'s 40 characters gives way to the order id', () => {
  const order = storeOrder([storeIds.groupStore1]) as unknown as Order;
  order.orderNumber = 'MARKETPLACE-1234567890-1234567890-1234567890';
  (order.lines[0] as Order['lines'][number]).cancelledQuantity = 2;
  const [plan] = planRelease(release(order), order, settings);
  assert.deepEqual(plan?.lines.map((l) => l.line.id), [storeIds.lineCap]);
  assert.equal((createOrderBody(order, plan!, new Map(), 'k').order as { reference_id: string }).reference_id, storeIds.order);
});

test('a group without an address or a recipient name is refused before anything is sent, naming the field', () => {
  const order = storeOrder([storeIds.groupStore1]) as unknown as Order;
  const group = order.fulfilmentGroups[0] as Order['fulfilmentGroups'][number];
  group.shippingAddress = { line1: '500 Congress Ave', city: 'Austin', country: 'US' };
  assert.throws(() => planRelease(release(order), order, settings), (error: unknown) => error instanceof TargetError && error.code === 'command_invalid' && /\/data\/fulfilmentGroups\/0\/shippingAddress\/name is missing/.test(error.message));
  const ids = command('releaseOrder', { type: 'weft.order.released.v1', data: { orderId: storeIds.order, fulfilmentGroupIds: [] } });
  const target = createSquareTarget('pos-us', { connector: 'square', accessToken: 't', locations: {} }, { http: offline });
  return assert.rejects(target.actions.releaseOrder!.preview(ids), /carries only ids .* Route weft\.order\.captured\.v1 to releaseOrder/);
});

test('a cancellation names the order by weft.order.cancelled.v1 or by the whole Order; anything else is refused', () => {
  assert.deepEqual(cancellationOf(command('cancelOrder', { type: 'weft.order.cancelled.v1', data: { orderId: storeIds.order, reason: 'other' } })), { orderId: storeIds.order, order: undefined, reason: 'other' });
  assert.equal(cancellationOf(command('cancelOrder', { type: 'weft.order.captured.v1', data: storeOrder() })).order?.id, storeIds.order);
  assert.throws(() => cancellationOf(command('cancelOrder', { type: 'weft.order.cancelled.v1', data: { orderId: 'A-1' } })), /names no order/);
});

const weftMetadata = { weft_order_id: storeIds.order, weft_group_id: storeIds.groupStore1, weft_location_id: storeIds.store1 };
const mark = { commandId: 'cmd_2', why: cancelWhy(storeIds.order, 'customer_request') };

test('the cancel body sets the shipment fulfilment and the order CANCELED at the version read, marked as Weft\'s', () => {
  const body = cancelBody({ id: 'SQ1', location_id: 'L1', version: 4, metadata: weftMetadata, fulfillments: [{ uid: 'F1', type: 'SHIPMENT', state: 'PROPOSED' }] }, 'weft-cmd_2', mark);
  assert.deepEqual(body, {
    idempotency_key: 'weft-cmd_2:SQ1:cancel',
    order: {
      location_id: 'L1',
      version: 4,
      state: 'CANCELED',
      // The whole metadata: the same result whether Square merges or replaces the map.
      metadata: { ...weftMetadata, weft_cancelled: 'cmd_2' },
      fulfillments: [{ uid: 'F1', state: 'CANCELED', shipment_details: { cancel_reason: `Cancelled by Weft: customer request, ${storeIds.order}` } }],
    },
  });
});

test('a paid order\'s cancel body cancels its fulfilment only: Square cancels no order with a processed payment', () => {
  const body = cancelBody({ id: 'SQ1', location_id: 'L1', version: 5, metadata: { ...weftMetadata, 'square:internal': 'x' }, tenders: [{ id: 'P1', payment_id: 'P1' }], fulfillments: [{ uid: 'F1', type: 'SHIPMENT', state: 'PROPOSED' }] }, 'weft-cmd_2', mark);
  assert.deepEqual(body.order, {
    location_id: 'L1',
    version: 5,
    metadata: { ...weftMetadata, weft_cancelled: 'cmd_2' },
    fulfillments: [{ uid: 'F1', state: 'CANCELED', shipment_details: { cancel_reason: `Cancelled by Weft: customer request, ${storeIds.order}` } }],
  });
});

test('Weft\'s cancel_reason stays within Square\'s 100 characters and is recognised as Weft\'s', () => {
  const long = cancelBody({ id: 'SQ1', location_id: 'L1', version: 1, fulfillments: [{ uid: 'F1', type: 'SHIPMENT' }] }, 'k', { commandId: 'c', why: 'x'.repeat(300) });
  const reason = ((long.order as { fulfillments: { shipment_details: { cancel_reason: string } }[] }).fulfillments[0]?.shipment_details.cancel_reason) ?? '';
  assert.equal(reason.length, 100);
  assert.ok(reason.startsWith(WEFT_CANCEL_REASON_PREFIX));
  assert.match(weftCancellationMark({ fulfillments: [{ type: 'SHIPMENT', state: 'CANCELED', shipment_details: { cancel_reason: reason } }] }) ?? '', /^cancel_reason "Cancelled by Weft: x+"$/);
  assert.equal(weftCancellationMark({ fulfillments: [{ type: 'SHIPMENT', state: 'CANCELED', shipment_details: { cancel_reason: 'Item not found' } }] }), undefined, 'the store\'s own words');
  assert.equal(cancelWhy(storeIds.order, undefined), `order withdrawn, ${storeIds.order}`);
});

test('the external payment: the Square order\'s total, the channel as the source, its payment reference, a key of at most 45 characters', () => {
  const order = storeOrder([storeIds.groupStore1]) as unknown as Order;
  order.payments = [
    { id: 'pay_01JDSHPFRMST0RE0000000PAY1', method: 'card', provider: 'shopify-payments', providerReference: 'r-authorised', amountAuthorized: { amount: 6497, currency: 'USD' }, amountCaptured: { amount: 0, currency: 'USD' }, amountRefunded: { amount: 0, currency: 'USD' }, status: 'authorized', createdAt: '2026-11-20T09:14:03.512Z' },
    { id: 'pay_01JDSHPFRMST0RE0000000PAY2', method: 'card', provider: 'shopify-payments', providerReference: 'r-captured', amountAuthorized: { amount: 6497, currency: 'USD' }, amountCaptured: { amount: 6497, currency: 'USD' }, amountRefunded: { amount: 0, currency: 'USD' }, status: 'captured', createdAt: '2026-11-20T09:14:03.512Z' },
  ] as Order['payments'];
  const squareOrder = { id: 'SQ1', location_id: 'L1', total_money: { amount: 6497, currency: 'USD' } };
  const key = 'weft-cmd_01JDZZZZZZZZZZZZZZZZZZZZZZ';
  assert.deepEqual(externalPaymentBody(order, squareOrder, storeIds.groupStore1, key), {
    idempotency_key: payKeyOf(key, storeIds.groupStore1),
    source_id: 'EXTERNAL',
    amount_money: { amount: 6497, currency: 'USD' },
    order_id: 'SQ1',
    location_id: 'L1',
    autocomplete: true,
    reference_id: 'US-200417',
    note: `web order US-200417, paid at shopify-us; shipped from this store for Weft order ${storeIds.order}`,
    external_details: { type: 'EXTERNAL', source: 'shopify-us', source_id: 'r-captured' },
  });
  for (const k of [payKeyOf(key, storeIds.groupStore1), refundKeyOf(key, 'R8ZqX3pPvQ4WmB1KdH2yT9nSfJ6cL')]) assert.ok(k.length <= PAYMENT_KEY_MAX, k);
  assert.equal(payKeyOf(key, storeIds.groupStore1), payKeyOf(key, storeIds.groupStore1), 'every attempt sends the same key');
  assert.notEqual(payKeyOf(key, storeIds.groupStore1), payKeyOf(key, storeIds.groupStore2));
  assert.notEqual(payKeyOf(key, storeIds.groupStore1), payKeyOf('weft-cmd_01JDZZZZZZZZZZZZZZZZZZZZZY', storeIds.groupStore1));
});

test('an order with a tender, or nothing due, is paid; a 0 total owes nothing', () => {
  const total = { amount: 6497, currency: 'USD' };
  assert.equal(paymentStateOf({ total_money: total, net_amount_due_money: total }), 'unpaid');
  assert.equal(paymentStateOf({ total_money: total }), 'unpaid');
  assert.equal(paymentStateOf({ total_money: total, tenders: [{ id: 'P1' }] }), 'paid');
  assert.equal(paymentStateOf({ total_money: total, net_amount_due_money: { amount: 0, currency: 'USD' } }), 'paid');
  assert.equal(paymentStateOf({ total_money: { amount: 0, currency: 'USD' } }), 'nothing_due');
});

test('the search starts a day before the Weft order id was minted', () => {
  assert.equal(mintedAt('ord_01ARYZ6S41TSV4RRFFQ69G5FAV'), 1469918176385, 'the ULID spec\'s example');
  assert.equal(mintedAt('ord_not-a-ulid'), undefined);
  assert.equal(searchSince('ord_01ARYZ6S41TSV4RRFFQ69G5FAV'), new Date(1469918176385 - 86_400_000).toISOString());
});

test('dry runs show the catalog look-ups, the CreateOrder and CreatePayment per group and the cancel with its refund, token masked, nothing sent', async () => {
  const target = createSquareTarget('pos-us', { connector: 'square', accessToken: 'EAAAsecret-token', locations: { [storeIds.store1]: 'L1', [storeIds.store2]: 'L2' } }, { http: offline });
  const previews = await target.actions.releaseOrder!.preview(release(storeOrder()));
  assert.deepEqual(previews.map((p) => `${p.method} ${new URL(p.url).pathname}`), ['POST /v2/catalog/search', 'POST /v2/catalog/search', 'POST /v2/catalog/search', 'POST /v2/orders', 'POST /v2/payments', 'POST /v2/orders', 'POST /v2/payments']);
  assert.match(previews[3]?.body ?? '', new RegExp(`"idempotency_key":"weft-cmd_01JDZZZZZZZZZZZZZZZZZZZZZZ:${storeIds.groupStore1}"`));
  assert.match(previews[4]?.body ?? '', /"source_id":"EXTERNAL".*"amount_money":\{"amount":"<total_money of the Square order>"/);
  const cancel = await target.actions.cancelOrder!.preview(command('cancelOrder', { type: 'weft.order.cancelled.v1', data: { orderId: storeIds.order } }));
  assert.deepEqual(cancel.map((p) => p.method), ['GET', 'POST', 'PUT', 'GET', 'POST']);
  const unpaid = createSquareTarget('pos-us', { connector: 'square', accessToken: 'EAAAsecret-token', payReleasedOrders: false, locations: { [storeIds.store1]: 'L1' } }, { http: offline });
  assert.deepEqual((await unpaid.actions.releaseOrder!.preview(release(storeOrder([storeIds.groupStore1])))).map((p) => new URL(p.url).pathname).slice(-1), ['/v2/orders'], 'payReleasedOrders false: no payment');
  for (const preview of [...previews, ...cancel]) assert.doesNotMatch(JSON.stringify(preview), /EAAAsecret-token/);
});
