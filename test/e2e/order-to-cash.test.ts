import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHub, type Hub } from '../../src/app/hub.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startNetSuiteSimulator, type NetSuiteSimulator } from '../../src/connectors/netsuite/index.ts';
import { startShipStationSimulator, type ShipStationSimulator } from '../../src/connectors/shipstation/index.ts';
import type { Order } from '../../src/domain/order/order.schema.ts';
import { createIdGenerator } from '../../src/ports/clock.ts';
import { testWebOrder } from '../support/orders.ts';
import { apiCaller, until } from '../support/wait.ts';

// Order-to-cash against the NetSuite and ShipStation simulators, through the hub's API, for the
// exceptions retailers live with: the ERP down (orders wait durably and catch up), a payment not
// secured (the order waits on hold until a person releases it), a cancellation after release (the
// warehouse order is cancelled). Each ends by checking what every system holds.

const dir = mkdtempSync(join(tmpdir(), 'weft-o2c-'));
const ids = createIdGenerator();
const credentials = { consumerKey: 'ck-o2c', consumerSecret: 'cs-o2c-secret', tokenId: 'tok-o2c', tokenSecret: 'ts-o2c-secret' };
let erp: NetSuiteSimulator;
let warehouse: ShipStationSimulator;
let hub: Hub;
let admin = '';

const webOrder = (n: number, payment: 'authorized' | 'pending' = 'authorized'): Order => testWebOrder(ids, n, { prefix: 'O2C', payment });

const call = apiCaller(() => hub.url, () => admin);

async function capture(order: Order): Promise<void> {
  const answer = await call('POST', '/v1/events', { type: 'weft.order.captured.v1', subject: order.id, data: order });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
}

const stateOf = async (order: Order): Promise<string | undefined> => (await hub.store.processInstance('order-to-cash', order.id))?.state;

before(async () => {
  erp = await startNetSuiteSimulator({ credentials });
  erp.seed('inventoryItem', { itemId: 'HP-WOOL-BNE-OS-GRY', displayName: 'Wool beanie', externalId: 'itm:beanie' });
  const guest = erp.seed('customer', { entityId: 'Web guest', externalId: 'guest' });
  warehouse = await startShipStationSimulator({ apiKey: 'ss-o2c', apiSecret: 'ss-o2c-secret', requestsPerMinute: 100_000 });
  const fast = { retry: { baseDelayMs: 20, maxDelayMs: 200 }, breaker: { failureThreshold: 3, openMs: 200, halfOpenProbes: 1 } };
  const config = loadConfig({
    env: { WEFT_DATA_DIR: dir, WEFT_HTTP_PORT: '0', WEFT_LOG_LEVEL: 'silent', WEFT_DELIVERY_POLL_MS: '20' },
    overrides: {
      targets: {
        erp: { connector: 'netsuite', accountId: '1234567_SB1', baseUrl: erp.url, auth: credentials, defaultCustomerId: guest.id, subsidiaryId: '1', locationId: '1', requestsPerSecond: 200, ...fast },
        warehouse: { connector: 'shipstation', baseUrl: warehouse.url, apiKey: 'ss-o2c', apiSecret: 'ss-o2c-secret', rateLimit: { requestsPerSecond: 200, burst: 50, maxConcurrency: 8 }, ...fast },
      },
      processes: { orderToCash: { enabled: true, erp: 'erp', warehouse: 'warehouse' } },
    },
  });
  hub = await startHub(config, { announce: (text) => (admin = /(weft_key_\S+)/.exec(text)?.[1] ?? admin) });
});

