import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHub, type Hub } from '../../src/app/hub.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startNetSuiteSimulator, type NetSuiteSimulator } from '../../src/connectors/netsuite/index.ts';
import { exampleProduct } from '../../src/domain/events/example-objects.ts';
import type { Order } from '../../src/domain/order/order.schema.ts';
import { createIdGenerator } from '../../src/ports/clock.ts';
import { testWebOrder } from '../support/orders.ts';
import { apiCaller, until } from '../support/wait.ts';

// Order-to-cash's checks against the catalogue, through the API: products and prices come in as
// events (as the ERP's item and price sync would append them), and an order with a SKU the catalogue
// lacks, a price out of tolerance or a tax line that does not match its rate is held for a person,
// with every problem in the hold's note, and reaches the ERP only when the person releases it.

const dir = mkdtempSync(join(tmpdir(), 'weft-o2c-checks-'));
const ids = createIdGenerator();
const credentials = { consumerKey: 'ck-chk', consumerSecret: 'cs-chk-secret', tokenId: 'tok-chk', tokenSecret: 'ts-chk-secret' };
let erp: NetSuiteSimulator;
let hub: Hub;
let admin = '';
let guestId = '';
const call = apiCaller(() => hub.url, () => admin);

const SOLD = 'CHK-SOLD';
const GONE = 'CHK-GONE';
const productId = ids.next('product');

async function post(type: string, subject: string, data: unknown): Promise<void> {
  const answer = await call('POST', '/v1/events', { type, subject, data });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
}

/** A paid order of one unit of `sku` at `unitPrice` cents (29.00 by default), USD, tax on top. */
function order(n: number, sku: string, change: (o: Order) => Order = (o) => o): Order {
  const base = testWebOrder(ids, n, { prefix: 'CHK' });
  return change({ ...base, lines: base.lines.map((line) => ({ ...line, sku })) });
}

const stateOf = async (o: Order): Promise<string | undefined> => (await hub.store.processInstance('order-to-cash', o.id))?.state;
const salesOrders = (o: Order) => erp.records('salesOrder').filter((record) => record.externalId === o.id);
const holdNote = async (o: Order): Promise<string> => {
  const events = (await call('GET', `/v1/events?subject=${o.id}`)).body.events as { type: string; data: { note?: string; reason?: string } }[];
  const held = events.find((e) => e.type === 'weft.order.held.v1');
  return `${held?.data.reason}: ${held?.data.note}`;
};

before(async () => {
  erp = await startNetSuiteSimulator({ credentials });
  for (const sku of [SOLD, GONE]) erp.seed('inventoryItem', { itemId: sku, displayName: sku, externalId: `itm:${sku}` });
  const guest = erp.seed('customer', { entityId: 'Web guest', externalId: 'guest' });
  guestId = guest.id;
  const config = loadConfig({
    env: { WEFT_DATA_DIR: dir, WEFT_HTTP_PORT: '0', WEFT_LOG_LEVEL: 'silent', WEFT_DELIVERY_POLL_MS: '20' },
    overrides: {
      targets: { erp: { connector: 'netsuite', accountId: '1234567_SB1', baseUrl: erp.url, auth: credentials, defaultCustomerId: guest.id, subsidiaryId: '1', locationId: '1', requestsPerSecond: 200 } },
      processes: { orderToCash: { enabled: true, erp: 'erp', checks: { skus: true, priceTolerancePercent: 5, taxRates: true, customers: 'resolve_or_create' } } },
      // Customers Weft creates for guest orders go to the ERP, which the sales order then names.
      routes: [{ name: 'customers to the ERP', events: ['weft.customer.created.v1'], target: 'erp', action: 'upsertCustomer' }],
    },
  });
  hub = await startHub(config, { announce: (text) => (admin = /(weft_key_\S+)/.exec(text)?.[1] ?? admin) });
  // The catalogue as the ERP's sync appends it: one product, one item still sold, one discontinued; a USD web price.
  const [small, medium] = exampleProduct.items as [(typeof exampleProduct.items)[number], (typeof exampleProduct.items)[number]];
  await post('weft.product.upserted.v1', productId, {
    ...exampleProduct,
    id: productId,
    items: [
      { ...small, id: ids.next('item'), sku: SOLD, gtins: [], status: 'active' },
      { ...medium, id: ids.next('item'), sku: GONE, gtins: [], status: 'discontinued' },
    ],
  });
  const priceId = ids.next('price');
  await post('weft.price.set.v1', priceId, { id: priceId, sku: SOLD, scope: { channel: 'web' }, listPrice: { amount: 2900, currency: 'USD' }, taxIncluded: false, effectiveFrom: '2026-01-01T00:00:00.000Z', externalRefs: [] });
});

