import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHub, type Hub } from '../../src/app/hub.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startNetSuiteSimulator, type NetSuiteSimulator } from '../../src/connectors/netsuite/index.ts';
import { startShipStationSimulator, type ShipStationSimulator } from '../../src/connectors/shipstation/index.ts';
import { inventoryKey } from '../../src/domain/inventory/inventory-key.ts';
import type { Order } from '../../src/domain/order/order.schema.ts';
import { createIdGenerator } from '../../src/ports/clock.ts';
import type { ProcessDefinition } from '../../src/processes/engine/definition.ts';
import { orderToCash } from '../../src/processes/order-to-cash/definition.ts';
import { TEST_ORDER_SKU, testWebOrder } from '../support/orders.ts';
import { apiCaller, until } from '../support/wait.ts';

// A new version of order-to-cash deployed while orders are in flight: the hub runs version 1 (no
// stock reservation), stops with orders released, held and waiting for the ERP, and comes back with
// versions 1 and 2, as an upgrade does. Orders started on 1 finish on 1 (no reservation appears for
// them, the held one goes straight to the ERP when released); new orders start on 2 and reserve.
// Every system ends with one record per order.

const dir = mkdtempSync(join(tmpdir(), 'weft-o2c-versions-'));
const ids = createIdGenerator();
const credentials = { consumerKey: 'ck-ver', consumerSecret: 'cs-ver-secret', tokenId: 'tok-ver', tokenSecret: 'ts-ver-secret' };
const TOKEN = 'ship-notify-token-for-the-version-tests';
const DC = ids.next('location');
let erp: NetSuiteSimulator;
let warehouse: ShipStationSimulator;
let hub: Hub;
let admin = '';
let guestId = '';
const call = apiCaller(() => hub.url, () => admin);

const settings = { erp: 'erp', warehouse: 'warehouse', collectWithinHours: 72, channels: {} };
const v1 = orderToCash(settings, 1) as ProcessDefinition<unknown>;
const v2 = orderToCash(settings, 2) as ProcessDefinition<unknown>;

async function start(definitions: ProcessDefinition<unknown>[]): Promise<void> {
  const fast = { retry: { baseDelayMs: 20, maxDelayMs: 200 }, breaker: { failureThreshold: 3, openMs: 200, halfOpenProbes: 1 } };
  const shipstation = { connector: 'shipstation', baseUrl: warehouse.url, apiKey: 'ss-ver', apiSecret: 'ss-ver-secret' };
  const config = loadConfig({
    env: { WEFT_DATA_DIR: dir, WEFT_HTTP_PORT: '0', WEFT_LOG_LEVEL: 'silent', WEFT_DELIVERY_POLL_MS: '20' },
    overrides: {
      targets: {
        erp: { connector: 'netsuite', accountId: '1234567_SB1', baseUrl: erp.url, auth: credentials, defaultCustomerId: guestId, subsidiaryId: '1', locationId: '1', requestsPerSecond: 200, ...fast },
        warehouse: { ...shipstation, rateLimit: { requestsPerSecond: 200, burst: 50, maxConcurrency: 8 }, ...fast },
      },
      sources: { warehouse: { ...shipstation, webhookToken: TOKEN, locationId: DC } },
      inventory: { channels: { webshop: { locations: [DC] } } },
    },
  });
  // The processes the deployed code has: the definitions given, as buildProcesses would register them.
  hub = await startHub(config, { processes: definitions, announce: (text) => (admin = /(weft_key_\S+)/.exec(text)?.[1] ?? admin) });
}

const capture = async (order: Order): Promise<void> => {
  const answer = await call('POST', '/v1/events', { type: 'weft.order.captured.v1', subject: order.id, data: order });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
};
const instanceOf = async (order: Order) => hub.store.processInstance('order-to-cash', order.id);
const stateOf = async (order: Order): Promise<string | undefined> => (await instanceOf(order))?.state;
const reservations = async (order: Order): Promise<unknown[]> => (await call('GET', `/v1/reservations/${order.id}`)).body.reservations as unknown[];

before(async () => {
  erp = await startNetSuiteSimulator({ credentials });
  erp.seed('inventoryItem', { itemId: TEST_ORDER_SKU, displayName: 'Wool beanie', externalId: 'itm:beanie' });
  guestId = erp.seed('customer', { entityId: 'Web guest', externalId: 'guest' }).id;
  warehouse = await startShipStationSimulator({ apiKey: 'ss-ver', apiSecret: 'ss-ver-secret', requestsPerMinute: 100_000 });
});

