import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHub, type Hub } from '../../src/app/hub.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startNetSuiteSimulator, type NetSuiteSimulator } from '../../src/connectors/netsuite/index.ts';
import { startShipStationSimulator, type ShipStationSimulator } from '../../src/connectors/shipstation/index.ts';
import { startSquareSimulator, type SquareSimulator } from '../../src/connectors/square/index.ts';
import type { Order } from '../../src/domain/order/order.schema.ts';
import { createIdGenerator } from '../../src/ports/clock.ts';
import { testWebOrder } from '../support/orders.ts';
import { stockApi } from '../support/stock-api.ts';
import { apiCaller, until } from '../support/wait.ts';

// Ship from store, end to end: order-to-cash v2 reserves an order's stock, and where the stock is
// decides who ships each parcel. A parcel whose stock is at a store goes to the store's Square POS as
// a Square order with a shipment fulfilment; the rest goes to the warehouse (ShipStation). The store
// clerk ships it in Square, Square's webhook comes back as the shipment, the reservation is released
// and the ERP bills it. A cancellation undoes both releases. Each test checks the ERP, the warehouse,
// the store's Square orders and the availability the API answers.

const dir = mkdtempSync(join(tmpdir(), 'weft-o2c-sfs-'));
const ids = createIdGenerator();
const credentials = { consumerKey: 'ck-sfs', consumerSecret: 'cs-sfs-secret', tokenId: 'tok-sfs', tokenSecret: 'ts-sfs-secret' };
const TOKEN = 'ship-notify-token-for-the-ship-from-store-tests';
const DC = ids.next('location');
const STORE = ids.next('location');
const SQUARE_STORE = 'LSFSSTORE001';
const SKUS = ['SFS-A', 'SFS-B', 'SFS-C', 'SFS-D', 'SFS-E', 'SFS-F'];
let erp: NetSuiteSimulator;
let warehouse: ShipStationSimulator;
let pos: SquareSimulator;
let hub: Hub;
let admin = '';

const call = apiCaller(() => hub.url, () => admin);
const { post, stock, available, reservationsOf, stateOf } = stockApi(call, () => hub.store);


/** A paid web order of one line per SKU, each line its own parcel (ship group). */
function order(n: number, lines: { sku: string; quantity: number }[]): Order {
  const base = testWebOrder(ids, n, { prefix: 'SFS', quantity: 1 });
  const template = base.lines[0] as Order['lines'][number];
  const group = base.fulfilmentGroups.find((g) => g.kind === 'ship') as Order['fulfilmentGroups'][number];
  const made = lines.map((line) => {
    const lineId = ids.next('orderLine');
    const groupId = ids.next('fulfillmentGroup');
    const total = { ...template.unitPrice, amount: template.unitPrice.amount * line.quantity };
    return {
      line: { ...template, id: lineId, sku: line.sku, quantity: line.quantity, fulfilmentGroupId: groupId, total, discounts: [], taxes: [] },
      group: { ...group, id: groupId, lineIds: [lineId] },
    };
  });
  const subtotal = made.reduce((sum, m) => sum + m.line.total.amount, 0);
  const grandTotal = subtotal + 500;
  return {
    ...base,
    lines: made.map((m) => m.line),
    fulfilmentGroups: made.map((m) => m.group),
    shippingCharges: base.shippingCharges.map((charge) => ({ ...charge, fulfilmentGroupId: made[0]?.group.id as string })),
    totals: { ...base.totals, subtotal: { amount: subtotal, currency: 'USD' }, grandTotal: { amount: grandTotal, currency: 'USD' } },
    payments: base.payments.map((payment) => ({ ...payment, amountAuthorized: { amount: grandTotal, currency: 'USD' } })),
  };
}

const salesOrders = (o: Order) => erp.records('salesOrder').filter((record) => record.externalId === o.id);
const warehouseOrders = (o: Order) => warehouse.state().orders.filter((record) => String(record.orderKey).startsWith(o.id));
const storeOrders = (o: Order) => pos.state().orders.filter((record) => (record.metadata as Record<string, string> | undefined)?.weft_order_id === o.id);


