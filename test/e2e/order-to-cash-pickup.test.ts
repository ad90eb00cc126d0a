import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHub, type Hub } from '../../src/app/hub.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startNetSuiteSimulator, type NetSuiteSimulator } from '../../src/connectors/netsuite/index.ts';
import { startShopifySimulator, type ShopifySimulator } from '../../src/connectors/shopify/index.ts';
import { createIdGenerator } from '../../src/ports/clock.ts';
import { stockApi } from '../support/stock-api.ts';
import { apiCaller, until } from '../support/wait.ts';

// Pick up in store, end to end against the Shopify and NetSuite simulators: a web order with a
// pick-up rate is reserved at its store, put into the ERP and waits for the store. Collected, it is
// billed and its authorisation captured. Never collected by the store's collect-by time, it is
// cancelled: restocked (Weft's reservation given back), the ERP's sales order closed, and the order
// cancelled in Shopify, which voids the customer's authorisation: the money goes back.

const dir = mkdtempSync(join(tmpdir(), 'weft-o2c-pickup-'));
const ids = createIdGenerator();
const credentials = { consumerKey: 'ck-pickup', consumerSecret: 'cs-pickup-secret', tokenId: 'tok-pickup', tokenSecret: 'ts-pickup-secret' };
const STORE = ids.next('location');
const PICKUP_CODE = 'pickup-portland';
const SKU = 'PICK-A';
const token = 'shpat_pickup-test-token';
let erp: NetSuiteSimulator;
let shop: ShopifySimulator;
let shopStore = '';
let hub: Hub;
let admin = '';

const call = apiCaller(() => hub.url, () => admin);
const { post, stock, available, stateOf } = stockApi(call, () => hub.store);

/** Places a pick-up order in the web store (card authorised at checkout) and answers its Weft order id once captured. */
async function pickupOrder(n: number): Promise<{ orderId: string; shopifyId: string }> {
  const placed = await shop.createOrder({
    lines: [{ sku: SKU, quantity: 1, price: '29.00', title: 'Pick-up test item' }],
    email: `pickup${n}@example.org`,
    shippingPrice: '0.00',
    shippingCode: PICKUP_CODE,
    financialStatus: 'authorized',
    address: { firstName: 'Ada', lastName: 'Byron', address1: '820 SW Morrison St', city: 'Portland', zip: '97205', countryCode: 'US', country: 'United States' },
  });
  const shopifyId = String(placed.order.id);
  let orderId: string | undefined;
  await until(async () => (orderId = await hub.store.resolveXref('order', 'webshop', shopifyId)) !== undefined, 'the order captured');
  return { orderId: orderId as string, shopifyId };
}

const webOrder = (shopifyId: string) => shop.state().orders.find((order) => order.id === shopifyId) as Record<string, unknown>;
const salesOrder = (orderId: string) => erp.records('salesOrder').find((record) => record.externalId === orderId);

before(async () => {
  erp = await startNetSuiteSimulator({ credentials });
  erp.seed('inventoryItem', { itemId: SKU, displayName: SKU, externalId: `itm:${SKU}` });
  const guest = erp.seed('customer', { entityId: 'Web guest', externalId: 'guest' });
  shop = await startShopifySimulator({ accessToken: token, clientSecret: 'pickup-secret', shop: 'pickup-test' });
  shopStore = shop.addLocation('Portland');
  shop.addInventoryItem(SKU, 10);
  const fast = { retry: { baseDelayMs: 20, maxDelayMs: 200 }, breaker: { failureThreshold: 3, openMs: 200, halfOpenProbes: 1 } };
  const config = loadConfig({
    env: { WEFT_DATA_DIR: dir, WEFT_HTTP_PORT: '0', WEFT_LOG_LEVEL: 'silent', WEFT_DELIVERY_POLL_MS: '20' },
    overrides: {
      sources: { webshop: { connector: 'shopify', clientSecret: 'pickup-secret', pickupShippingCodes: { [PICKUP_CODE]: shopStore } } },
      targets: {
        erp: { connector: 'netsuite', accountId: '1234567_SB1', baseUrl: erp.url, auth: credentials, defaultCustomerId: guest.id, subsidiaryId: '1', locationId: '1', requestsPerSecond: 200, ...fast },
        webshop: { connector: 'shopify', shop: 'pickup-test', accessToken: token, baseUrl: shop.url, locations: { [STORE]: shopStore }, ...fast },
      },
      processes: { orderToCash: { enabled: true, erp: 'erp', channels: { webshop: 'webshop' }, capturePayments: true } },
      // The web store's order carries Weft's id as a tag: how the Shopify actions find it.
      routes: [{ name: 'web orders tagged in the web store', events: ['weft.order.captured.v1'], target: 'webshop', action: 'tagOrder' }],
      inventory: { channels: { webshop: { locations: [STORE] } } },
    },
  });
  hub = await startHub(config, { announce: (text) => (admin = /(weft_key_\S+)/.exec(text)?.[1] ?? admin) });
  const linked = await hub.store.commit({ xrefs: [{ entity: 'location', system: 'webshop', externalId: shopStore, canonicalId: STORE }] });
  assert.equal(linked.status, 'committed');
  for (const topic of ['orders/create', 'orders/cancelled']) shop.subscribe(topic, `${hub.url}/webhooks/webshop`);
});

