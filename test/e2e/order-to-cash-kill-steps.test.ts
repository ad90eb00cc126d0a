import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startNetSuiteSimulator, type NetSuiteSimulator } from '../../src/connectors/netsuite/index.ts';
import { startShipStationSimulator, type ShipStationSimulator } from '../../src/connectors/shipstation/index.ts';
import { inventoryKey } from '../../src/domain/inventory/inventory-key.ts';
import { createIdGenerator } from '../../src/ports/clock.ts';
import { createSqliteStore } from '../../src/store/sqlite/store.ts';
import { freePort, spawnHub, type HubProcess } from '../support/hub-process.ts';
import { TEST_ORDER_SKU, testWebOrder } from '../support/orders.ts';
import { until } from '../support/wait.ts';

// A SIGKILL at each step of order-to-cash, placed on purpose rather than at random: one order goes
// through the whole process and the hub is killed at every point where work is half done — right
// after the order was accepted; once the stock was reserved; when the ERP has created the sales order
// but its answer has not reached the hub (the ERP answers late); the same for the warehouse's order;
// right after the shipment notice was accepted; and when the ERP has created the invoice but not
// answered. Each time the hub restarts on the same store. In the end every system holds exactly one
// of everything: one sales order, one warehouse order, one invoice, one reservation and one release,
// and the process took each step once.

const dir = mkdtempSync(join(tmpdir(), 'weft-o2c-kill-'));
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
const credentials = { consumerKey: 'ck-kill', consumerSecret: 'cs-kill-secret', tokenId: 'tok-kill', tokenSecret: 'ts-kill-secret' };
const TOKEN = 'kill-steps-webhook-token-0123456789abcdef';
const DC = 'loc_01JDEMDC000000000000000005';
/** How late the systems answer while a kill is to land between their effect and their answer. */
const LATE_MS = 3_000;