before(async () => {
  erp = await startNetSuiteSimulator({ credentials });
  for (const sku of SKUS) erp.seed('inventoryItem', { itemId: sku, displayName: sku, externalId: `itm:${sku}` });
  const guest = erp.seed('customer', { entityId: 'Web guest', externalId: 'guest' });
  warehouse = await startShipStationSimulator({ apiKey: 'ss-sfs', apiSecret: 'ss-sfs-secret', requestsPerMinute: 100_000 });
  pos = await startSquareSimulator({ locations: [{ id: SQUARE_STORE, name: 'Portland', currency: 'USD' }], rateLimit: { requestsPerSecond: 1000, burst: 1000 } });
  const fast = { retry: { baseDelayMs: 20, maxDelayMs: 200 }, breaker: { failureThreshold: 3, openMs: 200, halfOpenProbes: 1 } };
  const shipstation = { connector: 'shipstation', baseUrl: warehouse.url, apiKey: 'ss-sfs', apiSecret: 'ss-sfs-secret' };
  const square = { connector: 'square', baseUrl: pos.url, accessToken: pos.accessToken };
  const config = loadConfig({
    env: { WEFT_DATA_DIR: dir, WEFT_HTTP_PORT: '0', WEFT_LOG_LEVEL: 'silent', WEFT_DELIVERY_POLL_MS: '20' },
    overrides: {
      targets: {
        erp: { connector: 'netsuite', accountId: '1234567_SB1', baseUrl: erp.url, auth: credentials, defaultCustomerId: guest.id, subsidiaryId: '1', locationId: '1', locations: { [STORE]: '7' }, requestsPerSecond: 200, ...fast },
        warehouse: { ...shipstation, rateLimit: { requestsPerSecond: 200, burst: 50, maxConcurrency: 8 }, ...fast },
        pos: { ...square, locations: { [STORE]: SQUARE_STORE }, ...fast },
      },
      sources: {
        warehouse: { ...shipstation, webhookToken: TOKEN, locationId: DC },
        pos: { ...square, signatureKey: pos.signatureKey },
      },
      processes: { orderToCash: { enabled: true, erp: 'erp', warehouse: 'warehouse', stores: { target: 'pos', locations: [STORE] } } },
      inventory: { channels: { webshop: { locations: [DC, STORE] } } },
    },
  });
  hub = await startHub(config, { announce: (text) => (admin = /(weft_key_\S+)/.exec(text)?.[1] ?? admin) });
  warehouse.subscribe(`${hub.url}/webhooks/warehouse?token=${TOKEN}`, 'SHIP_NOTIFY');
  pos.subscribe({ url: `${hub.url}/webhooks/pos` });
});