after(async () => {
  await hub?.close();
  await erp?.close();
  await warehouse?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('order-to-cash against the simulators', () => {
  it('waits durably while the ERP is down and catches up when it is back, once per order', async () => {
    erp.faults.down = true;
    const orders = Array.from({ length: 5 }, (_, n) => webOrder(n));
    for (const order of orders) await capture(order);
    await until(async () => (await Promise.all(orders.map(stateOf))).every((state) => state === 'erp_pending'), 'every order waiting for the ERP');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(erp.records('salesOrder').length, 0, 'nothing reached the ERP while it was down');
    assert.deepEqual(await hub.store.listCommands({ status: 'dead', limit: 10 }), [], 'a down ERP is retried, not dead-lettered');
    erp.faults.down = false;
    await until(async () => (await Promise.all(orders.map(stateOf))).every((state) => state === 'released'), 'every order released after the ERP came back');
    await until(() => orders.every((order) => warehouse.state().orders.some((record) => record.orderKey === order.id)), 'every release delivered to the warehouse');
    for (const order of orders) {
      assert.equal(erp.records('salesOrder').filter((record) => record.externalId === order.id).length, 1, `${order.orderNumber}: one sales order`);
      assert.equal(warehouse.state().orders.filter((record) => record.orderKey === order.id).length, 1, `${order.orderNumber}: one warehouse order`);
    }
  });

  it('holds an order whose payment is not secured until a person releases it, then carries on', async () => {
    const order = webOrder(10, 'pending');
    await capture(order);
    await until(async () => (await stateOf(order)) === 'on_hold', 'the hold');
    assert.equal(erp.records('salesOrder').filter((record) => record.externalId === order.id).length, 0, 'a held order is not in the ERP');
    const tasks = (await call('GET', `/v1/tasks?key=${order.id}&status=open`)).body.tasks as { id: string; kind: string }[];
    assert.deepEqual(tasks.map((t) => t.kind), ['order_hold']);
    const view = (await call('GET', `/v1/orders/${order.id}`)).body as { status: string; openTasks: { id: string }[] };
    assert.deepEqual([view.status, view.openTasks.map((t) => t.id)], ['on_hold', [tasks[0]?.id]]);
    const resolved = await call('POST', `/v1/tasks/${tasks[0]?.id}/resolve`, { decision: 'release', note: 'paid by bank transfer' });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    await until(async () => (await stateOf(order)) === 'released', 'released after the decision');
    assert.equal(erp.records('salesOrder').filter((record) => record.externalId === order.id).length, 1);
    const history = (await hub.store.processTransitions('order-to-cash', order.id)).map((t) => `${t.to}<-${t.cause}`);
    // Released by a person: stock first (this channel's is not Weft's to reserve), then the ERP.
    assert.deepEqual(history, ['captured<-weft.order.captured.v1', 'on_hold<-weft.order.held.v1', 'reserving<-task:order_hold', 'erp_pending<-weft.command.delivered.v1', 'released<-weft.command.delivered.v1']);
  });

  it('cancels the warehouse order and closes the ERP sales order when the customer cancels after release, and bills nothing', async () => {
    const order = webOrder(20);
    await capture(order);
    await until(async () => (await stateOf(order)) === 'released', 'released');
    await until(() => warehouse.state().orders.some((record) => record.orderKey === order.id && record.orderStatus === 'awaiting_shipment'), 'the warehouse order');
    const cancelled = await call('POST', '/v1/events', { type: 'weft.order.cancelled.v1', subject: order.id, data: { orderId: order.id, reason: 'customer_request', occurredAt: '2026-11-23T12:00:00.000Z' } });
    assert.equal(cancelled.status, 201);
    await until(async () => (await stateOf(order)) === 'cancelled', 'cancelled');
    await until(() => warehouse.state().orders.find((record) => record.orderKey === order.id)?.orderStatus === 'cancelled', 'the warehouse order cancelled');
    await until(() => erp.records('salesOrder').find((record) => record.externalId === order.id)?.status === 'Closed', 'the ERP sales order closed');
    const salesOrder = erp.records('salesOrder').find((record) => record.externalId === order.id);
    assert.equal(erp.records('invoice').filter((invoice) => (invoice.createdFrom as { id: string }).id === salesOrder?.id).length, 0, 'nothing billed');
    const view = (await call('GET', `/v1/orders/${order.id}`)).body as { status: string; inStep: boolean };
    await until(async () => ((await call('GET', `/v1/orders/${order.id}`)).body as { inStep: boolean }).inStep, 'every system in step');
    assert.equal(view.status, 'cancelled');
  });

  it('captures an order through POST /v1/orders: Idempotency-Key required, a retry captures nothing twice, problems point into the order', async () => {
    const { id: _id, ...order } = webOrder(30);
    const send = async (body: unknown, key?: string) => {
      const response = await fetch(`${hub.url}/v1/orders`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }, body: JSON.stringify(body) });
      return { status: response.status, replayed: response.headers.get('idempotent-replayed'), location: response.headers.get('location'), body: (await response.json()) as Record<string, unknown> };
    };
    const unkeyed = await send(order);
    assert.deepEqual([unkeyed.status, unkeyed.body.code], [400, 'malformed_request']);
    const first = await send(order, 'call-centre-30');
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const orderId = first.body.orderId as string;
    assert.match(orderId, /^ord_/);
    assert.equal(first.location, `/v1/orders/${orderId}`);
    const again = await send(order, 'call-centre-30');
    assert.deepEqual([again.status, again.replayed, again.body.orderId], [201, 'true', orderId], 'the retry answers the first order');
    const otherBody = await send({ ...order, orderNumber: 'O2C-31' }, 'call-centre-30');
    assert.deepEqual([otherBody.status, otherBody.body.code], [422, 'idempotency_key_reused']);
    await until(async () => (await hub.store.processInstance('order-to-cash', orderId))?.state === 'released', 'released');
    assert.equal(erp.records('salesOrder').filter((record) => record.externalId === orderId).length, 1, 'one sales order');
    const bad = await send({ ...order, lines: [{ ...(order.lines[0] as object), quantity: 0 }] }, 'call-centre-bad');
    assert.equal(bad.status, 422, JSON.stringify(bad.body));
    assert.ok((bad.body.errors as { pointer: string }[]).some((e) => e.pointer === '/lines/0/quantity'), JSON.stringify(bad.body.errors));
  });
});
