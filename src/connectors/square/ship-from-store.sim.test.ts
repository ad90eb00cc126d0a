import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { validateEventData } from '../../domain/events/validate.ts';
import { TargetError } from '../../errors/index.ts';
import { startRecordingServer, type RecordingServer } from '../sdk/recording-server.ts';
import { createHttpClient, type DeliveryTarget, type HttpClient, type MappedEvent } from '../sdk/index.ts';
import { memoryXrefs } from '../sdk/testing.ts';
import { squareErrorFor } from './client.ts';
import { classifySquareError, createSquareSource, createSquareTarget } from './connector.ts';
import { cancelBody, cancelWhy } from './outbound/cancel-order.action.ts';
import { startSquareSimulator, type SquareSimulator } from './simulator.ts';
import { actionContext, command, memoryIds, storeIds, storeOrder } from './testing.ts';

// Ship from store against the simulator over loopback HTTP: releaseOrder makes one Square order per
// ship_from_store group at the group's store and pays it with one EXTERNAL payment of its total
// (the channel as the source) so the store sees it, a retry makes and pays nothing new;
// cancelOrder finds them (by the cross-reference link or by SearchOrders), cancels the fulfilment
// (and an unpaid order) and refunds the payment, refuses once the store shipped, and does nothing
// for an order never released; the store's shipment comes back as one weft.shipment.dispatched.v1,
// the store turning a parcel down as one weft.order.release_rejected.v1 (Weft's own cancellation
// never), and Weft's own orders, payments and refunds are never taken for new business.

const NOTIFICATION_URL = 'https://weft.example.com/webhooks/pos-us';
const STORE1 = 'L8SIMSTORE001';
const STORE2 = 'L8SIMSTORE002';
let sim: SquareSimulator;
let receiver: RecordingServer;
let http: HttpClient;
let target: DeliveryTarget;
let unpaidTarget: DeliveryTarget;

before(async () => {
  // A budget no test here reaches: the simulator's default (100 a second) would make later tests' calls 429.
  sim = await startSquareSimulator({ locations: [{ id: STORE1, name: 'Austin', currency: 'USD' }, { id: STORE2, name: 'Dallas', currency: 'USD' }], rateLimit: { requestsPerSecond: 10_000, burst: 10_000 } });
  receiver = await startRecordingServer();
  http = createHttpClient();
  sim.subscribe({ url: `${receiver.url}/webhooks/pos-us`, notificationUrl: NOTIFICATION_URL });
  const settings = { connector: 'square', baseUrl: sim.url, accessToken: sim.accessToken, locations: { [storeIds.store1]: STORE1, [storeIds.store2]: STORE2 } };
  target = createSquareTarget('pos-us', settings, { http });
  unpaidTarget = createSquareTarget('pos-us', { ...settings, payReleasedOrders: false }, { http });
});
beforeEach(() => {
  receiver.requests.length = 0;
});
after(async () => {
  await http.close();
  await receiver.close();
  await sim.close();
});