after(async () => {
  await hub?.close();
  await erp?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('order-to-cash checks orders against the catalogue', () => {
  it('lets a good order through to the ERP', async () => {
    const o = order(1, SOLD);
    await post('weft.order.captured.v1', o.id, o);
    await until(async () => (await stateOf(o)) === 'released', 'released');
    assert.equal(salesOrders(o).length, 1);
  });

  it('holds an order with a SKU the catalogue does not have, and one it no longer sells, naming both', async () => {
    const o = order(2, SOLD, (base) => ({ ...base, lines: [{ ...(base.lines[0] as Order['lines'][number]), sku: 'CHK-NEVER-HEARD-OF' }] }));
    await post('weft.order.captured.v1', o.id, o);
    await until(async () => (await stateOf(o)) === 'on_hold', 'on hold');
    assert.match(await holdNote(o), /^manual: .*\/lines\/0\/sku: CHK-NEVER-HEARD-OF is not in the catalogue/);
    const gone = order(3, GONE);
    await post('weft.order.captured.v1', gone.id, gone);
    await until(async () => (await stateOf(gone)) === 'on_hold', 'on hold');
    assert.match(await holdNote(gone), /CHK-GONE is discontinued/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual([salesOrders(o).length, salesOrders(gone).length], [0, 0], 'neither reached the ERP');
  });

  it('holds a price out of tolerance until a person releases it; a payment arriving does not lift it', async () => {
    const o = order(4, SOLD, (base) => {
      const line = base.lines[0] as Order['lines'][number];
      const cheap = { ...line, unitPrice: { amount: 2500, currency: 'USD' }, total: { amount: 2500, currency: 'USD' } };
      return { ...base, lines: [cheap], totals: { ...base.totals, subtotal: { amount: 2500, currency: 'USD' }, grandTotal: { amount: 3000, currency: 'USD' } }, payments: base.payments.map((p) => ({ ...p, amountAuthorized: { amount: 3000, currency: 'USD' } })) };
    });
    await post('weft.order.captured.v1', o.id, o);
    await until(async () => (await stateOf(o)) === 'on_hold', 'on hold');
    assert.match(await holdNote(o), /\/lines\/0\/unitPrice: 2500 differs from the catalogue's 2900 USD by more than 5 %/);
    await post('weft.order.payment_captured.v1', o.id, { orderId: o.id, paymentId: o.payments[0]?.id, amount: { amount: 3000, currency: 'USD' }, occurredAt: new Date().toISOString() });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(await stateOf(o), 'on_hold', 'money does not settle a price question');
    const task = ((await call('GET', `/v1/tasks?key=${o.id}&status=open`)).body.tasks as { id: string; kind: string }[])[0];
    assert.equal(task?.kind, 'order_hold');
    assert.equal((await call('POST', `/v1/tasks/${task?.id}/resolve`, { decision: 'release', note: 'price promised by the call centre' })).status, 200);
    await until(async () => (await stateOf(o)) === 'released', 'released by the person');
    assert.equal(salesOrders(o).length, 1);
  });

  it('holds an order whose tax line does not match its rate', async () => {
    const o = order(5, SOLD, (base) => {
      const line = base.lines[0] as Order['lines'][number];
      // 8.25 % of 29.00 is 2.39; the channel sent 0.29.
      const taxed = { ...line, taxes: [{ jurisdiction: 'US-WA', rate: 825, amount: { amount: 29, currency: 'USD' } }] };
      const grand = 2900 + 500 + 29;
      return { ...base, lines: [taxed], totals: { ...base.totals, taxTotal: { amount: 29, currency: 'USD' }, grandTotal: { amount: grand, currency: 'USD' } }, payments: base.payments.map((p) => ({ ...p, amountAuthorized: { amount: grand, currency: 'USD' } })) };
    });
    await post('weft.order.captured.v1', o.id, o);
    await until(async () => (await stateOf(o)) === 'on_hold', 'on hold');
    assert.match(await holdNote(o), /\/lines\/0\/taxes\/0\/amount: 29 is not 8.25 % of 2900/);
  });

  it('makes a guest order a customer\'s: the one with its email, or a new one the ERP gets first', async () => {
    const o = order(6, SOLD, (base) => ({ ...base, guestEmail: 'new.shopper@example.org' }));
    await post('weft.order.captured.v1', o.id, o);
    await until(async () => (await stateOf(o)) === 'released', 'released');
    const verdict = ((await call('GET', `/v1/events?subject=${o.id}`)).body.events as { type: string; data: { customerId?: string } }[]).find((e) => e.type === 'weft.order.validated.v1');
    const customerId = verdict?.data.customerId as string;
    assert.match(customerId, /^cus_/);
    const inErp = erp.records('customer').find((record) => record.externalId === customerId);
    assert.ok(inErp, 'the customer reached the ERP');
    assert.equal((salesOrders(o)[0]?.entity as { id?: string } | undefined)?.id, inErp.id, 'the sales order names the customer, not the guest account');
    assert.notEqual(inErp.id, guestId);

    const second = order(7, SOLD, (base) => ({ ...base, guestEmail: 'New.Shopper@example.org' }));
    await post('weft.order.captured.v1', second.id, second);
    await until(async () => (await stateOf(second)) === 'released', 'the second order released');
    assert.equal((salesOrders(second)[0]?.entity as { id?: string } | undefined)?.id, inErp.id, 'the same shopper again: the same customer');
    assert.equal(erp.records('customer').filter((record) => record.externalId === customerId).length, 1);
  });
});
