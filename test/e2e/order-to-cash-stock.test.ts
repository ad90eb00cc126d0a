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
import { testWebOrder } from '../support/orders.ts';
import { stockApi } from '../support/stock-api.ts';
import { apiCaller, until } from '../support/wait.ts';

// Order-to-cash v2 with Weft's stock, against the NetSuite and ShipStation simulators: an order's
// lines are reserved before the ERP hears of it (where the stock is decides where it ships from),
// shipping releases them, a shortfall waits for a person (reserve again once stock arrived, or cancel),
// and a cancellation after release gives the units back with the other undos. Each test ends by
// checking the ERP, the warehouse and the availability the API answers.

const dir = mkdtempSync(join(tmpdir(), 'weft-o2c-stock-'));
const ids = createIdGenerator();
const credentials = { consumerKey: 'ck-stock', consumerSecret: 'cs-stock-secret', tokenId: 'tok-stock', tokenSecret: 'ts-stock-secret' };
const TOKEN = 'ship-notify-token-for-the-stock-tests';
const DC = ids.next('location');
const STORE = ids.next('location');
const SKUS = ['STOCK-A', 'STOCK-B', 'STOCK-C', 'STOCK-D', 'STOCK-E', 'STOCK-F', 'STOCK-G', 'STOCK-H', 'STOCK-I', 'STOCK-J'];
let erp: NetSuiteSimulator;
let warehouse: ShipStationSimulator;
let hub: Hub;
let admin = '';

const call = apiCaller(() => hub.url, () => admin);
const { post, stock, available, reservationsOf, stateOf } = stockApi(call, () => hub.store);


/** A paid web order of `quantity` units of `sku`, shipped from wherever the stock is. */
function order(n: number, sku: string, quantity: number): Order {
  const base = testWebOrder(ids, n, { prefix: 'STK', quantity });
  return { ...base, lines: base.lines.map((line) => ({ ...line, sku })) };
}

const salesOrders = (o: Order) => erp.records('salesOrder').filter((record) => record.externalId === o.id);
const warehouseOrders = (o: Order) => warehouse.state().orders.filter((record) => record.orderKey === o.id);


before(async () => {
  erp = await startNetSuiteSimulator({ credentials });
  for (const sku of SKUS) erp.seed('inventoryItem', { itemId: sku, displayName: sku, externalId: `itm:${sku}` });
  const guest = erp.seed('customer', { entityId: 'Web guest', externalId: 'guest' });
  warehouse = await startShipStationSimulator({ apiKey: 'ss-stock', apiSecret: 'ss-stock-secret', requestsPerMinute: 100_000 });
  const fast = { retry: { baseDelayMs: 20, maxDelayMs: 200 }, breaker: { failureThreshold: 3, openMs: 200, halfOpenProbes: 1 } };
  const shipstation = { connector: 'shipstation', baseUrl: warehouse.url, apiKey: 'ss-stock', apiSecret: 'ss-stock-secret' };
  const config = loadConfig({
    env: { WEFT_DATA_DIR: dir, WEFT_HTTP_PORT: '0', WEFT_LOG_LEVEL: 'silent', WEFT_DELIVERY_POLL_MS: '20' },
    overrides: {
      targets: {
        erp: { connector: 'netsuite', accountId: '1234567_SB1', baseUrl: erp.url, auth: credentials, defaultCustomerId: guest.id, subsidiaryId: '1', locationId: '1', requestsPerSecond: 200, ...fast },
        warehouse: { ...shipstation, rateLimit: { requestsPerSecond: 200, burst: 50, maxConcurrency: 8 }, ...fast },
      },
      sources: { warehouse: { ...shipstation, webhookToken: TOKEN, locationId: DC } },
      // A short shipment asks a person at once (the rest would normally get a day to follow).
      processes: { orderToCash: { enabled: true, erp: 'erp', warehouse: 'warehouse', shortShipmentWaitHours: 0 } },
      inventory: { channels: { webshop: { locations: [DC, STORE] } } },
    },
  });
  hub = await startHub(config, { announce: (text) => (admin = /(weft_key_\S+)/.exec(text)?.[1] ?? admin) });
  warehouse.subscribe(`${hub.url}/webhooks/warehouse?token=${TOKEN}`, 'SHIP_NOTIFY');
});

