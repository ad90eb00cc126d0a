// The Shopify actions against the simulator over real loopback HTTP: effects, idempotent retries,
// Shopify's errors classified (userErrors terminal, THROTTLED retryable with the wait computed from
// the cost bucket, bad token terminal, outage retryable), and previews that send nothing.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHttpClient, idempotencyKeyOf, type ActionCommand, type ActionContext, type DeliveryTarget, type HttpClient } from '../../sdk/index.ts';
import { createShopifyClient } from '../client.ts';
import { createShopifyTarget } from '../connector.ts';
import { parseShopifyTargetSettings } from '../settings.ts';
import { startShopifySimulator, type ShopifySimulator } from '../simulator.ts';
import { moneyAmount } from './command.ts';
import { findItemOperation } from './set-inventory.action.ts';
import { memoryXrefs, rejectsWith } from '../../sdk/testing.ts';

const LOC = 'loc_01JD5GQAPENECFSECZP11HYGCP';
const ORDER = 'ord_01JDY1JX4WHRDD459GQ8H7QEZZ';
const silent = { debug() {}, info() {}, warn() {}, error() {} };
let seq = 0;

function command(action: string, type: string, data: Record<string, unknown>, id = `cmd_01JDZZZZZZZZZZZZZZZZZZZ${String(++seq).padStart(3, '0')}`): ActionCommand {
  return { id, target: 'shopify-demo', action, key: 'k', payload: { id: 'evt_1', type, subject: 's', time: '2026-11-23T10:00:00Z', data }, attempt: 1, createdAt: '2026-11-23T10:00:00Z', causationId: undefined, traceparent: undefined };
}

function contextOf(http: HttpClient, cmd: ActionCommand): ActionContext {
  return { command: cmd, idempotencyKey: idempotencyKeyOf(cmd.id), http, xrefs: memoryXrefs(), log: silent, clock: { now: () => 0 }, signal: new AbortController().signal };
}


