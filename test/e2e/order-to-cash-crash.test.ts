import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startNetSuiteSimulator, type NetSuiteSimulator } from '../../src/connectors/netsuite/index.ts';
import { startShipStationSimulator, type ShipStationSimulator } from '../../src/connectors/shipstation/index.ts';
import { validateEventData } from '../../src/domain/events/validate.ts';
import type { Order } from '../../src/domain/order/order.schema.ts';
import { createIdGenerator } from '../../src/ports/clock.ts';
import { createSqliteStore } from '../../src/store/sqlite/store.ts';
import { freePort, spawnHub, type HubProcess } from '../support/hub-process.ts';
import { TEST_ORDER_SKU, testWebOrder } from '../support/orders.ts';
import { inventoryKey } from '../../src/domain/inventory/inventory-key.ts';

// Order-to-cash under SIGKILL: `weft start` as a child process runs the process against the NetSuite
// and ShipStation simulators while the test posts orders, ships what the warehouse was given, and
// kills the hub again and again at whatever step it is in. After the last restart every order must
// have gone through every step exactly once: one sales order, one warehouse order and one invoice per
// order, the process history without a repeated or missing step, nothing dead-lettered.

const dir = mkdtempSync(join(tmpdir(), 'weft-o2c-crash-'));
const hubs: HubProcess[] = [];
let erp: NetSuiteSimulator;
let warehouse: ShipStationSimulator;
after(async () => {
  for (const hub of hubs) await hub.stop('SIGKILL');
  await erp?.close();
  await warehouse?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ids = createIdGenerator();
const ORDERS = 24;
const KILLS = 4;
const credentials = { consumerKey: 'ck-crash', consumerSecret: 'cs-crash-secret', tokenId: 'tok-crash', tokenSecret: 'ts-crash-secret' };
const TOKEN = 'crash-test-webhook-token-0123456789abcdef';
const DC = 'loc_01JDEMDC000000000000000004';

/** A paid web order with one line in one ship group, checked against the catalogue. */
function webOrder(n: number): Order {
  const order = testWebOrder(ids, n, { prefix: 'CRASH', quantity: 2 });
  const verdict = validateEventData('weft.order.captured.v1', order.id, order);
  assert.ok(verdict.ok, JSON.stringify(verdict));
  return order;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('order-to-cash under SIGKILL', () => {
  it('takes every step of every order exactly once across repeated kills and restarts', { timeout: 240_000 }, async () => {
    erp = await startNetSuiteSimulator({ credentials, concurrencyLimit: 10 });
    erp.seed('inventoryItem', { itemId: 'HP-WOOL-BNE-OS-GRY', displayName: 'Wool beanie', externalId: 'itm:beanie' });
    const guest = erp.seed('customer', { entityId: 'Web guest', externalId: 'guest' });
    warehouse = await startShipStationSimulator({ apiKey: 'ss-key', apiSecret: 'ss-secret', requestsPerMinute: 100_000 });
    // Every answer takes a while, so kills land in the middle of deliveries and steps.
    erp.faults.latencyMs = 30;
    warehouse.faults.latencyMs = 30;

    const port = await freePort();
    const hubUrl = `http://127.0.0.1:${port}`;
    warehouse.subscribe(`${hubUrl}/webhooks/warehouse?token=${TOKEN}`, 'SHIP_NOTIFY');
    const netsuite = { connector: 'netsuite', accountId: '1234567_SB1', baseUrl: erp.url, auth: credentials, maxConcurrency: 10, requestsPerSecond: 200, defaultCustomerId: guest.id, subsidiaryId: '1', locationId: '1' };
    const shipstation = { connector: 'shipstation', baseUrl: warehouse.url, apiKey: 'ss-key', apiSecret: 'ss-secret' };
    const configFile = join(dir, 'weft.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        targets: {
          erp: netsuite,
          warehouse: { ...shipstation, rateLimit: { requestsPerSecond: 200, burst: 50, maxConcurrency: 8 }, retry: { baseDelayMs: 50, maxDelayMs: 500 } },
        },
        sources: { warehouse: { ...shipstation, webhookToken: TOKEN, locationId: DC } },
        processes: { orderToCash: { enabled: true, erp: 'erp', warehouse: 'warehouse' } },
        inventory: { channels: { webshop: { locations: [DC] } } },
      }),
    );
    const env = { WEFT_DATA_DIR: join(dir, 'data'), WEFT_CONFIG: configFile, WEFT_HTTP_PORT: String(port), WEFT_DELIVERY_POLL_MS: '20' };
    let hub = await spawnHub(env);
    hubs.push(hub);
    const token = hub.token as string;

    const orders = Array.from({ length: ORDERS }, (_, n) => webOrder(n));
    const stock = await fetch(`${hubUrl}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'weft.inventory.position_reported.v1', subject: inventoryKey(TEST_ORDER_SKU, DC), data: { sku: TEST_ORDER_SKU, locationId: DC, onHand: 1000, reserved: 0, inTransit: 0, safetyStock: 0, available: 1000, asOf: '2026-11-23T09:00:00.000Z' } }),
    });
    assert.equal(stock.status, 201);
    const post = async (order: Order): Promise<void> => {
      // A client retries with the same Idempotency-Key until the hub answers: nothing it sent twice counts twice.
      for (;;) {
        try {
          const response = await fetch(`${hubUrl}/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `capture-${order.id}` },
            body: JSON.stringify({ id: `capture-${order.id}`, source: 'urn:test:shop', type: 'weft.order.captured.v1', subject: order.id, data: order }),
          });
          if (response.status === 201) return;
        } catch {
          // the hub is down: try again
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    // The warehouse ships what it was given, as a warehouse does, kills or no kills; a SHIP_NOTIFY
    // that found the hub down is sent again until it is taken, as ShipStation retries webhooks.
    const shipped = new Set<string>();
    let redeliver: { url: string; body: string }[] = [];
    let shipping = true;
    const shipper = (async () => {
      while (shipping) {
        for (const order of warehouse.state().orders) {
          if (order.orderStatus !== 'awaiting_shipment' || shipped.has(order.orderKey)) continue;
          shipped.add(order.orderKey);
          const { deliveries } = await warehouse.shipOrder(order.orderKey, { carrierCode: 'ups', trackingNumber: `1Z${order.orderId}` });
          for (const delivery of deliveries) if (delivery.status !== 200) redeliver.push({ url: delivery.url, body: delivery.body });
        }
        const again = redeliver;
        redeliver = [];
        for (const delivery of again) {
          const answer = await warehouse.sendWebhook(delivery.url, JSON.parse(delivery.body) as unknown);
          if (answer.status !== 200) redeliver.push(delivery);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    const posting = (async () => {
      for (const order of orders) await post(order);
    })();
    const atKills: number[] = [];
    for (let kill = 1; kill <= KILLS; kill++) {
      await new Promise((resolve) => setTimeout(resolve, 600 + kill * 150));
      atKills.push(erp.records('invoice').length);
      assert.equal(await hub.stop('SIGKILL'), 'SIGKILL');
      hub = await spawnHub(env);
      hubs.push(hub);
    }
    await posting;
    assert.ok(atKills.some((invoiced) => invoiced < ORDERS), `a kill landed while orders were still on their way (invoices at each kill: ${atKills.join(', ')})`);

    const statusOf = async (order: Order): Promise<string | undefined> => {
      const response = await fetch(`${hubUrl}/v1/orders/${order.id}`, { headers: { authorization: `Bearer ${token}` } });
      return response.status === 200 ? ((await response.json()) as { status: string }).status : undefined;
    };
    await until(async () => (await Promise.all(orders.map(statusOf))).every((status) => status === 'completed'), 'every order completed', 150_000);
    shipping = false;
    await shipper;
    await hub.stop('SIGTERM');

    const store = createSqliteStore({ path: join(dir, 'data', 'weft.db') });
    try {
      for (const order of orders) {
        const history = (await store.processTransitions('order-to-cash', order.id)).map((t) => t.to);
        assert.deepEqual(history, ['captured', 'reserving', 'reserving', 'erp_pending', 'released', 'invoicing', 'completed'], `${order.orderNumber}: every step once`);
        assert.equal(erp.records('salesOrder').filter((record) => record.externalId === order.id).length, 1, `${order.orderNumber}: one sales order`);
        assert.equal(warehouse.state().orders.filter((record) => record.orderKey === order.id).length, 1, `${order.orderNumber}: one warehouse order`);
      }
      const salesOrderIds = new Set(erp.records('salesOrder').map((record) => record.id));
      const invoices = erp.records('invoice').filter((invoice) => salesOrderIds.has((invoice.createdFrom as { id: string }).id));
      assert.equal(invoices.length, ORDERS, 'one invoice per order');
      assert.equal(new Set(invoices.map((invoice) => (invoice.createdFrom as { id: string }).id)).size, ORDERS);
      assert.deepEqual(await store.listCommands({ status: 'dead', limit: 10 }), [], 'nothing dead-lettered');
      const movements = await store.readSubject(inventoryKey(TEST_ORDER_SKU, DC), { limit: 1000 });
      for (const type of ['weft.inventory.reserved.v1', 'weft.inventory.reservation_released.v1']) {
        const orderIds = movements.filter((event) => event.type === type).map((event) => (event.data as { reference: { id: string } }).reference.id);
        assert.deepEqual(orderIds.sort(), orders.map((order) => order.id).sort(), `${type}: once per order`);
      }
    } finally {
      await store.close();
    }
  });
});
