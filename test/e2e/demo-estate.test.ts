import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDemoHub, type DemoHub } from '../../src/app/demo/run.ts';
import { loadConfig } from '../../src/config/load.ts';

// The demo estate for a bounded time: shoppers order in the Shopify simulator and buy at the
// Square tills; the hub takes their webhooks in and delivers to the NetSuite and ShipStation
// simulators; the warehouse ships and the shipments go back to the web store and the ERP. Then
// the systems must agree: every web order is in the ERP once, with the web store's total; every
// till sale is in the ERP once; every shipped web order is fulfilled in the web store; nothing
// was dead-lettered and no webhook was refused.

const dir = mkdtempSync(join(tmpdir(), 'weft-demo-'));
let demo: DemoHub;
let admin = '';
const RUN_MS = 8_000;

const cents = (text: unknown): number => Math.round(Number(text) * 100);

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

before(async () => {
  const config = loadConfig({ env: { WEFT_DATA_DIR: dir, WEFT_HTTP_PORT: '0', WEFT_LOG_LEVEL: 'silent', WEFT_DELIVERY_POLL_MS: '50', WEFT_DELIVERY_ROUTER_POLL_MS: '50' } });
  demo = await startDemoHub(config, { rate: 6, seed: 20261123, announce: (text) => (admin = /(weft_key_\S+)/.exec(text)?.[1] ?? admin) });
});