const reset = () => http.request({ method: 'POST', url: `${sim.url}/_sim/reset` });
const release = (order: unknown, id: string) => command('releaseOrder', { type: 'weft.order.captured.v1', subject: storeIds.order, data: order }, id);
const cancellation = (id: string) => command('cancelOrder', { type: 'weft.order.cancelled.v1', subject: storeIds.order, data: { orderId: storeIds.order, reason: 'other', occurredAt: '2026-11-20T10:00:00Z' } }, id);
const weftOrders = () => sim.state().orders.filter((o) => (o.metadata as Record<string, string> | undefined)?.weft_order_id === storeIds.order);
type SimOrder = Record<string, unknown> & { fulfillments: Record<string, unknown>[]; tenders?: Record<string, unknown>[]; total_money: { amount: number; currency: string } };
const byId = (id: string) => sim.state().orders.find((o) => o.id === id) as SimOrder;
const paymentsOf = (squareOrderId: string) => sim.state().payments.filter((p) => p.order_id === squareOrderId);
const refundsOf = (squareOrderId: string) => sim.state().refunds.filter((r) => r.order_id === squareOrderId);
/** A request straight to the simulator's API, as another client would send it. */
async function squareApi(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> & { errors?: { code: string; detail: string; field?: string }[] } }> {
  const answer = await http.request({ method, url: `${sim.url}${path}`, headers: { authorization: `Bearer ${sim.accessToken}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: answer.status, body: JSON.parse(answer.body) };
}

/** What reached the receiver, verified, enriched (API reads: the records as they are now) and mapped. */
async function received(): Promise<{ events: MappedEvent[]; ignored: string[] }> {
  const source = createSquareSource('pos-us', { connector: 'square', baseUrl: sim.url, accessToken: sim.accessToken, signatureKey: sim.signatureKey });
  const context = { system: 'pos-us', ids: memoryIds(), settings: source.settings };
  const events: MappedEvent[] = [];
  const ignored: string[] = [];
  for (const request of receiver.requests.splice(0)) {
    const delivery = source.verify({ headers: request.headers, rawBody: request.body, notificationUrl: NOTIFICATION_URL, requestUrl: request.url, receivedAtMs: Date.now() });
    const enriched = (await source.enrich?.(delivery, { http, log: { debug() {}, info() {}, warn() {}, error() {} }, signal: new AbortController().signal })) ?? delivery;
    const outcome = await source.mappings[delivery.topic]?.map(enriched.payload, context);
    if (outcome?.kind === 'events') events.push(...outcome.events);
    else if (outcome?.kind === 'ignored') ignored.push(`${delivery.topic}: ${outcome.reason}`);
  }
  return { events, ignored };
}
const sendToReceiver = (type: string, data: unknown) => sim.sendWebhook(`${receiver.url}/webhooks/pos-us`, NOTIFICATION_URL, type, data);

/** The store's view of a released order: paid by one EXTERNAL payment of its total with the channel as the source, still OPEN, its parcel not started. */
function assertPaidForTheStore(squareOrderId: string): void {
  const order = byId(squareOrderId);
  const payments = paymentsOf(squareOrderId);
  assert.equal(payments.length, 1, `one payment on ${squareOrderId}`);
  const [payment] = payments as Record<string, unknown>[];
  assert.deepEqual([payment?.source_type, payment?.status, payment?.amount_money], ['EXTERNAL', 'COMPLETED', order.total_money], 'the order\'s total as Square computed it');
  assert.deepEqual(payment?.external_details, { type: 'EXTERNAL', source: 'shopify-us' }, 'the channel that took the money');
  assert.equal(payment?.reference_id, 'US-200417');
  assert.deepEqual([order.tenders?.length, order.net_amount_due_money, order.state, order.fulfillments[0]?.state], [1, { amount: 0, currency: 'USD' }, 'OPEN', 'PROPOSED'], 'paid, and open until the store ships');
}

test('release creates one Square order per ship_from_store group at its store, with the lines, the recipient and Weft\'s ids, paid for the store; a retry creates and pays nothing new', async () => {
  await reset();
  const cmd = release(storeOrder(), 'cmd_01JDSFSRE1EASE000000000001');
  const first = await target.actions.releaseOrder!.run(actionContext(cmd, http));
  assert.equal(first.status, 'created');
  assert.equal(first.xref, undefined, 'two Square orders: one receipt cannot link both');
  const ids = (first.targetId ?? '').split(',');
  assert.equal(ids.length, 2, 'the warehouse group is not the store\'s');
  const [atStore1, atStore2] = ids.map(byId);
  assert.equal(atStore1?.location_id, STORE1);
  assert.equal(atStore2?.location_id, STORE2);
  assert.deepEqual(atStore1?.metadata, { weft_order_id: storeIds.order, weft_group_id: storeIds.groupStore1, weft_location_id: storeIds.store1 });
  assert.deepEqual(atStore1?.source, { name: 'Weft' });
  assert.equal(atStore1?.reference_id, 'US-200417');
  const lines = atStore1?.line_items as Record<string, unknown>[];
  assert.deepEqual(lines.map((l) => [l.catalog_object_id, l.quantity, (l.base_price_money as { amount: number }).amount, (l.metadata as Record<string, string>).weft_line_id]), [
    ['W62UWFY35CWMYGVWK6TWJDNI', '2', 1999, storeIds.lineTee],
    ['AII2J7PSGMRJ5LXRJ4W6ZVS2', '1', 2499, storeIds.lineCap],
  ]);
  const mug = (atStore2?.line_items as Record<string, unknown>[])[0];
  assert.deepEqual([mug?.catalog_object_id, mug?.name, mug?.base_price_money], [undefined, 'Mug, white', { amount: 1200, currency: 'USD' }], 'a SKU Square lacks goes ad hoc');
  const fulfillment = atStore1?.fulfillments[0] as { type: string; state: string; shipment_details: Record<string, unknown> };
  assert.deepEqual([fulfillment.type, fulfillment.state], ['SHIPMENT', 'PROPOSED']);
  assert.deepEqual(fulfillment.shipment_details.recipient, {
    display_name: 'Mike Jones',
    email_address: 'mike.jones@example.com',
    phone_number: '+15125550123',
    address: { address_line_1: '500 Congress Ave', locality: 'Austin', administrative_district_level_1: 'TX', postal_code: '78701', country: 'US' },
  });
  assert.equal(fulfillment.shipment_details.carrier, 'ups');
  assert.deepEqual(ids.map((id) => byId(id).total_money.amount), [2 * 1999 + 2499, 1200]);
  for (const id of ids) assertPaidForTheStore(id);

  const again = await target.actions.releaseOrder!.run(actionContext({ ...cmd, attempt: 2 }, http));
  assert.equal(again.targetId, first.targetId, 'Square answered the repeated keys with the same orders');
  assert.equal(weftOrders().length, 2);
  assert.equal(sim.state().payments.length, 2, 'the retry read the orders again and found them paid');
  for (const id of ids) assertPaidForTheStore(id);
});

test('a release whose payment did not happen pays on its retry, once; payReleasedOrders false leaves the order unpaid', async () => {
  await reset();
  const cmd = release(storeOrder([storeIds.groupStore1]), 'cmd_01JDSFSRE1EASE00000000000C');
  // The first attempt made the order and stopped before paying it (here: a target that does not pay).
  const first = await unpaidTarget.actions.releaseOrder!.run(actionContext(cmd, http));
  const squareOrderId = first.targetId as string;
  assert.deepEqual([paymentsOf(squareOrderId).length, byId(squareOrderId).tenders, byId(squareOrderId).net_amount_due_money], [0, undefined, byId(squareOrderId).total_money], 'unpaid: Square does not show it to the store');
  // The retry: CreateOrder answers the first attempt's order under the same key; the order is read again and paid.
  const second = await target.actions.releaseOrder!.run(actionContext({ ...cmd, attempt: 2 }, http));
  assert.deepEqual([second.status, second.targetId], ['created', squareOrderId]);
  assertPaidForTheStore(squareOrderId);
  // A further retry, and a replay under another key that finds the order by its link: nothing paid twice.
  await target.actions.releaseOrder!.run(actionContext({ ...cmd, attempt: 3 }, http));
  const xrefs = memoryXrefs([[storeIds.order, 'pos-us', 'order', squareOrderId]]);
  const replay = await target.actions.releaseOrder!.run(actionContext(release(storeOrder([storeIds.groupStore1]), 'cmd_01JDSFSRE1EASE00000000000D'), http, xrefs));
  assert.equal(replay.status, 'already_released');
  assertPaidForTheStore(squareOrderId);
});

test('a release with one store parcel links it to the Weft order; a replay under another key finds it and creates nothing', async () => {
  await reset();
  const order = storeOrder([storeIds.groupStore1, storeIds.groupWarehouse]);
  const first = await target.actions.releaseOrder!.run(actionContext(release(order, 'cmd_01JDSFSRE1EASE000000000002'), http));
  assert.deepEqual(first.xref, { entity: 'order', canonicalId: storeIds.order });
  const xrefs = memoryXrefs([[storeIds.order, 'pos-us', 'order', first.targetId as string]]);
  const replay = await target.actions.releaseOrder!.run(actionContext(release(order, 'cmd_01JDSFSRE1EASE000000000003'), http, xrefs));
  assert.deepEqual([replay.status, replay.targetId], ['already_released', first.targetId]);
  assert.equal(weftOrders().length, 1);
  assertPaidForTheStore(first.targetId as string);
});

test('nothing to release, or a store Weft has no Square location for, sends nothing', async () => {
  await reset();
  const before = sim.requests();
  const warehouseOnly = await target.actions.releaseOrder!.run(actionContext(release(storeOrder([storeIds.groupWarehouse]), 'cmd_01JDSFSRE1EASE000000000004'), http));
  assert.equal(warehouseOnly.status, 'nothing_to_release');
  const unmapped = storeOrder();
  (unmapped.fulfilmentGroups as { locationId?: string }[])[1]!.locationId = storeIds.unmapped;
  await assert.rejects(target.actions.releaseOrder!.run(actionContext(release(unmapped, 'cmd_01JDSFSRE1EASE000000000005'), http)), (error: unknown) => {
    assert.ok(error instanceof TargetError);
    assert.equal(error.code, 'command_invalid');
    assert.equal(error.retryable, false);
    assert.match(error.message, /\/data\/fulfilmentGroups\/1\/locationId loc_01JDSHPFRMST0RE000000STR99 has no Square location \(add it to targets\.pos-us\.locations\)/);
    return true;
  });
  assert.equal(sim.requests(), before);
});

test('cancel of a two-parcel release finds both by SearchOrders, cancels each fulfilment and refunds each payment; a repeat is done already', async () => {
  await reset();
  await target.actions.releaseOrder!.run(actionContext(release(storeOrder(), 'cmd_01JDSFSRE1EASE000000000006'), http));
  const cancelled = await target.actions.cancelOrder!.run(actionContext(cancellation('cmd_01JDSFSCANCE1000000000001'), http));
  assert.equal(cancelled.status, 'cancelled');
  const ids = (cancelled.targetId ?? '').split(',');
  assert.equal(ids.length, 2);
  const views = sim.state().fulfilments.filter((f) => f.metadata.weft_order_id === storeIds.order);
  // Square cancels no order with a processed payment: the fulfilment is what leaves the store's list.
  assert.deepEqual(views.map((f) => [f.state, f.orderState]), [['CANCELED', 'OPEN'], ['CANCELED', 'OPEN']]);
  for (const id of ids) {
    const [payment] = paymentsOf(id);
    assert.deepEqual(refundsOf(id).map((r) => [r.status, r.amount_money, r.payment_id]), [['COMPLETED', byId(id).total_money, payment?.id]], 'the whole payment refunded, once');
    assert.deepEqual(payment?.refunded_money, byId(id).total_money);
  }
  const repeat = await target.actions.cancelOrder!.run(actionContext(cancellation('cmd_01JDSFSCANCE1000000000002'), http));
  assert.equal(repeat.status, 'already_cancelled');
  assert.equal(sim.state().refunds.length, 2, 'nothing refunded twice');
});

test('a withdrawal of the parcel a store turned down (weft.order.release_rejected.v1) refunds that parcel only; the other store\'s parcel goes on', async () => {
  await reset();
  const released = await target.actions.releaseOrder!.run(actionContext(release(storeOrder(), 'cmd_01JDSFSRE1EASE00000000000W'), http));
  const [first, second] = (released.targetId ?? '').split(',') as [string, string];
  const groupOf = (id: string) => (byId(id).metadata as Record<string, string>).weft_group_id;
  await sim.rejectFulfilment(first, { reason: 'damaged in the stock room' });
  const withdrawal = command('cancelOrder', { type: 'weft.order.release_rejected.v1', subject: storeIds.order, data: { orderId: storeIds.order, fulfilmentGroupId: groupOf(first), reason: 'damaged', occurredAt: '2026-11-20T10:00:00Z' } }, 'cmd_01JDSFSW1THDRAW000000000A');
  const withdrawn = await target.actions.cancelOrder!.run(actionContext(withdrawal, http));
  assert.deepEqual([withdrawn.status, withdrawn.targetId], ['cancelled', first]);
  assert.equal(refundsOf(first).length, 1, 'the rejected parcel\'s sale leaves the store\'s books');
  assert.deepEqual([refundsOf(second).length, byId(second).fulfillments[0]?.state], [0, 'PROPOSED'], 'the other parcel is untouched');
});

test('payReleasedOrders false: the release leaves the order unpaid, and its cancel cancels order and fulfilment, refunding nothing', async () => {
  await reset();
  const released = await unpaidTarget.actions.releaseOrder!.run(actionContext(release(storeOrder([storeIds.groupStore1]), 'cmd_01JDSFSRE1EASE00000000000E'), http));
  const squareOrderId = released.targetId as string;
  assert.deepEqual([sim.state().payments.length, byId(squareOrderId).tenders], [0, undefined]);
  const xrefs = memoryXrefs([[storeIds.order, 'pos-us', 'order', squareOrderId]]);
  const cancelled = await unpaidTarget.actions.cancelOrder!.run(actionContext(cancellation('cmd_01JDSFSCANCE1000000000007'), http, xrefs));
  assert.equal(cancelled.status, 'cancelled');
  assert.deepEqual([byId(squareOrderId).state, byId(squareOrderId).fulfillments[0]?.state, sim.state().refunds.length], ['CANCELED', 'CANCELED', 0]);
});

test('a cancel that stopped after cancelling the fulfilment refunds the payment on its retry', async () => {
  await reset();
  const released = await target.actions.releaseOrder!.run(actionContext(release(storeOrder([storeIds.groupStore1]), 'cmd_01JDSFSRE1EASE00000000000F'), http));
  const squareOrderId = released.targetId as string;
  const xrefs = memoryXrefs([[storeIds.order, 'pos-us', 'order', squareOrderId]]);
  const cmd = cancellation('cmd_01JDSFSCANCE1000000000008');
  // The first attempt's UpdateOrder went through; its refund did not.
  const body = cancelBody(byId(squareOrderId), actionContext(cmd, http).idempotencyKey, { commandId: cmd.id, why: cancelWhy(storeIds.order, 'other') });
  const put = await squareApi('PUT', `/v2/orders/${squareOrderId}`, body);
  assert.equal(put.status, 200);
  const retried = await target.actions.cancelOrder!.run(actionContext({ ...cmd, attempt: 2 }, http, xrefs));
  assert.deepEqual([retried.status, refundsOf(squareOrderId).length], ['cancelled', 1], 'the fulfilment is cancelled already; the refund was still due');
  const again = await target.actions.cancelOrder!.run(actionContext({ ...cmd, attempt: 3 }, http, xrefs));
  assert.deepEqual([again.status, refundsOf(squareOrderId).length], ['already_cancelled', 1]);
});

test('cancel follows the cross-reference link (one read, one update, one refund); after the store shipped it is refused for good', async () => {
  await reset();
  const order = storeOrder([storeIds.groupStore1]);
  const released = await target.actions.releaseOrder!.run(actionContext(release(order, 'cmd_01JDSFSRE1EASE000000000007'), http));
  const xrefs = memoryXrefs([[storeIds.order, 'pos-us', 'order', released.targetId as string]]);
  const before = sim.requests();
  const cancelled = await target.actions.cancelOrder!.run(actionContext(cancellation('cmd_01JDSFSCANCE1000000000003'), http, xrefs));
  assert.deepEqual([cancelled.status, cancelled.targetId], ['cancelled', released.targetId]);
  assert.equal(sim.requests() - before, 4, 'RetrieveOrder, UpdateOrder, GetPayment and RefundPayment; no search');

  const again = await target.actions.releaseOrder!.run(actionContext(release(order, 'cmd_01JDSFSRE1EASE000000000008'), http, xrefs));
  assert.equal(again.status, 'created', 'a cancelled Square order does not stand in for a new release');
  xrefs.add(storeIds.order, 'pos-us', 'order', again.targetId as string);
  await sim.shipFulfilment(again.targetId as string, { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' });
  await assert.rejects(target.actions.cancelOrder!.run(actionContext(cancellation('cmd_01JDSFSCANCE1000000000004'), http, xrefs)), (error: unknown) => {
    assert.ok(error instanceof TargetError);
    assert.equal(error.code, 'target_rejected');
    assert.equal(error.retryable, false);
    assert.match(error.message, /already shipped .* start a return instead/);
    return true;
  });
  assert.deepEqual([byId(again.targetId as string).fulfillments[0]?.state, byId(again.targetId as string).state], ['COMPLETED', 'COMPLETED'], 'paid and shipped: Square completes it');
  assert.deepEqual(refundsOf(again.targetId as string), [], 'the shipped parcel\'s sale stands: a return refunds it, not the cancel');
});

test('a cancel carrying the whole Order cancels the parcel the store has not shipped and refuses for the one it has', async () => {
  await reset();
  const released = await target.actions.releaseOrder!.run(actionContext(release(storeOrder(), 'cmd_01JDSFSRE1EASE00000000000B'), http));
  const [first, second] = (released.targetId ?? '').split(',') as [string, string];
  await sim.shipFulfilment(second, { carrier: 'FedEx', trackingNumber: '794644790132' });
  const withOrder = command('cancelOrder', { type: 'weft.order.captured.v1', subject: storeIds.order, data: storeOrder() }, 'cmd_01JDSFSCANCE1000000000006');
  await assert.rejects(target.actions.cancelOrder!.run(actionContext(withOrder, http)), (error: unknown) => {
    assert.ok(error instanceof TargetError);
    assert.equal(error.retryable, false);
    assert.match(error.message, new RegExp(`Square order ${second} is already shipped \\(or closed\\) by the store \\(${first} cancelled\\)`));
    return true;
  });
  assert.deepEqual([byId(first).state, byId(first).fulfillments[0]?.state, refundsOf(first).length], ['OPEN', 'CANCELED', 1]);
  assert.deepEqual([byId(second).state, byId(second).fulfillments[0]?.state, refundsOf(second).length], ['COMPLETED', 'COMPLETED', 0]);
});

test('cancel of an order never released to Square does nothing', async () => {
  await reset();
  const result = await target.actions.cancelOrder!.run(actionContext(cancellation('cmd_01JDSFSCANCE1000000000005'), http));
  assert.equal(result.status, 'nothing_to_cancel');
});

test('UpdateOrder with a stale version is Square\'s 400 VERSION_MISMATCH, which is retried', async () => {
  await reset();
  const released = await target.actions.releaseOrder!.run(actionContext(release(storeOrder([storeIds.groupStore1]), 'cmd_01JDSFSRE1EASE000000000009'), http));
  await sim.shipFulfilment(released.targetId as string, { carrier: 'UPS' });
  const put = await http.request({ method: 'PUT', url: `${sim.url}/v2/orders/${released.targetId}`, headers: { authorization: `Bearer ${sim.accessToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ idempotency_key: 'k1', order: { location_id: STORE1, version: 1, state: 'CANCELED' } }) });
  assert.equal(put.status, 400);
  assert.equal(JSON.parse(put.body).errors[0].code, 'VERSION_MISMATCH');
  assert.deepEqual(classifySquareError(squareErrorFor(put, 'PUT /v2/orders/{order_id}', Date.now())), { retryable: true });
});

