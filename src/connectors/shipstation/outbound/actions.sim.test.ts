import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { germanWebOrder } from '../../../domain/events/example-documents.ts';
import type { Order } from '../../../domain/order/order.schema.ts';
import { TargetError, WeftError } from '../../../errors/index.ts';
import { createHttpClient, type DeliveryTarget, type HttpClient } from '../../sdk/index.ts';
import { shipStationError } from '../client.ts';
import { startShipStationSimulator, type ShipStationSimulator } from '../simulator.ts';
import { createShipStationTarget } from '../target.ts';
import { actionContext, commandOf } from '../test-helpers.ts';
import { memoryXrefs } from '../../sdk/testing.ts';

// The two actions against the simulator over real loopback HTTP.

const ORDER_ID = germanWebOrder.id;
const captured = (order: Order = germanWebOrder) => commandOf('releaseOrder', 'weft.order.captured.v1', order.id, order);
const cancelled = () => commandOf('cancelOrder', 'weft.order.cancelled.v1', ORDER_ID, { orderId: ORDER_ID, reason: 'customer_request', occurredAt: '2026-11-20T09:25:00Z' });

describe('ShipStation actions', () => {
  let clock = 1_800_000_000_000;
  let sim: ShipStationSimulator;
  let http: HttpClient;
  let target: DeliveryTarget;
  const settings = (baseUrl: string, apiSecret = 'sim-secret') => ({ connector: 'shipstation', baseUrl, apiKey: 'sim-key', apiSecret, storeId: 123456 });

  before(async () => {
    sim = await startShipStationSimulator({ now: () => clock });
    http = createHttpClient();
    target = createShipStationTarget('warehouse', settings(sim.url), { http });
  });
  after(async () => {
    await http.close();
    await sim.close();
  });
  beforeEach(async () => {
    // A new rate window per test: the simulator counts 40 requests a minute like ShipStation.
    clock += 120_000;
    await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
    sim.faults.errorRate = 0;
  });

  const run = (name: string, command: ReturnType<typeof captured>) => (target.actions[name] as DeliveryTarget['actions'][string]).run(actionContext(http, command, () => clock));

  it('creates one awaiting_shipment order for the ship group, keyed by the Weft order id, with amounts that add up', async () => {
    const result = await run('releaseOrder', captured());
    const [order] = sim.state().orders;
    assert.ok(order);
    assert.equal(sim.state().orders.length, 1);
    assert.equal(order.orderKey, ORDER_ID);
    assert.equal(order.orderNumber, 'DE-100234');
    assert.equal(order.orderStatus, 'awaiting_shipment');
    assert.deepEqual(result, { targetId: String(order.orderId), status: 'upserted', xref: { entity: 'order', canonicalId: ORDER_ID } });
    // Only the jacket ships; the T-shirts are collected in store.
    assert.deepEqual(order.items.map((item) => [item.lineItemKey, item.sku, item.quantity, item.unitPrice]), [['oln_01JDS1A0ZWSK9TPRM7N0MNS7C0', 'JKT-4711-M-NVY', 1, 129.99]]);
    // Jacket 116.99 − order discount 5.00 + shipping 4.95 = 116.94 (tax included: 18.08 + 0.79).
    assert.equal(order.amountPaid, 116.94);
    assert.equal(order.taxAmount, 18.87);
    assert.equal(order.shippingAmount, 4.95);
    assert.equal((order.shipTo as { street1: string }).street1, 'Kastanienallee 12');
    assert.deepEqual(order.advancedOptions, { storeId: 123456, customField1: 'ful_01JDV1SD53TW8JZ38AYTNJKGGS', customField2: ORDER_ID, source: 'weft' });
    // 09:14:03.512Z is 01:14:03.512 in Los Angeles (PST).
    assert.equal(order.orderDate, '2026-11-20T01:14:03.5120000');
  });

  it('updates instead of duplicating when the same command runs again', async () => {
    await run('releaseOrder', captured());
    await run('releaseOrder', captured());
    assert.equal(sim.state().orders.length, 1);
  });

  it('treats a replay after the warehouse shipped the order as done', async () => {
    await run('releaseOrder', captured());
    await sim.shipOrder(ORDER_ID);
    const result = await run('releaseOrder', captured());
    assert.equal(result.status, 'already_shipped');
    assert.equal(sim.state().orders.length, 1);
  });

  it('makes one ShipStation order per ship group when an order has several', async () => {
    const second = 'ful_01JDFKYS7AA4DZEWNWV8CF5BN5';
    const order: Order = {
      ...germanWebOrder,
      fulfilmentGroups: germanWebOrder.fulfilmentGroups.map((group) => (group.id === second ? { id: second, kind: 'ship', shippingAddress: germanWebOrder.billingAddress!, lineIds: group.lineIds, status: 'pending' } : group)),
    };
    const result = await run('releaseOrder', captured(order));
    assert.deepEqual(sim.state().orders.map((o) => [o.orderKey, o.orderNumber]), [[`${ORDER_ID}:1`, 'DE-100234-1'], [`${ORDER_ID}:2`, 'DE-100234-2']]);
    assert.equal(result.xref, undefined);
    // Across both ShipStation orders, the amounts add up to the order's grand total.
    const paid = sim.state().orders.reduce((total, o) => total + Math.round((o.amountPaid as number) * 100), 0);
    assert.equal(paid, germanWebOrder.totals.grandTotal.amount);
  });

  it('refuses weft.order.released.v1, which carries no lines, without sending anything', async () => {
    const command = commandOf('releaseOrder', 'weft.order.released.v1', ORDER_ID, { orderId: ORDER_ID, fulfilmentGroupIds: ['ful_01JDV1SD53TW8JZ38AYTNJKGGS'], occurredAt: '2026-11-20T09:32:00Z' });
    await assert.rejects(run('releaseOrder', command), (error: unknown) => error instanceof WeftError && error.code === 'command_invalid' && /weft.order.captured.v1/.test(error.message));
    assert.equal(sim.requests(), 0);
  });

  it('answers 401 for wrong credentials: target_auth_failed, not retried', async () => {
    const wrong = createShipStationTarget('warehouse', settings(sim.url, 'not-the-secret'), { http });
    await assert.rejects(
      (wrong.actions.releaseOrder as DeliveryTarget['actions'][string]).run(actionContext(http, captured(), () => clock)),
      (error: unknown) => error instanceof TargetError && error.code === 'target_auth_failed' && !error.retryable && error.targetStatus === 401,
    );
  });

  it('answers 429 past 40 requests a minute: target_throttled, retried after X-Rate-Limit-Reset', async () => {
    for (let i = 0; i < 40; i++) await run('releaseOrder', captured());
    clock += 15_000;
    await assert.rejects(run('releaseOrder', captured()), (error: unknown) => error instanceof TargetError && error.code === 'target_throttled' && error.retryable && error.retryAfterSeconds === 45);
    clock += 45_000;
    assert.equal((await run('releaseOrder', captured())).status, 'upserted');
  });

  it('answers 5xx as retryable target_unavailable', async () => {
    sim.faults.errorRate = 1;
    await assert.rejects(run('releaseOrder', captured()), (error: unknown) => error instanceof TargetError && error.code === 'target_unavailable' && error.retryable);
  });

  it('turns ShipStation\'s 400 into a terminal target_rejected quoting Message and ExceptionMessage', async () => {
    const client = createHttpClient();
    try {
      const response = await client.request({ method: 'POST', url: `${sim.url}/orders/createorder`, headers: { authorization: `Basic ${Buffer.from('sim-key:sim-secret').toString('base64')}`, 'content-type': 'application/json' }, body: '{"orderNumber":"x"}' });
      assert.equal(response.status, 400);
      const error = shipStationError(response, 'POST /orders/createorder', clock);
      assert.ok(error instanceof TargetError && error.code === 'target_rejected' && !error.retryable);
      assert.match(error.message, /The request is invalid\. — orderDate is required\./);
    } finally {
      await client.close();
    }
  });

  it('previews the createorder request with the credentials masked, sending nothing', async () => {
    const [request] = await (target.actions.releaseOrder as DeliveryTarget['actions'][string]).preview(captured());
    assert.ok(request);
    assert.equal(request.method, 'POST');
    assert.equal(request.url, `${sim.url}/orders/createorder`);
    assert.equal(request.headers.authorization, 'Basic ***');
    assert.doesNotMatch(JSON.stringify(request), /sim-secret|c2ltLWtleTpzaW0tc2VjcmV0/);
    assert.equal(JSON.parse(request.body ?? '{}').orderKey, ORDER_ID);
    assert.equal(sim.requests(), 0);
  });

  it('cancels the open order found by orderKey, and a retry finds nothing left to do', async () => {
    await run('releaseOrder', captured());
    const result = await run('cancelOrder', cancelled());
    assert.equal(result.status, 'cancelled');
    const [order] = sim.state().orders;
    assert.equal(order?.orderStatus, 'cancelled');
    // The whole order went back: items and address survive the cancellation.
    assert.equal(order?.items.length, 1);
    assert.equal((await run('cancelOrder', cancelled())).status, 'not_open');
    assert.equal(sim.state().orders.length, 1);
  });

  it('cancels through the ShipStation id the release linked in the cross-reference map, in two requests instead of a scan', async () => {
    const released = await run('releaseOrder', captured());
    const xrefs = memoryXrefs([[ORDER_ID, 'warehouse', 'order', released.targetId as string]]);
    const before = sim.requests();
    const result = await (target.actions.cancelOrder as DeliveryTarget['actions'][string]).run(actionContext(http, cancelled(), () => clock, xrefs));
    assert.deepEqual([result.status, result.targetId], ['cancelled', released.targetId]);
    assert.equal(sim.requests() - before, 2, 'GET /orders/{id}, then the cancelling createorder');
    assert.equal(sim.state().orders[0]?.orderStatus, 'cancelled');
  });

  it('refuses to cancel an order the warehouse already shipped, when the order number is known', async () => {
    await run('releaseOrder', captured());
    await sim.shipOrder(ORDER_ID);
    const asOrder = commandOf('cancelOrder', 'weft.order.captured.v1', ORDER_ID, { ...germanWebOrder, status: 'cancelled' });
    await assert.rejects(run('cancelOrder', asOrder), (error: unknown) => error instanceof TargetError && error.code === 'target_rejected' && /already shipped/.test(error.message));
  });

  it('previews a cancellation as its lookups and a masked post', async () => {
    const requests = await (target.actions.cancelOrder as DeliveryTarget['actions'][string]).preview(cancelled());
    assert.equal(requests.length, 4);
    assert.ok(requests.every((request) => request.headers.authorization === 'Basic ***'));
    assert.match(requests[0]?.url ?? '', /orderStatus=awaiting_shipment&storeId=123456/);
  });
});