after(async () => {
  await hub?.close();
  await erp?.close();
  await warehouse?.close();
  await pos?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('order-to-cash: ship from store', () => {
  it('ships the parcel whose stock is at the store from the store (Square), the rest from the warehouse, and bills both once shipped', async () => {
    await stock('SFS-A', DC, 5);
    await stock('SFS-B', STORE, 3);
    const o = order(1, [{ sku: 'SFS-A', quantity: 1 }, { sku: 'SFS-B', quantity: 2 }]);
    const [dcLine, storeLine] = o.lines as [Order['lines'][number], Order['lines'][number]];
    await post('weft.order.captured.v1', o.id, o);
    await until(async () => (await stateOf(o)) === 'released', 'released');
    assert.deepEqual((await reservationsOf(o)).map((r) => [r.locationId, r.quantity]).sort(), [[DC, 1], [STORE, 2]].sort());

    await until(() => storeOrders(o).length === 1 && warehouseOrders(o).length === 1, 'one order at the store, one at the warehouse');
    const atStore = storeOrders(o)[0] as Record<string, unknown>;
    assert.equal(atStore.location_id, SQUARE_STORE);
    await until(() => pos.state().payments.some((p) => p.order_id === atStore.id), 'the store\'s order paid, so the store sees it');
    const paid = pos.state().payments.filter((p) => p.order_id === atStore.id);
    assert.deepEqual(paid.map((p) => [p.source_type, (p.external_details as { source?: string } | undefined)?.source]), [['EXTERNAL', 'webshop']], 'paid once, by the web store');
    assert.deepEqual((atStore.line_items as { quantity: string; metadata?: Record<string, string> }[]).map((item) => [item.metadata?.weft_line_id, item.quantity]), [[storeLine.id, '2']], 'the store ships only its parcel');
    assert.deepEqual((warehouseOrders(o)[0]?.items as { sku: string }[]).map((item) => item.sku), ['SFS-A'], 'the warehouse ships only the DC\'s parcel');

    await warehouse.shipOrder(warehouseOrders(o)[0]?.orderKey as string, { carrierCode: 'ups', trackingNumber: '1ZSFSDC' });
    await until(async () => (await stateOf(o)) === 'partially_shipped', 'the warehouse\'s parcel shipped');
    await pos.shipFulfilment(atStore.id as string, { carrier: 'UPS', trackingNumber: '1ZSFSSTORE' });
    await until(async () => (await stateOf(o)) === 'completed', 'completed once the store shipped');
    const shipments = ((await call('GET', `/v1/events?type=weft.shipment.dispatched.v1&limit=1000`)).body.events as { data: { orderId: string; fulfilmentGroupId: string } }[]).filter((e) => e.data.orderId === o.id);
    assert.deepEqual(shipments.map((e) => e.data.fulfilmentGroupId).sort(), [dcLine.fulfilmentGroupId, storeLine.fulfilmentGroupId].sort(), 'one shipment per parcel, the store\'s from Square');
    await until(async () => (await reservationsOf(o)).length === 0, 'every reservation released by its shipment');
    assert.deepEqual([await available('SFS-A', DC), await available('SFS-B', STORE)], [5, 3]);
    assert.equal(salesOrders(o).length, 1);
    const soLines = (salesOrders(o)[0]?.item as { items: { location?: { id: string } }[] }).items;
    assert.deepEqual(soLines.map((line) => line.location?.id ?? null), [null, '7'], 'the ERP commits the store\'s stock for the store\'s parcel');
    assert.equal(erp.records('invoice').filter((record) => salesOrders(o).some((so) => so.id === (record.createdFrom as { id: string }).id)).length, 1, 'billed once');
    assert.equal(storeOrders(o).length, 1, 'the store\'s shipment webhooks created no second order, and were not captured as a sale');
    const captured = ((await call('GET', '/v1/events?type=weft.order.captured.v1&limit=1000')).body.events as { data: { originSystem: string } }[]).filter((e) => e.data.originSystem === 'pos');
    assert.equal(captured.length, 0, 'Weft\'s own store order never comes back as a new order');
  });

  it('does not ask the warehouse when the store has everything, and undoes the store\'s order when the customer cancels', async () => {
    await stock('SFS-C', DC, 0);
    await stock('SFS-C', STORE, 2);
    const o = order(2, [{ sku: 'SFS-C', quantity: 2 }]);
    await post('weft.order.captured.v1', o.id, o);
    await until(async () => (await stateOf(o)) === 'released', 'released');
    await until(() => storeOrders(o).length === 1, 'the store\'s order');
    assert.equal(await available('SFS-C', STORE), 0);
    await post('weft.order.cancelled.v1', o.id, { orderId: o.id, reason: 'customer_request', occurredAt: new Date().toISOString() });
    await until(async () => (await stateOf(o)) === 'cancelled', 'cancelled');
    // Square cancels no order that was paid, even refunded: the parcel (fulfilment) is cancelled, which takes it off the store's list, and the channel's payment refunded.
    const squareId = storeOrders(o)[0]?.id as string;
    await until(() => pos.state().fulfilments.some((f) => f.orderId === squareId && f.state === 'CANCELED'), 'the store\'s parcel cancelled in Square');
    await until(() => pos.state().refunds.some((r) => r.order_id === squareId || pos.state().payments.some((p) => p.id === r.payment_id && p.order_id === squareId)), 'the external payment refunded');
    await until(async () => (await available('SFS-C', STORE)) === 2, 'the units back');
    await until(() => salesOrders(o)[0]?.status === 'Closed', 'the ERP sales order closed');
    assert.equal(warehouseOrders(o).length, 0, 'the warehouse never heard of it');
  });
  it('asks a person when the store turns a parcel down: its lines cancelled (refunded at the store, not billed) while the warehouse\'s parcel ships', async () => {
    await stock('SFS-D', DC, 5);
    await stock('SFS-E', STORE, 1);
    const o = order(3, [{ sku: 'SFS-D', quantity: 1 }, { sku: 'SFS-E', quantity: 1 }]);
    const storeLine = o.lines[1] as Order['lines'][number];
    await post('weft.order.captured.v1', o.id, o);
    await until(() => storeOrders(o).length === 1 && warehouseOrders(o).length === 1, 'released to the store and the warehouse');
    const squareId = storeOrders(o)[0]?.id as string;
    await until(() => pos.state().payments.some((p) => p.order_id === squareId), 'paid at the store');
    await pos.rejectFulfilment(squareId, { reason: 'Not on the shelf' });
    const tasks = async () => (await call('GET', `/v1/tasks?key=${o.id}&status=open`)).body.tasks as { id: string; kind: string; data: { group: string; reason: string } }[];
    await until(async () => (await tasks()).some((t) => t.kind === 'release_rejected'), 'a task for a person');
    const task = (await tasks()).find((t) => t.kind === 'release_rejected');
    assert.deepEqual([task?.data.group, task?.data.reason], [storeLine.fulfilmentGroupId, 'out_of_stock']);
    const refused = await call('POST', `/v1/tasks/${task?.id}/resolve`, { decision: 'reship_from_warehouse' });
    assert.equal(refused.status, 422, 'the warehouse has a parcel of the order already: its keys would shift');
    assert.equal((await call('POST', `/v1/tasks/${task?.id}/resolve`, { decision: 'cancel_lines', note: 'customer told' })).status, 200);
    await until(() => pos.state().refunds.some((r) => pos.state().payments.some((p) => p.id === r.payment_id && p.order_id === squareId)), 'the store\'s sale refunded');
    await until(async () => (await reservationsOf(o)).every((r) => r.locationId !== STORE), 'the store\'s reservation given back');
    await warehouse.shipOrder(warehouseOrders(o)[0]?.orderKey as string, { carrierCode: 'ups', trackingNumber: '1ZSFSREJ' });
    await until(async () => (await stateOf(o)) === 'completed', 'completed with what the warehouse shipped');
    const invoice = erp.records('invoice').find((record) => salesOrders(o).some((so) => so.id === (record.createdFrom as { id: string }).id));
    const billed = (invoice?.item as { items: { quantity: number }[] }).items;
    assert.deepEqual(billed.map((i) => i.quantity), [1], 'only the parcel that shipped is billed');
    const soLines = (salesOrders(o)[0]?.item as { items: { isClosed?: boolean; quantity: number }[] }).items;
    assert.equal(soLines[1]?.isClosed, true, 'the store\'s line is closed on the sales order');
    const events = (await call('GET', `/v1/events?subject=${o.id}`)).body.events as { type: string; data: { lineId?: string; reason?: string } }[];
    assert.deepEqual(events.filter((e) => e.type === 'weft.order.line_cancelled.v1').map((e) => [e.data.lineId, e.data.reason]), [[storeLine.id, 'out_of_stock']]);
  });

  it('ships from the warehouse instead when the person says so, the store\'s sale refunded', async () => {
    await stock('SFS-F', DC, 5);
    await stock('SFS-F', STORE, 5);
    await stock('SFS-F', DC, 0);
    const o = order(4, [{ sku: 'SFS-F', quantity: 1 }]);
    await post('weft.order.captured.v1', o.id, o);
    await until(() => storeOrders(o).length === 1, 'released to the store');
    const squareId = storeOrders(o)[0]?.id as string;
    await until(() => pos.state().payments.some((p) => p.order_id === squareId), 'paid at the store');
    assert.equal(warehouseOrders(o).length, 0);
    await pos.rejectFulfilment(squareId, { reason: 'damaged' });
    const open = async () => ((await call('GET', `/v1/tasks?key=${o.id}&status=open`)).body.tasks as { id: string; kind: string }[]).find((t) => t.kind === 'release_rejected');
    await until(async () => (await open()) !== undefined, 'a task for a person');
    assert.equal((await call('POST', `/v1/tasks/${(await open())?.id}/resolve`, { decision: 'reship_from_warehouse' })).status, 200);
    await until(() => warehouseOrders(o).length === 1, 'the warehouse has the parcel');
    await until(() => pos.state().refunds.some((r) => pos.state().payments.some((p) => p.id === r.payment_id && p.order_id === squareId)), 'the store\'s sale refunded');
    await until(async () => (await reservationsOf(o)).length === 0, 'the store\'s reservation given back');
    await warehouse.shipOrder(warehouseOrders(o)[0]?.orderKey as string, { carrierCode: 'ups', trackingNumber: '1ZSFSRESHIP' });
    await until(async () => (await stateOf(o)) === 'completed', 'completed from the warehouse');
    assert.deepEqual([salesOrders(o).length, storeOrders(o).length, warehouseOrders(o).length], [1, 1, 1]);
  });
});