test('the store\'s shipment comes back as one weft.shipment.dispatched.v1; Weft\'s own order is never captured as a sale', async () => {
  await reset();
  const released = await target.actions.releaseOrder!.run(actionContext(release(storeOrder([storeIds.groupStore1]), 'cmd_01JDSFSRE1EASE00000000000A'), http));
  const squareOrderId = released.targetId as string;
  // Square announces an API-made order and its payment too; the simulator leaves that to the test.
  await sendToReceiver('order.created', { type: 'order_created', id: squareOrderId, object: { order_created: { order_id: squareOrderId, state: 'OPEN', version: 1 } } });
  const [payment] = paymentsOf(squareOrderId);
  await sendToReceiver('payment.created', { type: 'payment', id: payment?.id, object: { payment } });
  await sendToReceiver('order.updated', { type: 'order_updated', id: squareOrderId, object: { order_updated: { order_id: squareOrderId, state: 'OPEN', version: 2 } } });
  const announced = await received();
  assert.deepEqual(announced.events, []);
  assert.match(announced.ignored[0] ?? '', /^order\.created: Square order \S+ was created by Weft for ord_\S+ \(ship from store\): it is not a new sale; its shipment is PROPOSED/);
  assert.equal(announced.ignored[1], `payment.created: Square payment ${String(payment?.id)} (EXTERNAL, source shopify-us) pays Square order ${squareOrderId}, which Weft created for ${storeIds.order} (ship from store): it records at the store the payment shopify-us took, not a new payment`);
  assert.match(announced.ignored[2] ?? '', /^order\.updated: Square order \S+ was created by Weft/);

  const shipped = await sim.shipFulfilment(squareOrderId, { carrier: 'UPS', trackingNumber: '1Z999AA10123456784' });
  assert.deepEqual(shipped.webhooks.map((w) => w.status), [200, 200]);
  const { events, ignored } = await received();
  assert.deepEqual(ignored, []);
  assert.ok(events.every((e) => e.type === 'weft.shipment.dispatched.v1'), 'never weft.order.captured.v1');
  // order.fulfillment.updated and order.updated report the same shipment: one id, one key.
  assert.equal(events.length, 2);
  assert.equal(new Set(events.map((e) => `${e.subject}|${e.key}`)).size, 1);
  const event = events[0] as MappedEvent;
  assert.ok(validateEventData(event.type, event.subject, event.data).ok);
  const data = event.data as { orderId: string; fulfilmentGroupId: string; fromLocationId: string; carrier: string; trackingNumbers: string[]; lines: unknown[]; service: string };
  assert.deepEqual([data.orderId, data.fulfilmentGroupId, data.fromLocationId, data.carrier, data.trackingNumbers, data.service], [storeIds.order, storeIds.groupStore1, storeIds.store1, 'ups', ['1Z999AA10123456784'], 'ground']);
  assert.deepEqual(data.lines, [
    { orderLineId: storeIds.lineTee, sku: 'TSH-0815-L-WHT', quantity: 2 },
    { orderLineId: storeIds.lineCap, sku: 'CAP-2201-OS-BLK', quantity: 1 },
  ]);
});