describe('order-to-cash: SIGKILL at each step', () => {
  it('leaves nothing half done and nothing done twice', async () => {
    erp = await startNetSuiteSimulator({ credentials });
    erp.seed('inventoryItem', { itemId: TEST_ORDER_SKU, displayName: 'Wool beanie', externalId: 'itm:beanie' });
    const guest = erp.seed('customer', { entityId: 'Web guest', externalId: 'guest' });
    warehouse = await startShipStationSimulator({ apiKey: 'ss-kill', apiSecret: 'ss-kill-secret', requestsPerMinute: 100_000 });
    const port = await freePort();
    const hubUrl = `http://127.0.0.1:${port}`;
    warehouse.subscribe(`${hubUrl}/webhooks/warehouse?token=${TOKEN}`, 'SHIP_NOTIFY');
    const shipstation = { connector: 'shipstation', baseUrl: warehouse.url, apiKey: 'ss-kill', apiSecret: 'ss-kill-secret' };
    const configFile = join(dir, 'weft.config.json');
    const fast = { retry: { baseDelayMs: 50, maxDelayMs: 300 } };
    writeFileSync(
      configFile,
      JSON.stringify({
        targets: {
          erp: { connector: 'netsuite', accountId: '1234567_SB1', baseUrl: erp.url, auth: credentials, defaultCustomerId: guest.id, subsidiaryId: '1', locationId: '1', requestsPerSecond: 200, ...fast },
          warehouse: { ...shipstation, rateLimit: { requestsPerSecond: 200, burst: 50, maxConcurrency: 8 }, ...fast },
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
    const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> => {
      const response = await fetch(`${hubUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const kills: string[] = [];
    /** Kills the hub where the test stands, and starts it again on the same store. */
    const killAndRestart = async (at: string): Promise<void> => {
      assert.equal(await hub.stop('SIGKILL'), 'SIGKILL');
      kills.push(at);
      hub = await spawnHub(env);
      hubs.push(hub);
    };

    const stock = await api('POST', '/v1/events', { type: 'weft.inventory.position_reported.v1', subject: inventoryKey(TEST_ORDER_SKU, DC), data: { sku: TEST_ORDER_SKU, locationId: DC, onHand: 10, reserved: 0, inTransit: 0, safetyStock: 0, available: 10, asOf: '2026-11-23T09:00:00.000Z' } });
    assert.equal(stock.status, 201);
    const order = testWebOrder(ids, 1, { prefix: 'KILL', quantity: 2 });
    const salesOrders = () => erp.records('salesOrder').filter((record) => record.externalId === order.id);
    const warehouseOrders = () => warehouse.state().orders.filter((record) => record.orderKey === order.id);
    const invoices = () => erp.records('invoice').filter((invoice) => salesOrders().some((so) => so.id === (invoice.createdFrom as { id: string }).id));

    // 1. Accepted, and at once killed: whatever the process did or did not do yet.
    erp.faults.latencyAfterMs = LATE_MS;
    const captured = await api('POST', '/v1/events', { id: `capture-${order.id}`, source: 'urn:test:shop', type: 'weft.order.captured.v1', subject: order.id, data: order }, { 'idempotency-key': `capture-${order.id}` });
    assert.equal(captured.status, 201);
    await killAndRestart('accepted');

    // 2. The stock reserved (the reservation is committed; the process has or has not heard).
    await until(async () => ((await api('GET', `/v1/reservations/${order.id}`)).body.reservations as unknown[]).length > 0, 'the reservation', 30_000, 1);
    await killAndRestart('reserved');

    // 3. The ERP created the sales order and is slow to say so: killed before its answer arrives.
    await until(() => salesOrders().length > 0, 'the sales order in the ERP', 30_000, 1);
    await killAndRestart('sales order created, unanswered');
    erp.faults.latencyAfterMs = 0;

    // 4. The same with the warehouse's order.
    warehouse.faults.latencyAfterMs = LATE_MS;
    await until(() => warehouseOrders().length > 0, 'the warehouse order', 30_000, 1);
    await killAndRestart('warehouse order created, unanswered');
    warehouse.faults.latencyAfterMs = 0;
    await until(async () => ((await api('GET', `/v1/orders/${order.id}`)).body as { status?: string }).status === 'released', 'released after the restart');

    // 5. Shipped: the notice accepted, and at once killed. 6. The invoice created, unanswered.
    erp.faults.latencyAfterMs = LATE_MS;
    const { deliveries } = await warehouse.shipOrder(order.id, { carrierCode: 'ups', trackingNumber: '1ZKILL' });
    assert.deepEqual(deliveries.map((d) => d.status), [200], 'the shipment notice was accepted');
    await killAndRestart('shipment accepted');
    await until(() => invoices().length > 0, 'the invoice in the ERP', 30_000, 1);
    await killAndRestart('invoice created, unanswered');
    erp.faults.latencyAfterMs = 0;

    await until(async () => ((await api('GET', `/v1/orders/${order.id}`)).body as { status?: string }).status === 'completed', 'completed', 60_000);
    await hub.stop('SIGTERM');
    assert.equal(kills.length, 6);

    const store = createSqliteStore({ path: join(dir, 'data', 'weft.db') });
    try {
      const history = (await store.processTransitions('order-to-cash', order.id)).map((t) => t.to);
      assert.deepEqual(history, ['captured', 'reserving', 'reserving', 'erp_pending', 'released', 'invoicing', 'completed'], 'every step once');
      assert.deepEqual([salesOrders().length, warehouseOrders().length, invoices().length], [1, 1, 1], 'one sales order, one warehouse order, one invoice');
      const movements = (await store.readSubject(inventoryKey(TEST_ORDER_SKU, DC), { limit: 100 })).map((event) => event.type);
      assert.deepEqual(movements, ['weft.inventory.position_reported.v1', 'weft.inventory.reserved.v1', 'weft.inventory.reservation_released.v1'], 'reserved once, released once');
      const orderEvents = (await store.readSubject(order.id, { limit: 100 })).map((event) => event.type);
      for (const type of ['weft.order.captured.v1', 'weft.order.validated.v1', 'weft.order.reserved.v1', 'weft.order.released.v1', 'weft.order.completed.v1']) {
        assert.equal(orderEvents.filter((t) => t === type).length, 1, `${type} once (the order's events: ${orderEvents.join(', ')})`);
      }
      assert.deepEqual(await store.listCommands({ status: 'dead', limit: 10 }), [], 'nothing dead-lettered');
    } finally {
      await store.close();
    }
  });
});