after(async () => {
  await hub?.close();
  await erp?.close();
  await warehouse?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('order-to-cash with stock', () => {
  it('reserves the lines before the ERP hears of the order, where the stock is, and ships them off the reservation', async () => {
    await stock('STOCK-A', DC, 5);
    await stock('STOCK-A', STORE, 4);
    const o = order(1, 'STOCK-A', 2);
    await post('weft.order.captured.v1', o.id, o);
    await until(async () => (await stateOf(o)) === 'released', 'released');
    assert.deepEqual((await reservationsOf(o)).map((r) => [r.locationId, r.quantity]), [[DC, 2]], 'two units set aside at the first location of the channel');
    assert.deepEqual([await available('STOCK-A', DC), await available('STOCK-A', STORE)], [3, 4]);
    const history = (await hub.store.processTransitions('order-to-cash', o.id)).map((t) => t.to);
    assert.deepEqual(history, ['captured', 'reserving', 'reserving', 'erp_pending', 'released'], 'reserved (where) before the ERP');
    const allocation = ((await hub.store.processInstance('order-to-cash', o.id))?.data as { data: { allocation: { locationId: string }[] } }).data.allocation;
    assert.deepEqual(allocation.map((a) => a.locationId), [DC], 'the process knows where the order is fulfilled from');

    await until(() => warehouseOrders(o).length === 1, 'the warehouse order');
    await warehouse.shipOrder(o.id, { carrierCode: 'ups', trackingNumber: '1ZSTOCKA' });
    await until(async () => (await stateOf(o)) === 'completed', 'completed');
    await until(async () => (await reservationsOf(o)).length === 0, 'the reservation released by the shipment');
    assert.equal(await available('STOCK-A', DC), 5, 'nothing held any more (the sale itself comes from the WMS\'s stock report)');
    assert.equal(salesOrders(o).length, 1);
    assert.equal(warehouseOrders(o).length, 1);
  });

  it('splits a line across the channel\'s locations when no one location has it all', async () => {
    await stock('STOCK-B', DC, 1);
    await stock('STOCK-B', STORE, 2);
    const o = order(2, 'STOCK-B', 3);
    await post('weft.order.captured.v1', o.id, o);
    await until(async () => (await stateOf(o)) === 'released', 'released');
    assert.deepEqual((await reservationsOf(o)).map((r) => [r.locationId, r.quantity]).sort(), [[DC, 1], [STORE, 2]].sort());
    assert.deepEqual([await available('STOCK-B', DC), await available('STOCK-B', STORE)], [0, 0]);
  });

  it('holds an order short of stock for a person, and reserves it once the stock arrived and the person says so', async () => {
    await stock('STOCK-C', DC, 1);
    const o = order(3, 'STOCK-C', 3);
    await post('weft.order.captured.v1', o.id, o);
    await until(async () => (await stateOf(o)) === 'stock_short', 'short of stock');
    assert.deepEqual(await reservationsOf(o), [], 'all or nothing: nothing held');
    assert.equal(await available('STOCK-C', DC), 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(salesOrders(o).length, 0, 'the ERP has not heard of it');
    const tasks = (await call('GET', `/v1/tasks?key=${o.id}&status=open`)).body.tasks as { id: string; kind: string; options: string[] }[];
    assert.deepEqual(tasks.map((t) => [t.kind, t.options]), [['stock_short', ['retry', 'backorder', 'substitute', 'cancel']]]);
    const events = (await call('GET', `/v1/events?subject=${o.id}`)).body.events as { type: string; data: { reason?: string } }[];
    assert.ok(events.some((e) => e.type === 'weft.order.held.v1' && e.data.reason === 'stock_check'), 'the hold is in the order\'s timeline');

    await post('weft.inventory.received.v1', inventoryKey('STOCK-C', DC), { id: ids.next('inventoryMovement'), sku: 'STOCK-C', locationId: DC, kind: 'receipt', quantityDelta: 4, occurredAt: new Date().toISOString(), externalRefs: [] });
    await until(async () => (await available('STOCK-C', DC)) === 5, 'the receipt visible');
    const resolved = await call('POST', `/v1/tasks/${tasks[0]?.id}/resolve`, { decision: 'retry', note: 'the delivery came in' });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    await until(async () => (await stateOf(o)) === 'released', 'released after the retry');
    assert.deepEqual((await reservationsOf(o)).map((r) => [r.locationId, r.quantity]), [[DC, 3]]);
    assert.equal(await available('STOCK-C', DC), 2);
    assert.equal(salesOrders(o).length, 1);
  });

  it('cancels an order short of stock when the person says so: nothing reaches the ERP or the warehouse', async () => {
    await stock('STOCK-D', DC, 0);
    const o = order(4, 'STOCK-D', 1);
    await post('weft.order.captured.v1', o.id, o);
    await until(async () => (await stateOf(o)) === 'stock_short', 'short of stock');
    const task = ((await call('GET', `/v1/tasks?key=${o.id}&status=open`)).body.tasks as { id: string }[])[0];
    assert.equal((await call('POST', `/v1/tasks/${task?.id}/resolve`, { decision: 'cancel' })).status, 200);
    await until(async () => (await stateOf(o)) === 'cancelled', 'cancelled');
    const events = (await call('GET', `/v1/events?subject=${o.id}`)).body.events as { type: string; data: { reason?: string } }[];
    assert.equal(events.find((e) => e.type === 'weft.order.cancelled.v1')?.data.reason, 'out_of_stock');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual([salesOrders(o).length, warehouseOrders(o).length], [0, 0]);
  });

  it('gives the units back when the customer cancels after release, with the warehouse and ERP undos', async () => {
    await stock('STOCK-E', DC, 2);
    const o = order(5, 'STOCK-E', 2);
    await post('weft.order.captured.v1', o.id, o);
    await until(async () => (await stateOf(o)) === 'released', 'released');
    await until(() => warehouseOrders(o).some((record) => record.orderStatus === 'awaiting_shipment'), 'the warehouse order');
    assert.equal(await available('STOCK-E', DC), 0);
    await post('weft.order.cancelled.v1', o.id, { orderId: o.id, reason: 'customer_request', occurredAt: new Date().toISOString() });
    await until(async () => (await stateOf(o)) === 'cancelled', 'cancelled');
    await until(async () => (await available('STOCK-E', DC)) === 2, 'the units back');
    await until(() => warehouseOrders(o)[0]?.orderStatus === 'cancelled', 'the warehouse order cancelled');
    await until(() => salesOrders(o)[0]?.status === 'Closed', 'the ERP sales order closed');
    const released = (await call('GET', `/v1/events?subject=${inventoryKey('STOCK-E', DC)}`)).body.events as { type: string }[];
    assert.deepEqual(released.map((e) => e.type), ['weft.inventory.position_reported.v1', 'weft.inventory.reserved.v1', 'weft.inventory.reservation_released.v1'], 'reserved once, released once');
  });

  it('asks a person when the warehouse ships fewer units than ordered, and bills what shipped when the rest is cancelled', async () => {
    await stock('STOCK-F', DC, 3);
    const o = order(6, 'STOCK-F', 3);
    const line = o.lines[0] as Order['lines'][number];
    await post('weft.order.captured.v1', o.id, o);
    await until(async () => (await stateOf(o)) === 'released', 'released');
    await until(() => warehouseOrders(o).some((record) => record.orderStatus === 'awaiting_shipment'), 'the warehouse order');
    await warehouse.shipOrder(o.id, { carrierCode: 'ups', trackingNumber: '1ZSHORT', quantities: { [line.id]: 1 } });
    await until(async () => ((await call('GET', `/v1/tasks?key=${o.id}&status=open`)).body.tasks as unknown[]).length === 1, 'the short shipment task');
    assert.equal(await stateOf(o), 'partially_shipped');
    const task = ((await call('GET', `/v1/tasks?key=${o.id}&status=open`)).body.tasks as { id: string; kind: string; title: string }[])[0];
    assert.equal(task?.kind, 'short_shipment');
    assert.match(task?.title ?? '', /2 × STOCK-F not shipped/);
    assert.equal((await call('POST', `/v1/tasks/${task?.id}/resolve`, { decision: 'cancel_rest', note: 'the DC has none left' })).status, 200);
    await until(async () => (await stateOf(o)) === 'completed', 'billed and completed');
    const events = (await call('GET', `/v1/events?subject=${o.id}`)).body.events as { type: string; data: { quantity?: number; reason?: string } }[];
    assert.deepEqual(events.filter((e) => e.type === 'weft.order.line_cancelled.v1').map((e) => [e.data.quantity, e.data.reason]), [[2, 'out_of_stock']]);
    const invoices = erp.records('invoice').filter((invoice) => salesOrders(o).some((so) => so.id === (invoice.createdFrom as { id: string }).id));
    assert.equal(invoices.length, 1, 'one invoice');
    const billed = (invoices[0]?.item as { items: { quantity: number }[] }).items.map((item) => item.quantity);
    assert.deepEqual(billed, [1], 'the invoice bills the unit that shipped, not the two cancelled');
    assert.deepEqual((salesOrders(o)[0]?.item as { items: { quantity: number }[] }).items.map((item) => item.quantity), [1], 'the sales order line was lowered first');
    assert.deepEqual(await reservationsOf(o), [], 'nothing left reserved');
  });

  it('follows a line the customer cancels after release: its stock back, off the warehouse order and the sales order, not billed', async () => {
    await stock('STOCK-G', DC, 5);
    await stock('STOCK-H', DC, 5);
    const base = order(7, 'STOCK-G', 1);
    const first = base.lines[0] as Order['lines'][number];
    const second = { ...first, id: ids.next('orderLine'), sku: 'STOCK-H' };
    const group = base.fulfilmentGroups[0] as Order['fulfilmentGroups'][number];
    const o: Order = {
      ...base,
      lines: [first, second],
      fulfilmentGroups: [{ ...group, lineIds: [first.id, second.id] }],
      totals: { ...base.totals, subtotal: { amount: 5800, currency: 'USD' }, grandTotal: { amount: 6300, currency: 'USD' } },
      payments: base.payments.map((p) => ({ ...p, amountAuthorized: { amount: 6300, currency: 'USD' } })),
    };
    await post('weft.order.captured.v1', o.id, o);
    await until(async () => (await stateOf(o)) === 'released', 'released');
    await until(() => warehouseOrders(o).some((record) => record.orderStatus === 'awaiting_shipment'), 'the warehouse order');
    assert.deepEqual([await available('STOCK-G', DC), await available('STOCK-H', DC)], [4, 4]);
    await post('weft.order.line_cancelled.v1', o.id, { orderId: o.id, lineId: second.id, quantity: 1, reason: 'customer_request', occurredAt: new Date().toISOString() });
    await until(async () => (await available('STOCK-H', DC)) === 5, 'the cancelled line\'s unit back');
    await until(() => warehouseOrders(o)[0]?.items.length === 1, 'the warehouse order without the cancelled line');
    await until(() => ((salesOrders(o)[0]?.item as { items: { isClosed?: boolean }[] }).items[1]?.isClosed) === true, 'the sales order line closed');
    assert.equal(await stateOf(o), 'released');
    await warehouse.shipOrder(o.id, { carrierCode: 'ups', trackingNumber: '1ZLINE' });
    await until(async () => (await stateOf(o)) === 'completed', 'completed');
    const invoice = erp.records('invoice').find((record) => salesOrders(o).some((so) => so.id === (record.createdFrom as { id: string }).id));
    assert.deepEqual((invoice?.item as { items: { quantity: number }[] }).items.map((item) => item.quantity), [1], 'only the line that shipped is billed');
    assert.equal(warehouseOrders(o).length, 1, 'the warehouse order was updated, not doubled');
  });
  it('substitutes a SKU short of stock when a person names one: the substitute is reserved, sold to the ERP and shipped, at the price paid', async () => {
    await stock('STOCK-I', DC, 0);
    await stock('STOCK-J', DC, 4);
    const o = order(8, 'STOCK-I', 2);
    await post('weft.order.captured.v1', o.id, o);
    await until(async () => (await stateOf(o)) === 'stock_short', 'short of stock');
    const task = ((await call('GET', `/v1/tasks?key=${o.id}&status=open`)).body.tasks as { id: string; data: { lines: { lineId: string; sku: string }[] } }[])[0];
    const line = o.lines[0] as Order['lines'][number];
    assert.deepEqual(task?.data.lines.map((l) => [l.lineId, l.sku]), [[line.id, 'STOCK-I']], 'the task names the lines a person may substitute');
    const wrong = await call('POST', `/v1/tasks/${task?.id}/resolve`, { decision: 'substitute', values: { [line.id]: 'STOCK-I' } });
    assert.deepEqual([wrong.status, (wrong.body.errors as { pointer: string }[] | undefined)?.[0]?.pointer], [422, `/values/${line.id}`], 'the same SKU is no substitute');
    assert.equal((await call('POST', `/v1/tasks/${task?.id}/resolve`, { decision: 'retry', values: { [line.id]: 'STOCK-J' } })).status, 422, 'values only go with a decision that takes them');
    const resolved = await call('POST', `/v1/tasks/${task?.id}/resolve`, { decision: 'substitute', values: { [line.id]: 'STOCK-J' }, note: 'customer agreed to J' });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    await until(async () => (await stateOf(o)) === 'released', 'released with the substitute');
    assert.deepEqual((await reservationsOf(o)).map((r) => [r.locationId, r.quantity]), [[DC, 2]]);
    assert.deepEqual([await available('STOCK-J', DC), await available('STOCK-I', DC)], [2, 0]);
    const events = (await call('GET', `/v1/events?subject=${o.id}`)).body.events as { type: string; data: Record<string, unknown> }[];
    const swap = events.find((e) => e.type === 'weft.order.line_substituted.v1')?.data;
    assert.deepEqual([swap?.lineId, swap?.fromSku, swap?.toSku, swap?.note], [line.id, 'STOCK-I', 'STOCK-J', 'customer agreed to J']);
    await until(() => warehouseOrders(o).length === 1, 'the warehouse order');
    assert.deepEqual(warehouseOrders(o)[0]?.items.map((item) => [item.sku, item.quantity]), [['STOCK-J', 2]], 'the warehouse picks the substitute');
    const item = (salesOrders(o)[0]?.item as { items: { item: { id: string }; rate?: number; amount?: number }[] }).items[0];
    assert.equal(erp.records('inventoryItem').find((record) => record.id === item?.item.id)?.itemId, 'STOCK-J', 'the ERP sells the substitute');
    await warehouse.shipOrder(o.id, { carrierCode: 'ups', trackingNumber: '1ZSUBST' });
    await until(async () => (await stateOf(o)) === 'completed', 'completed');
    const invoice = erp.records('invoice').find((record) => salesOrders(o).some((so) => so.id === (record.createdFrom as { id: string }).id));
    const billed = (invoice?.item as { items: { quantity: number; amount: number }[] }).items;
    assert.deepEqual(billed.map((i) => i.quantity), [2]);
    assert.equal(Number(billed[0]?.amount), line.total.amount / 100, 'billed at the price the customer paid');
  });
});