test('the store turning the parcel down comes back as one weft.order.release_rejected.v1; Weft\'s cancelOrder afterwards only refunds, and the rejection stays one', async () => {
  await reset();
  const released = await target.actions.releaseOrder!.run(actionContext(release(storeOrder([storeIds.groupStore1]), 'cmd_01JDSFSRE1EASE00000000000K'), http));
  const squareOrderId = released.targetId as string;
  const xrefs = memoryXrefs([[storeIds.order, 'pos-us', 'order', squareOrderId]]);
  receiver.requests.length = 0;
  const clerk = 'Not on the shelf, not in the back room either';
  const rejected = await sim.rejectFulfilment(squareOrderId, { reason: clerk });
  assert.deepEqual(rejected.webhooks.map((w) => w.status), [200, 200]);
  const details = () => byId(squareOrderId).fulfillments[0]?.shipment_details as Record<string, unknown>;
  assert.deepEqual([byId(squareOrderId).state, byId(squareOrderId).fulfillments[0]?.state, details().cancel_reason], ['OPEN', 'CANCELED', clerk], 'paid: Square keeps the order OPEN');
  const { events, ignored } = await received();
  assert.deepEqual(ignored, []);
  // order.fulfillment.updated and order.updated report the same rejection: one subject, one key.
  assert.deepEqual(events.map((e) => e.type), ['weft.order.release_rejected.v1', 'weft.order.release_rejected.v1']);
  assert.equal(new Set(events.map((e) => `${e.subject}|${e.key}`)).size, 1);
  const event = events[0] as MappedEvent;
  assert.ok(validateEventData(event.type, event.subject, event.data).ok);
  const canceledAt = new Date(String(details().canceled_at)).toISOString();
  assert.deepEqual(event.data, { orderId: storeIds.order, fulfilmentGroupId: storeIds.groupStore1, locationId: storeIds.store1, reason: 'out_of_stock', note: clerk, occurredAt: canceledAt });
  assert.equal(event.key, `square:shipment:${squareOrderId}:${String(byId(squareOrderId).fulfillments[0]?.uid)}:rejected`);

  // Order-to-cash cancels the lines: cancelOrder finds the fulfilment CANCELED, updates nothing, refunds the channel's payment.
  const before = sim.requests();
  const cancelled = await target.actions.cancelOrder!.run(actionContext(cancellation('cmd_01JDSFSCANCE100000000000A'), http, xrefs));
  assert.deepEqual([cancelled.status, cancelled.targetId], ['cancelled', squareOrderId]);
  assert.equal(sim.requests() - before, 4, 'RetrieveOrder, SearchOrders (the linked order is cancelled: a later release may have made another), GetPayment and RefundPayment; no UpdateOrder');
  assert.deepEqual([details().cancel_reason, (byId(squareOrderId).metadata as Record<string, string>).weft_cancelled], [clerk, undefined], 'the store\'s reason stands; not marked as Weft\'s');
  assert.equal(refundsOf(squareOrderId).length, 1, 'the sale leaves the store\'s books');
  // Square reports the refund's change of the order: the same rejection under the same key, which the hub drops.
  const order = byId(squareOrderId);
  await sendToReceiver('order.updated', { type: 'order_updated', id: squareOrderId, object: { order_updated: { order_id: squareOrderId, state: order.state, version: order.version } } });
  const again = await received();
  assert.deepEqual(again.events.map((e) => `${e.type}|${e.subject}|${e.key}`), [`${event.type}|${event.subject}|${event.key}`]);
  const repeat = await target.actions.cancelOrder!.run(actionContext(cancellation('cmd_01JDSFSCANCE100000000000B'), http, xrefs));
  assert.deepEqual([repeat.status, refundsOf(squareOrderId).length], ['already_cancelled', 1]);
  await assert.rejects(sim.rejectFulfilment(squareOrderId, {}), /is CANCELED already/);
});