after(async () => {
  await demo?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the demo estate', () => {
  it('keeps the web store, the tills, the ERP, the warehouse and the CRM in step', async () => {
    await new Promise((resolve) => setTimeout(resolve, RUN_MS));
    // The shoppers and the warehouse stop; every webhook they sent has been answered.
    await demo.traffic.stop();
    const { webshop, pos, erp, warehouse, crm } = demo.estate.simulators;
    const store = demo.hub.store;
    const traffic = demo.traffic.stats();
    assert.ok(traffic.webOrders + traffic.pickupOrders >= 5, `enough web orders to mean something: ${JSON.stringify(traffic)}`);
    assert.ok(traffic.posSales >= 3, `enough till sales: ${JSON.stringify(traffic)}`);
    assert.equal(traffic.failures, 0, `every webhook was answered 2xx: ${traffic.lastFailure ?? ''}`);

    const webOrders = () => webshop.state().orders;
    const salesOrders = () => erp.records('salesOrder');
    const erpOrderOf = async (system: string, vendorId: string) => {
      const canonical = await store.resolveXref('order', system, vendorId);
      return { canonical, records: canonical === undefined ? [] : salesOrders().filter((record) => record.externalId === canonical) };
    };
    // Everything in flight settles: each web order and till sale reaches the ERP.
    await until(async () => {
      for (const order of webOrders()) if ((await erpOrderOf('webshop', order.id)).records.length === 0) return false;
      for (const sale of pos.state().orders) if ((await erpOrderOf('pos', String(sale.id))).records.length === 0) return false;
      return true;
    }, 'every order in the ERP');

    for (const order of webOrders()) {
      const { canonical, records } = await erpOrderOf('webshop', order.id);
      assert.equal(records.length, 1, `web order ${order.name} (${canonical}) is in the ERP once`);
      const full = (await store.readSubject(canonical as string, { limit: 10 })).find((event) => event.type === 'weft.order.captured.v1');
      const grandTotal = (full?.data as { totals: { grandTotal: { amount: number } } }).totals.grandTotal.amount;
      assert.equal(cents(records[0]?.total), grandTotal, `web order ${order.name}: ERP total equals the web store's`);
    }
    for (const sale of pos.state().orders) {
      const { canonical, records } = await erpOrderOf('pos', String(sale.id));
      assert.equal(records.length, 1, `till sale ${String(sale.id)} (${canonical}) is in the ERP once`);
      const captured = (await store.readSubject(canonical as string, { limit: 10 })).find((event) => event.type === 'weft.order.captured.v1');
      const totals = (captured?.data as { totals: { grandTotal: { amount: number }; taxTotal: { amount: number } } }).totals;
      // NetSuite computes tax with its own engine; the simulator leaves it out, so compare before tax.
      assert.equal(cents(records[0]?.total), totals.grandTotal.amount - totals.taxTotal.amount, `till sale ${String(sale.id)}: ERP total equals the till's before tax`);
      assert.equal(totals.grandTotal.amount, Number((sale.total_money as { amount: number }).amount), 'the till total is the captured grand total');
    }
    // Shipped orders: the warehouse shipped them, the web store and the ERP record the fulfilment.
    await until(() => warehouse.state().shipments.length >= 1, 'a shipment');
    // Settled: every event routed, every command delivered.
    await until(
      async () => {
        const last = await store.lastPosition();
        return (
          (await store.checkpoint('delivery.router')) === last &&
          (await store.checkpoint('process:order-to-cash')) === last &&
          (await store.listCommands({ status: 'pending', limit: 1 })).length === 0
        );
      },
      'every event routed, every process step taken and every command delivered',
      90_000,
    );
    const shippedKeys = new Set(warehouse.state().orders.filter((o) => o.orderStatus === 'shipped').map((o) => o.orderKey));
    for (const orderKey of shippedKeys) {
      const salesOrder = salesOrders().find((record) => record.externalId === orderKey);
      const fulfilled = erp.records('itemFulfillment').filter((record) => (record.createdFrom as { id?: string } | undefined)?.id === salesOrder?.id);
      assert.equal(fulfilled.length, 1, `shipped order ${orderKey} has one item fulfilment in the ERP`);
    }
    const shopFulfilments = webshop.state().orders.filter((order) => order.fulfillments.length > 0).length;
    assert.ok(shopFulfilments >= shippedKeys.size, `every shipped web order is fulfilled in the web store (${shopFulfilments} of ${shippedKeys.size})`);
    assert.deepEqual(await store.listCommands({ status: 'dead', limit: 10 }), [], 'nothing was dead-lettered');
    assert.deepEqual(await store.listRejections({ limit: 10 }), [], 'no webhook was refused or left unmapped');
    assert.deepEqual(await store.listTasks({ status: 'open', limit: 10 }), [], 'nothing waits for a person: every order was paid');

    // Order-to-cash: every till sale and every shipped ship-only web order is invoiced in the ERP and completed.
    const invoices = erp.records('invoice');
    const billed = async (orderId: string) => {
      const salesOrder = salesOrders().find((record) => record.externalId === orderId);
      return invoices.filter((invoice) => (invoice.createdFrom as { id?: string } | undefined)?.id === salesOrder?.id).length;
    };
    for (const sale of pos.state().orders) {
      const orderId = (await store.resolveXref('order', 'pos', String(sale.id))) as string;
      assert.equal((await store.processInstance('order-to-cash', orderId))?.state, 'completed', `till sale ${String(sale.id)} completed`);
      assert.equal(await billed(orderId), 1, `till sale ${String(sale.id)} invoiced once`);
    }
    let completedWeb = 0;
    for (const orderKey of shippedKeys) {
      const instance = await store.processInstance('order-to-cash', orderKey);
      const data = (instance?.data as { data: { toCollect: string[] } }).data;
      if (data.toCollect.length > 0) continue; // a pick-up group still waits at its store
      assert.equal(instance?.state, 'completed', `shipped web order ${orderKey} completed`);
      assert.equal(await billed(orderKey), 1, `shipped web order ${orderKey} invoiced once`);
      const shopifyId = (await store.xrefsOf(orderKey)).find((x) => x.entity === 'order' && x.system === 'webshop')?.externalId;
      await until(() => webshop.state().orders.find((o) => o.id === shopifyId)?.note?.startsWith('Weft: completed') === true, `the web store shows ${orderKey} completed`);
      assert.equal(webshop.state().orders.find((o) => o.id === shopifyId)?.financialStatus, 'PAID', `the card of ${orderKey} was captured at the web store`);
      assert.equal(erp.records('customerPayment').filter((payment) => payment.externalId === `${orderKey}-payment`).length, 1, `the payment of ${orderKey} is in the ERP once`);
      await until(() => crm.records().some((record) => record.Weft_Order_Id__c === orderKey && record.Status__c === 'completed'), `the CRM shows ${orderKey} completed`);
      completedWeb++;
    }
    assert.ok(completedWeb >= 1, 'at least one web order went all the way');

    // One shipped web order, asked for by its Shopify id: every system's view, in step, with its history.
    const shippedKey = [...shippedKeys][0] as string;
    const shopifyId = (await store.xrefsOf(shippedKey)).find((x) => x.entity === 'order' && x.system === 'webshop')?.externalId;
    assert.ok(shopifyId, 'the shipped order came from the web store');
    const response = await fetch(`${demo.url}/v1/orders/${shopifyId}`, { headers: { authorization: `Bearer ${admin}` } });
    assert.equal(response.status, 200);
    const view = (await response.json()) as { id: string; inStep: boolean; shipments: string[]; systems: { system: string; ids: string[]; inStep: boolean; commands: { done: number } }[]; history: { kind: string; type?: string }[] };
    assert.equal(view.id, shippedKey);
    assert.equal(view.inStep, true);
    assert.deepEqual(view.systems.map((s) => s.system), ['crm', 'erp', 'warehouse', 'webshop', 'weft-inventory', 'weft-order-checks']);
    assert.ok(view.systems.every((s) => s.commands.done >= 1 && s.inStep), JSON.stringify(view.systems));
    assert.deepEqual(view.systems.find((s) => s.system === 'webshop')?.ids, [shopifyId]);
    assert.equal(view.shipments.length, 1, 'the shipment is part of the view');
    assert.ok((view.systems.find((s) => s.system === 'erp')?.commands.done ?? 0) >= 3, 'the ERP got the sales order, the fulfilment of the shipment and the invoice');
    assert.ok(view.history.some((h) => h.type === 'weft.order.captured.v1'));
    assert.equal((await fetch(`${demo.url}/v1/orders/no-such-order`, { headers: { authorization: `Bearer ${admin}` } })).status, 404);
  });
});