after(async () => {
  await hub?.close();
  await erp?.close();
  await shop?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('order-to-cash: pick up in store', () => {
  it('cancels a pick-up not collected by the store\'s time: restocked, the ERP order closed, cancelled in Shopify with the authorisation voided', async () => {
    await stock(SKU, STORE, 3);
    const { orderId, shopifyId } = await pickupOrder(1);
    await until(async () => (await stateOf({ id: orderId })) === 'awaiting_pickup', 'waiting for the store');
    assert.equal(await available(SKU, STORE), 2, 'reserved at the pick-up store');
    assert.ok(salesOrder(orderId), 'the ERP has the sales order');
    const group = ((await hub.store.processInstance('order-to-cash', orderId))?.data as { data: { toCollect: string[] } }).data.toCollect[0] as string;
    await post('weft.order.ready_for_pickup.v1', orderId, { orderId, fulfilmentGroupId: group, locationId: STORE, collectBy: new Date(Date.now() + 1500).toISOString(), occurredAt: new Date().toISOString() });
    await until(async () => (await stateOf({ id: orderId })) === 'cancelled', 'cancelled once the collect-by time passed');
    await until(async () => (await available(SKU, STORE)) === 3, 'restocked');
    await until(() => salesOrder(orderId)?.status === 'Closed', 'the ERP sales order closed');
    await until(() => webOrder(shopifyId).cancelledAt !== undefined && webOrder(shopifyId).cancelledAt !== null, 'cancelled in Shopify');
    const web = webOrder(shopifyId);
    assert.equal(web.financialStatus, 'VOIDED', 'the authorisation is voided: the customer is not charged');
    const events = (await call('GET', `/v1/events?subject=${orderId}`)).body.events as { type: string; source: string; data: { reason?: string } }[];
    const cancellations = events.filter((e) => e.type === 'weft.order.cancelled.v1');
    assert.deepEqual([cancellations[0]?.source, cancellations[0]?.data.reason], ['urn:weft:process:order-to-cash', 'not_collected'], 'Weft cancelled it (Shopify\'s orders/cancelled webhook may follow: the channel confirming it)');
    assert.equal(await stateOf({ id: orderId }), 'cancelled');
  });
  it('bills a pick-up once collected and captures its authorisation in Shopify', async () => {
    await stock(SKU, STORE, 3);
    const { orderId, shopifyId } = await pickupOrder(2);
    await until(async () => (await stateOf({ id: orderId })) === 'awaiting_pickup', 'waiting for the store');
    const group = ((await hub.store.processInstance('order-to-cash', orderId))?.data as { data: { toCollect: string[] } }).data.toCollect[0] as string;
    await post('weft.order.ready_for_pickup.v1', orderId, { orderId, fulfilmentGroupId: group, locationId: STORE, collectBy: new Date(Date.now() + 3_600_000).toISOString(), occurredAt: new Date().toISOString() });
    await until(async () => (await stateOf({ id: orderId })) === 'ready_for_pickup', 'ready at the store');
    await post('weft.order.collected.v1', orderId, { orderId, fulfilmentGroupId: group, locationId: STORE, occurredAt: new Date().toISOString() });
    await until(async () => (await stateOf({ id: orderId })) === 'completed', 'completed');
    assert.equal(webOrder(shopifyId).financialStatus, 'PAID', 'the authorisation captured at the channel');
    assert.equal(webOrder(shopifyId).cancelledAt ?? null, null);
    assert.equal(await available(SKU, STORE), 3, 'the reservation released by the collection (the sale itself comes from the store\'s stock report)');
    assert.equal(erp.records('invoice').filter((record) => (record.createdFrom as { id: string }).id === salesOrder(orderId)?.id).length, 1, 'billed once');
  });
});