describe('Shopify actions against the simulator', () => {
  let sim: ShopifySimulator;
  let http: HttpClient;
  let target: DeliveryTarget;
  let shopifyLocation: string;

  before(async () => {
    sim = await startShopifySimulator({ accessToken: 'shpat_test' });
    http = createHttpClient({ timeoutMs: 5000 });
    shopifyLocation = sim.addLocation('Berlin Mitte');
    const settings = parseShopifyTargetSettings('shopify-demo', { connector: 'shopify', shop: 'weft-demo', accessToken: 'shpat_test', baseUrl: sim.url, locations: { [LOC]: shopifyLocation } });
    target = createShopifyTarget('shopify-demo', settings, { http });
  });
  after(async () => {
    await http.close();
    await sim.close();
  });

  const position = (sku: string, available: number) => ({ sku, locationId: LOC, onHand: available, reserved: 0, inTransit: 0, safetyStock: 0, available, asOf: '2026-11-23T10:00:00Z' });

  it('setInventory sets available, and a retry of the same command applies once (@idempotent key)', async () => {
    const item = sim.addInventoryItem('TSH-0815-L-WHT', 3);
    const cmd = command('setInventory', 'weft.inventory.position_reported.v1', position('TSH-0815-L-WHT', 14));
    const first = await target.actions.setInventory!.run(contextOf(http, cmd));
    const level = () => sim.state().levels.find((l) => l.inventoryItemId === item && l.locationId === shopifyLocation)?.available;
    assert.equal(level(), 14);
    const keys = sim.state().idempotencyKeys;
    const second = await target.actions.setInventory!.run(contextOf(http, { ...cmd, attempt: 2 }));
    assert.deepEqual(second, first);
    assert.equal(sim.state().idempotencyKeys, keys);
    assert.equal(level(), 14);
  });

  it('setInventory: a reused key with other quantities and an unknown SKU are terminal target_rejected', async () => {
    sim.addInventoryItem('CAP-2201-OS-BLK', 0);
    const cmd = command('setInventory', 'weft.inventory.position_reported.v1', position('CAP-2201-OS-BLK', 5));
    await target.actions.setInventory!.run(contextOf(http, cmd));
    const changed = { ...cmd, payload: { ...(cmd.payload as object), data: position('CAP-2201-OS-BLK', 6) } };
    const mismatch = await rejectsWith(target.actions.setInventory!.run(contextOf(http, changed)), 'target_rejected', false);
    assert.match(mismatch.message, /IDEMPOTENCY_KEY_PARAMETER_MISMATCH/);
    await rejectsWith(target.actions.setInventory!.run(contextOf(http, command('setInventory', 'weft.inventory.position_reported.v1', position('NO-SUCH-SKU', 1)))), 'target_rejected', false);
  });

  it('tagOrder then createFulfillment: one fulfilment with tracking, a retry finds it (lookup)', async () => {
    const { order } = await sim.createOrder({ lines: [{ sku: 'JKT-4711-M-NVY', quantity: 2, price: '129.99' }], locationId: shopifyLocation });
    const captured = command('tagOrder', 'weft.order.captured.v1', { id: ORDER, externalRefs: [{ system: 'shopify-demo', id: order.id }] });
    await target.actions.tagOrder!.run(contextOf(http, captured));
    assert.deepEqual(sim.state().orders.find((o) => o.id === order.id)?.tags, [`weft:${ORDER}`]);

    const shipment = command('createFulfillment', 'weft.shipment.dispatched.v1', {
      id: 'shp_01JDBX2KRQNWA605H5PT7DRPKV', orderId: ORDER, fromLocationId: LOC, carrier: 'dhl', trackingNumbers: ['00340434161094042557'], trackingUrls: [],
      lines: [{ orderLineId: 'oln_01JDS1A0ZWSK9TPRM7N0MNS7C0', sku: 'JKT-4711-M-NVY', quantity: 2 }],
    });
    const created = await target.actions.createFulfillment!.run(contextOf(http, shipment));
    assert.equal(created.status, 'created');
    const again = await target.actions.createFulfillment!.run(contextOf(http, { ...shipment, attempt: 2 }));
    assert.deepEqual([again.status, again.targetId], ['already_exists', created.targetId]);
    const fulfillments = sim.state().orders.find((o) => o.id === order.id)!.fulfillments;
    assert.deepEqual(fulfillments.map((f) => [f.trackingNumbers, f.lines[0]!.quantity]), [[['00340434161094042557'], 2]]);
  });

  it('noteOrder writes a hold and its lifting into the tagged order\'s note; an untagged order is retryable', async () => {
    const { order } = await sim.createOrder({ lines: [{ sku: 'JKT-4711-M-NVY', quantity: 1, price: '129.99' }], locationId: shopifyLocation });
    const orderId = 'ord_01JDRSWVK182VYZ04SXWF6E997';
    const held = command('noteOrder', 'weft.order.held.v1', { orderId, reason: 'payment_pending', note: 'card review', occurredAt: '2026-11-20T09:14:04.000Z' });
    await rejectsWith(target.actions.noteOrder!.run(contextOf(http, held)), 'target_rejected', true);
    await target.actions.tagOrder!.run(contextOf(http, command('tagOrder', 'weft.order.captured.v1', { id: orderId, externalRefs: [{ system: 'shopify-demo', id: order.id }] })));
    const noted = await target.actions.noteOrder!.run(contextOf(http, held));
    assert.equal(noted.status, 'updated');
    assert.equal(sim.state().orders.find((o) => o.id === order.id)?.note, 'Weft: on hold, payment pending (2026-11-20T09:14:04.000Z) — card review');
    await target.actions.noteOrder!.run(contextOf(http, command('noteOrder', 'weft.order.hold_lifted.v1', { orderId, occurredAt: '2026-11-20T10:00:00.000Z' })));
    assert.equal(sim.state().orders.find((o) => o.id === order.id)?.note, 'Weft: hold lifted (2026-11-20T10:00:00.000Z)');
    await assert.rejects(target.actions.noteOrder!.run(contextOf(http, command('noteOrder', 'weft.order.captured.v1', { id: orderId }))), (error: unknown) => (error as { code?: string }).code === 'command_invalid');
  });

  it('createFulfillment for an order not tagged yet is retryable', async () => {
    const shipment = command('createFulfillment', 'weft.shipment.dispatched.v1', { orderId: 'ord_01JDRSWVK182VYZ04SXWF6E996', fromLocationId: LOC, carrier: 'ups', trackingNumbers: [], trackingUrls: [], lines: [{ sku: 'X', quantity: 1 }] });
    const error = await rejectsWith(target.actions.createFulfillment!.run(contextOf(http, shipment)), 'target_rejected', true);
    assert.equal(error.retryAfterSeconds, 30);
  });

  /** A target on an HTTP client that records the operation names it sends. */
  function recordingTarget(): { target: DeliveryTarget; operations: string[] } {
    const operations: string[] = [];
    const recording: HttpClient = {
      request: (request, signal) => {
        operations.push(String((JSON.parse(String(request.body)) as { operationName?: string }).operationName));
        return http.request(request, signal);
      },
      close: async () => undefined,
    };
    const settings = parseShopifyTargetSettings('shopify-demo', { connector: 'shopify', shop: 'weft-demo', accessToken: 'shpat_test', baseUrl: sim.url, locations: { [LOC]: shopifyLocation } });
    return { target: createShopifyTarget('shopify-demo', settings, { http: recording }), operations };
  }
  const capture = (orderId: string, amount: number) => command('capturePayment', 'weft.order.payment_captured.v1', { orderId, amount: { amount, currency: 'USD' } });
  const shopOrder = (id: string) => sim.state().orders.find((o) => o.id === id)!;

  it('capturePayment captures the authorisation once through the order\'s cross-reference; a retry is already_captured', async () => {
    const { order } = await sim.createOrder({ lines: [{ sku: 'JKT-4711-M-NVY', quantity: 1, price: '129.99' }], shippingPrice: '4.95', locationId: shopifyLocation, financialStatus: 'authorized' });
    assert.equal(order.financial_status, 'authorized');
    const orderId = 'ord_01JDRSWVK182VYZ04SXWF6E990';
    const { target: recorded, operations } = recordingTarget();
    const xrefs = memoryXrefs([[orderId, 'shopify-demo', 'order', String(order.id)]]);
    const cmd = capture(orderId, 13494);
    const first = await recorded.actions.capturePayment!.run({ ...contextOf(http, cmd), xrefs });
    assert.equal(first.status, 'captured');
    assert.equal(shopOrder(String(order.id)).financialStatus, 'PAID');
    const again = await recorded.actions.capturePayment!.run({ ...contextOf(http, { ...cmd, attempt: 2 }), xrefs });
    assert.deepEqual([again.status, again.targetId], ['already_captured', first.targetId]);
    const transactions = shopOrder(String(order.id)).transactions;
    assert.deepEqual(transactions.map((t) => [t.kind, t.amount]), [['AUTHORIZATION', 13494], ['CAPTURE', 13494]]);
    assert.equal(transactions[1]?.parentId, transactions[0]?.id);
    // Found by id both times: no tag search (the order was never tagged).
    assert.deepEqual(operations, ['WeftOrderPayments', 'WeftCapturePayment', 'WeftOrderPayments']);
  });

  it('capturePayment: more than the authorisation is refused by Shopify (terminal); a part of it leaves the order partially paid', async () => {
    const { order } = await sim.createOrder({ lines: [{ sku: 'CAP-2201-OS-BLK', quantity: 2, price: '25.00' }], locationId: shopifyLocation, financialStatus: 'authorized' });
    const orderId = 'ord_01JDRSWVK182VYZ04SXWF6E991';
    // No cross-reference this time: the order is found by its weft: tag.
    await target.actions.tagOrder!.run(contextOf(http, command('tagOrder', 'weft.order.captured.v1', { id: orderId, externalRefs: [{ system: 'shopify-demo', id: order.id }] })));
    const refused = await rejectsWith(target.actions.capturePayment!.run(contextOf(http, capture(orderId, 6000))), 'target_rejected', false);
    assert.match(refused.message, /greater than the capturable amount \(50\.00\)/);
    assert.deepEqual(shopOrder(String(order.id)).transactions.map((t) => t.kind), ['AUTHORIZATION']);
    assert.equal((await target.actions.capturePayment!.run(contextOf(http, capture(orderId, 2000)))).status, 'captured');
    assert.equal(shopOrder(String(order.id)).financialStatus, 'PARTIALLY_PAID');
  });

  it('capturePayment: an order paid at checkout is already_captured; an order not linked or tagged yet is retryable', async () => {
    const { order } = await sim.createOrder({ lines: [{ sku: 'JKT-4711-M-NVY', quantity: 1, price: '129.99' }], locationId: shopifyLocation });
    const orderId = 'ord_01JDRSWVK182VYZ04SXWF6E992';
    const xrefs = memoryXrefs([[orderId, 'shopify-demo', 'order', String(order.id)]]);
    const paid = await target.actions.capturePayment!.run({ ...contextOf(http, capture(orderId, 12999)), xrefs });
    assert.equal(paid.status, 'already_captured');
    assert.deepEqual(shopOrder(String(order.id)).transactions.map((t) => t.kind), ['SALE']);
    const error = await rejectsWith(target.actions.capturePayment!.run(contextOf(http, capture('ord_01JDRSWVK182VYZ04SXWF6E993', 100))), 'target_rejected', true);
    assert.equal(error.retryAfterSeconds, 30);
    await assert.rejects(target.actions.capturePayment!.run(contextOf(http, capture('shopify-1', 100))), (e: unknown) => (e as { code?: string }).code === 'command_invalid');
  });

  it('previews show the GraphQL requests with the token masked and send nothing', async () => {
    const before = sim.requests();
    const previews = await target.actions.setInventory!.preview(command('setInventory', 'weft.inventory.position_reported.v1', position('PREVIEW-SKU', 2)));
    assert.equal(sim.requests(), before);
    assert.equal(previews.length, 2);
    for (const preview of previews) {
      assert.equal(preview.headers['x-shopify-access-token'], '***');
      assert.ok(!JSON.stringify(preview).includes('shpat_test'));
      assert.equal(preview.url, `${sim.url}/admin/api/2026-07/graphql.json`);
    }
    assert.match(previews[1]!.body ?? '', /@idempotent\(key: \\"weft-cmd_/);
  });

  it('the capturePayment preview shows both lookups and the capture in decimal money, and sends nothing', async () => {
    const before = sim.requests();
    const previews = await target.actions.capturePayment!.preview(capture('ord_01JDRSWVK182VYZ04SXWF6E994', 13494));
    assert.equal(sim.requests(), before);
    assert.deepEqual(previews.map((p) => (JSON.parse(p.body ?? '{}') as { operationName?: string }).operationName), ['WeftOrderPayments', 'WeftFindOrderPayments', 'WeftCapturePayment']);
    assert.deepEqual((JSON.parse(previews[2]!.body ?? '{}') as { variables: { input: Record<string, unknown> } }).variables.input.amount, '134.94');
  });

  it('a wrong access token is terminal target_auth_failed; an outage is retryable', async () => {
    const settings = parseShopifyTargetSettings('bad', { connector: 'shopify', shop: 'weft-demo', accessToken: 'shpat_wrong', baseUrl: sim.url, locations: { [LOC]: shopifyLocation } });
    const bad = createShopifyTarget('bad', settings, { http });
    await rejectsWith(bad.actions.setInventory!.run(contextOf(http, command('setInventory', 'weft.inventory.position_reported.v1', position('TSH-0815-L-WHT', 1)))), 'target_auth_failed', false);
    sim.faults.down = true;
    try {
      await rejectsWith(target.actions.setInventory!.run(contextOf(http, command('setInventory', 'weft.inventory.position_reported.v1', position('OUTAGE-SKU', 1)))), 'target_unavailable', true);
    } finally {
      sim.faults.down = false;
    }
  });
});

describe('moneyAmount', () => {
  it('writes minor units with the currency\'s decimals, without floats', () => {
    assert.deepEqual([moneyAmount(13494, 'USD'), moneyAmount(5, 'EUR'), moneyAmount(500, 'JPY'), moneyAmount(1234, 'KWD'), moneyAmount(-250, 'USD')], ['134.94', '0.05', '500', '1.234', '-2.50']);
  });
});

describe('the cost bucket', () => {
  it('waits for points it knows are missing, and a THROTTLED answer is retryable after (requested − available) / restoreRate', async () => {
    // Time stands still for both sides, so nothing depends on how long the test takes.
    const sim = await startShopifySimulator({ accessToken: 'shpat_test', bucket: { maximumAvailable: 10, restoreRate: 1 }, now: () => 1_000_000 });
    const http = createHttpClient({ timeoutMs: 5000 });
    const waits: number[] = [];
    const client = createShopifyClient({ http, url: sim.graphqlUrl(), accessToken: 'shpat_test', timeoutMs: 5000, target: 'shopify-demo', now: () => 0, sleep: async (ms) => void waits.push(ms) });
    try {
      await client.run(findItemOperation('A'));
      await client.run(findItemOperation('B'));
      assert.deepEqual(client.bucket()?.status, { maximumAvailable: 10, currentlyAvailable: 2, restoreRate: 1 });
      const error = await rejectsWith(client.run(findItemOperation('C')), 'target_throttled', true);
      assert.equal(error.retryAfterSeconds, 2);
      assert.deepEqual(waits, [2000]);
    } finally {
      await http.close();
      await sim.close();
    }
  });
});
