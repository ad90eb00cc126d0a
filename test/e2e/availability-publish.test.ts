import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHub, type Hub } from '../../src/app/hub.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startShopifySimulator, type ShopifySimulator } from '../../src/connectors/shopify/index.ts';
import { inventoryKey } from '../../src/domain/inventory/inventory-key.ts';
import { createIdGenerator } from '../../src/ports/clock.ts';
import { apiCaller, until } from '../support/wait.ts';

// Availability pushed to a storefront (the Shopify simulator's inventorySetQuantities): what the
// channel may sell (its safety stock held back, Weft's reservations taken off) arrives at the store's
// location; a target that is slow gets the latest value, not every value in between; and changes to
// zero overtake the bulk of ordinary changes queued for the same target.

const dir = mkdtempSync(join(tmpdir(), 'weft-publish-'));
const ids = createIdGenerator();
const DC = ids.next('location');
const token = 'shpat_publish-test-token';
const SKUS = Array.from({ length: 30 }, (_, n) => `PUB-${String(n).padStart(2, '0')}`);
let shop: ShopifySimulator;
let shopDc = '';
let hub: Hub;
let admin = '';
let config: ReturnType<typeof loadConfig>;
const call = apiCaller(() => hub.url, () => admin);

const level = (sku: string): number | undefined => shop.state().levels.find((l) => l.sku === sku && l.locationId === shopDc)?.available;
const mutations = (): number => shop.state().idempotencyKeys;
const position = (sku: string, onHand: number) => ({
  type: 'weft.inventory.position_reported.v1',
  subject: inventoryKey(sku, DC),
  data: { sku, locationId: DC, onHand, reserved: 0, inTransit: 0, safetyStock: 0, available: onHand, asOf: new Date().toISOString() },
});
async function post(events: unknown): Promise<void> {
  const answer = await call('POST', '/v1/events', events);
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
}

before(async () => {
  shop = await startShopifySimulator({ accessToken: token, clientSecret: 'publish-secret', shop: 'publish-test' });
  shopDc = shop.addLocation('Distribution centre');
  for (const sku of SKUS) shop.addInventoryItem(sku, 0);
  config = loadConfig({
    env: { WEFT_DATA_DIR: dir, WEFT_HTTP_PORT: '0', WEFT_LOG_LEVEL: 'silent', WEFT_DELIVERY_POLL_MS: '20' },
    overrides: {
      // One request at a time, 25 a second: a store that is easy to keep busy.
      targets: { webshop: { connector: 'shopify', shop: 'publish-test', accessToken: token, baseUrl: shop.url, locations: { [DC]: shopDc }, rateLimit: { requestsPerSecond: 25, burst: 1, maxConcurrency: 1 } } },
      inventory: { channels: { webshop: { locations: [DC], safetyStock: 1 } }, publish: [{ channel: 'webshop', target: 'webshop' }] },
    },
  });
  hub = await startHub(config, { announce: (text) => (admin = /(weft_key_\S+)/.exec(text)?.[1] ?? admin) });
});

after(async () => {
  await hub?.close();
  await shop?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('availability published to a storefront', () => {
  it('sends what the channel may sell: safety stock held back, reservations taken off', async () => {
    await post(position('PUB-00', 10));
    await until(() => level('PUB-00') === 9, 'the store shows 10 less the safety stock');
    const reserved = await call('POST', '/v1/reservations', { orderId: ids.next('order'), channel: 'webshop', lines: [{ sku: 'PUB-00', quantity: 3 }] });
    assert.equal(reserved.status, 201, JSON.stringify(reserved.body));
    await until(() => level('PUB-00') === 6, 'the store shows the reservation taken off');
  });

  it('gives a slow store the latest value, not every value in between', async () => {
    await post(position('PUB-01', 1));
    await until(() => level('PUB-01') === 0, 'the first value');
    shop.faults.latencyMs = 400;
    const sentBefore = mutations();
    for (let n = 2; n <= 31; n++) await post(position('PUB-01', n));
    await until(() => level('PUB-01') === 30, 'the last value (31 less the safety stock)');
    const sent = mutations() - sentBefore;
    shop.faults.latencyMs = 0;
    assert.ok(sent < 10, `30 changes while the store was slow reached it as ${sent} updates`);
  });

  it('sends changes to zero before the bulk queued for the same store', async () => {
    const bulk = SKUS.slice(10, 30);
    // One batch: twenty SKUs from unknown to some stock (bulk), and PUB-00 to nothing (urgent).
    await post([...bulk.map((sku) => position(sku, 5)), position('PUB-00', 0)]);
    await until(() => level('PUB-00') === 0, 'PUB-00 at zero');
    const doneFirst = bulk.filter((sku) => level(sku) === 4).length;
    assert.ok(doneFirst <= 3, `the change to zero went before the bulk (${doneFirst} of ${bulk.length} bulk updates were there first)`);
    await until(() => bulk.every((sku) => level(sku) === 4), 'the bulk arrives too');
  });

  it('after a restart, still sends the latest value once the store is back, and only once per change waiting', async () => {
    shop.faults.down = true;
    await post(position('PUB-02', 7));
    await until(async () => ((await call('GET', '/v1/commands?target=webshop&status=pending')).body.commands as unknown[]).length > 0, 'the update waiting for the store');
    await hub.close();
    hub = await startHub(config, { announce: (text) => (admin = /(weft_key_\S+)/.exec(text)?.[1] ?? admin) });
    await post(position('PUB-02', 8));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const waiting = (await call('GET', '/v1/commands?target=webshop&status=pending')).body.commands as { key: string }[];
    assert.deepEqual(waiting.map((c) => c.key), [`avail:${inventoryKey('PUB-02', DC)}`], 'the restarted hub knows one update waits for that SKU and queues no second one');
    shop.faults.down = false;
    await until(() => level('PUB-02') === 7, 'the latest value (8 less the safety stock) after the first one went through', 60_000);
  });
});