test('the order, payment and refund webhooks of a withdrawn Weft order are ignored with their reasons (Weft\'s cancellation is no rejection); a till sale\'s payment is still news', async () => {
  await reset();
  const released = await target.actions.releaseOrder!.run(actionContext(release(storeOrder([storeIds.groupStore1]), 'cmd_01JDSFSRE1EASE00000000000G'), http));
  const squareOrderId = released.targetId as string;
  const xrefs = memoryXrefs([[storeIds.order, 'pos-us', 'order', squareOrderId]]);
  await target.actions.cancelOrder!.run(actionContext(cancellation('cmd_01JDSFSCANCE1000000000009'), http, xrefs));
  // Weft's marks, in the UpdateOrder that cancelled the fulfilment: the store's staff read the reason; Weft's ids stay.
  const withdrawn = byId(squareOrderId);
  assert.deepEqual([withdrawn.fulfillments[0]?.state, (withdrawn.fulfillments[0]?.shipment_details as Record<string, unknown>).cancel_reason], ['CANCELED', `Cancelled by Weft: other, ${storeIds.order}`]);
  assert.deepEqual(withdrawn.metadata, { weft_order_id: storeIds.order, weft_group_id: storeIds.groupStore1, weft_location_id: storeIds.store1, weft_cancelled: 'cmd_01JDSFSCANCE1000000000009' });
  const [payment] = paymentsOf(squareOrderId);
  const [refund] = refundsOf(squareOrderId);
  receiver.requests.length = 0;
  const summary = { order_id: squareOrderId, state: withdrawn.state, version: withdrawn.version };
  await sendToReceiver('order.fulfillment.updated', { type: 'order_fulfillment_updated', id: squareOrderId, object: { order_fulfillment_updated: { ...summary, fulfillment_update: [{ fulfillment_uid: withdrawn.fulfillments[0]?.uid, old_state: 'PROPOSED', new_state: 'CANCELED' }] } } });
  await sendToReceiver('order.updated', { type: 'order_updated', id: squareOrderId, object: { order_updated: summary } });
  await sendToReceiver('payment.updated', { type: 'payment', id: payment?.id, object: { payment } });
  await sendToReceiver('refund.created', { type: 'refund', id: refund?.id, object: { refund } });
  await sendToReceiver('refund.updated', { type: 'refund', id: refund?.id, object: { refund } });
  const { events, ignored } = await received();
  assert.deepEqual(events, [], 'no rejection, no payment captured, no refund issued');
  const own = `Square order ${squareOrderId} was created by Weft for ${storeIds.order} (ship from store): it is not a new sale; Weft cancelled its shipment itself (metadata weft_cancelled cmd_01JDSFSCANCE1000000000009): not the store turning the parcel down`;
  assert.deepEqual(ignored.slice(0, 2), [`order.fulfillment.updated: ${own}`, `order.updated: ${own}`]);
  assert.match(ignored[2] ?? '', /^payment\.updated: Square payment \S+ \(EXTERNAL, source shopify-us\) pays Square order \S+, which Weft created for ord_/);
  const refundReason = `Square refund ${String(refund?.id)} refunds payment ${String(payment?.id)} on Square order ${squareOrderId}, which Weft created for ${storeIds.order} (ship from store): Weft refunded the channel's payment it had recorded there when it withdrew the parcel; it is not money back to a customer`;
  assert.deepEqual(ignored.slice(3), [`refund.created: ${refundReason}`, `refund.updated: ${refundReason}`]);

  // A sale rung up at the till (a card payment on a Square order Weft did not make) is news as before.
  await sim.createSale({ locationId: STORE1, lines: [{ sku: 'CAP-2201-OS-BLK', quantity: 1 }] });
  const sale = await received();
  assert.ok(sale.events.some((e) => e.type === 'weft.order.payment_captured.v1'), sale.ignored.join('; '));
});