after(async () => {
  await hub?.close();
  await erp?.close();
  await warehouse?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('order-to-cash: a new version while orders are in flight', () => {
  it('finishes orders on the version they started with and starts new ones on the new version', async () => {
    await start([v1]);
    warehouse.subscribe(`${hub.url}/webhooks/warehouse?token=${TOKEN}`, 'SHIP_NOTIFY');
    const stockAnswer = await call('POST', '/v1/events', {
      type: 'weft.inventory.position_reported.v1',
      subject: inventoryKey(TEST_ORDER_SKU, DC),
      data: { sku: TEST_ORDER_SKU, locationId: DC, onHand: 10, reserved: 0, inTransit: 0, safetyStock: 0, available: 10, asOf: new Date().toISOString() },
    });
    assert.equal(stockAnswer.status, 201);
    const released = [testWebOrder(ids, 1, { prefix: 'VER' }), testWebOrder(ids, 2, { prefix: 'VER' })];
    const held = testWebOrder(ids, 3, { prefix: 'VER', payment: 'pending' });
    const waiting = testWebOrder(ids, 4, { prefix: 'VER' });
    for (const order of [...released, held]) await capture(order);
    await until(async () => (await Promise.all(released.map(stateOf))).every((state) => state === 'released') && (await stateOf(held)) === 'on_hold', 'v1 orders released and held');
    // One order caught with the ERP down: it waits in erp_pending across the upgrade.
    erp.faults.down = true;
    await capture(waiting);
    await until(async () => (await stateOf(waiting)) === 'erp_pending', 'an order waiting for the ERP');
    await until(() => released.every((order) => warehouse.state().orders.some((record) => record.orderKey === order.id)), 'the v1 releases in the warehouse');
    await hub.close();

    // The upgrade: both versions registered, the latest for new orders.
    await start([v1, v2]);
    // The hub listens on a new port: the warehouse's subscription follows it.
    warehouse.subscribe(`${hub.url}/webhooks/warehouse?token=${TOKEN}`, 'SHIP_NOTIFY');
    erp.faults.down = false;
    const fresh = testWebOrder(ids, 5, { prefix: 'VER', quantity: 2 });
    await capture(fresh);
    await until(async () => (await stateOf(fresh)) === 'released' && (await stateOf(waiting)) === 'released', 'the new order and the waiting one released');
    assert.equal((await instanceOf(fresh))?.definitionVersion, 2, 'a new order starts on the new version');
    assert.equal((await reservations(fresh)).length, 1, 'and reserves its stock');
    for (const order of [...released, held, waiting]) assert.equal((await instanceOf(order))?.definitionVersion, 1, `${order.orderNumber} stays on version 1`);
    assert.deepEqual(await reservations(waiting), [], 'an order past validation on v1 does not start reserving');

    // The held v1 order released by a person goes on as v1 does: straight to the ERP.
    const task = ((await call('GET', `/v1/tasks?key=${held.id}&status=open`)).body.tasks as { id: string }[])[0];
    assert.equal((await call('POST', `/v1/tasks/${task?.id}/resolve`, { decision: 'release' })).status, 200);
    await until(async () => (await stateOf(held)) === 'released', 'the held order released');
    const heldHistory = (await hub.store.processTransitions('order-to-cash', held.id)).map((t) => t.to);
    assert.deepEqual(heldHistory, ['captured', 'on_hold', 'erp_pending', 'released']);

    // Everything ships; every order completes on its own version.
    const all = [...released, held, waiting, fresh];
    await until(() => all.every((order) => warehouse.state().orders.some((record) => record.orderKey === order.id && record.orderStatus === 'awaiting_shipment')), 'every order in the warehouse');
    for (const order of all) await warehouse.shipOrder(order.id, { carrierCode: 'ups', trackingNumber: `1Z${order.orderNumber}` });
    await until(async () => (await Promise.all(all.map(stateOf))).every((state) => state === 'completed'), 'every order completed');
    assert.deepEqual(await reservations(fresh), [], 'the shipment released the new order\'s stock');
    for (const order of all) {
      assert.equal(erp.records('salesOrder').filter((record) => record.externalId === order.id).length, 1, `${order.orderNumber}: one sales order`);
      assert.equal(warehouse.state().orders.filter((record) => record.orderKey === order.id).length, 1, `${order.orderNumber}: one warehouse order`);
    }
    const availability = (await call('GET', `/v1/availability?sku=${TEST_ORDER_SKU}&location=${DC}`)).body.items as { available: number; reserved?: number }[];
    assert.equal(availability[0]?.available, 10, 'nothing left reserved');
  });
});