test('the simulator refuses what Square refuses: an order with a payment cannot be CANCELED, a cancel_reason stops at 100 characters, a payment must be what the order owes, keys stop at 45 characters, no refund beyond the payment', async () => {
  await reset();
  const released = await target.actions.releaseOrder!.run(actionContext(release(storeOrder([storeIds.groupStore1]), 'cmd_01JDSFSRE1EASE00000000000H'), http));
  const paid = byId(released.targetId as string);
  const refused = await squareApi('PUT', `/v2/orders/${String(paid.id)}`, { idempotency_key: 'k-cancel', order: { location_id: STORE1, version: paid.version, state: 'CANCELED' } });
  assert.deepEqual([refused.status, refused.body.errors?.[0]?.code, refused.body.errors?.[0]?.detail], [400, 'BAD_REQUEST', 'Orders cannot be canceled after payments have been processed.']);
  const longReason = await squareApi('PUT', `/v2/orders/${String(paid.id)}`, { idempotency_key: 'k-reason', order: { location_id: STORE1, version: paid.version, fulfillments: [{ uid: paid.fulfillments[0]?.uid, state: 'CANCELED', shipment_details: { cancel_reason: 'x'.repeat(101) } }] } });
  assert.deepEqual([longReason.status, longReason.body.errors?.[0]?.code, longReason.body.errors?.[0]?.field], [400, 'VALUE_TOO_LONG', 'order.fulfillments[0].shipment_details.cancel_reason']);

  const unpaid = await unpaidTarget.actions.releaseOrder!.run(actionContext(release(storeOrder([storeIds.groupStore2]), 'cmd_01JDSFSRE1EASE00000000000J'), http));
  const order = byId(unpaid.targetId as string);
  const pay = (key: string, amount: number, extra: Record<string, unknown> = {}) =>
    squareApi('POST', '/v2/payments', { idempotency_key: key, source_id: 'EXTERNAL', external_details: { type: 'EXTERNAL', source: 'shopify-us' }, amount_money: { amount, currency: 'USD' }, order_id: order.id, location_id: STORE2, autocomplete: true, ...extra });
  const short = await pay('k-short', order.total_money.amount - 1);
  assert.deepEqual([short.status, short.body.errors?.[0]?.code, short.body.errors?.[0]?.field], [400, 'BAD_REQUEST', 'amount_money']);
  assert.match(short.body.errors?.[0]?.detail ?? '', /The payment total does not match the order total/);
  const long = await pay('k'.repeat(46), order.total_money.amount);
  assert.deepEqual([long.status, long.body.errors?.[0]?.code], [400, 'VALUE_TOO_LONG']);
  const noDetails = await pay('k-details', order.total_money.amount, { external_details: { type: 'EXTERNAL' } });
  assert.deepEqual([noDetails.status, noDetails.body.errors?.[0]?.field], [400, 'external_details.source']);
  const card = await pay('k-card', order.total_money.amount, { source_id: 'cnon:card-nonce-ok' });
  assert.equal(card.status, 400);
  const ok = await pay('k-ok', order.total_money.amount);
  assert.equal(ok.status, 200);
  assert.deepEqual((await pay('k-ok', order.total_money.amount)).body, ok.body, 'the same key and body: the first answer again');
  assert.equal((await pay('k-ok', order.total_money.amount, { note: 'other' })).body.errors?.[0]?.code, 'IDEMPOTENCY_KEY_REUSED');
  assert.equal((await pay('k-twice', order.total_money.amount)).status, 400, 'nothing is owed any more');
  const paymentId = (ok.body.payment as { id: string }).id;
  const refund = (key: string, amount: number) => squareApi('POST', '/v2/refunds', { idempotency_key: key, payment_id: paymentId, amount_money: { amount, currency: 'USD' }, reason: 'test' });
  const over = await refund('r-over', order.total_money.amount + 1);
  assert.deepEqual([over.status, over.body.errors?.[0]?.field], [400, 'amount_money.amount']);
  assert.equal((await refund('r-half', 600)).status, 200);
  assert.equal((await refund('r-rest', order.total_money.amount - 600)).status, 200);
  assert.equal((await refund('r-more', 1)).status, 400, 'refunded in full');
  const read = await squareApi('GET', `/v2/payments/${paymentId}`);
  assert.deepEqual((read.body.payment as Record<string, unknown>).refunded_money, order.total_money);
});
