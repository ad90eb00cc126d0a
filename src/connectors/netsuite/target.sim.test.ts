import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { exampleEvent } from '../../domain/events/examples.ts';
import { TargetError } from '../../errors/index.ts';
import { createHttpClient, type ActionCommand, type ActionContext, type DeliveryTarget } from '../sdk/index.ts';
import { startNetSuiteSimulator, type NetSuiteSimulator } from './simulator.ts';
import { createNetSuiteTarget } from './target.ts';
import { memoryXrefs } from '../sdk/testing.ts';

// The actions against the simulator over loopback HTTP: every request is signed and verified,
// so these also prove the signing matches what the simulator recomputes.

const credentials = { consumerKey: 'ck-test', consumerSecret: 'cs-very-secret', tokenId: 'tok-test', tokenSecret: 'ts-very-secret' };
const http = createHttpClient({});
let sim: NetSuiteSimulator;
let target: DeliveryTarget;
let nonce = 0;
const settingsFor = (url: string, auth = credentials) => ({
  connector: 'netsuite',
  accountId: '1234567_SB1',
  baseUrl: url,
  auth,
  subsidiaryId: '1',
  discountItemId: '100',
  defaultCustomerId: '901',
  adjustmentAccountId: '150',
  locationId: '2',
  currencies: { '4': 'EUR' },
});

before(async () => {
  sim = await startNetSuiteSimulator({ credentials });
});
after(async () => {
  await sim.close();
  await http.close();
});
beforeEach(async () => {
  await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
  sim.faults.latencyMs = 0;
  const discount = sim.seed('inventoryItem', { itemId: 'DISCOUNT', externalId: 'discount' });
  assert.equal(discount.id, '100');
  target = createNetSuiteTarget('erp', settingsFor(sim.url), { http, signing: { nonce: () => `n${++nonce}` } });
});

function command(action: string, type: string, data?: Record<string, unknown>): ActionCommand {
  const event = structuredClone(exampleEvent(type));
  const payload = data === undefined ? event : { ...event, data: { ...(event.data as object), ...data } };
  return { id: `cmd_${action}`, target: 'erp', action, key: 'k', payload, attempt: 1, createdAt: '2026-11-20T09:14:04.000Z', causationId: undefined, traceparent: undefined };
}
function context(cmd: ActionCommand): ActionContext {
  const log = { debug() {}, info() {}, warn() {}, error() {} };
  return { command: cmd, idempotencyKey: `weft-${cmd.id}`, http, xrefs: memoryXrefs(), log, clock: { now: Date.now }, signal: new AbortController().signal };
}
const run = (t: DeliveryTarget, cmd: ActionCommand) => (t.actions[cmd.action] as NonNullable<DeliveryTarget['actions'][string]>).run(context(cmd));

async function seedCatalogue(): Promise<void> {
  await run(target, command('upsertCustomer', 'weft.customer.created.v1'));
  await run(target, command('upsertInventoryItems', 'weft.product.upserted.v1'));
  // The T-shirt of the example order is not in the example product: a NetSuite user made it.
  if (!sim.records('inventoryItem').some((item) => item.itemId === 'TSH-0815-L-WHT')) sim.seed('inventoryItem', { itemId: 'TSH-0815-L-WHT' });
}

test('upsertSalesOrder creates one sales order whose totals match the order, linked by external id', async () => {
  await seedCatalogue();
  const order = exampleEvent('weft.order.captured.v1').data as { id: string; totals: Record<string, { amount: number }>; lines: { id: string }[] };
  const result = await run(target, command('upsertSalesOrder', 'weft.order.captured.v1'));
  const [so, ...others] = sim.records('salesOrder');
  assert.equal(others.length, 0);
  assert.ok(so);
  assert.equal(result.targetId, so.id);
  assert.deepEqual(result.xref, { entity: 'order', canonicalId: order.id });
  assert.equal(so.externalId, order.id);
  assert.equal((so.entity as { id: string }).id, sim.records('customer')[0]?.id);
  assert.deepEqual((so.currency as { id: string }).id, '4');
  // Minor units → NetSuite decimals → back: 15697 - 500 + 495 = 15692.
  assert.equal(so.subtotal, '156.97');
  assert.equal(so.discountTotal, '-5.00');
  assert.equal(so.shippingCost, '4.95');
  assert.equal(so.total, (order.totals.grandTotal?.amount ?? 0) / 100 + '');
  assert.deepEqual((so.item as { items: Record<string, unknown>[] }).items.map((line) => line.custcol_weft_line_id), order.lines.map((line) => line.id));
});

test('a retried upsertSalesOrder (same command twice, or a lost answer) leaves one sales order', async () => {
  await seedCatalogue();
  const first = await run(target, command('upsertSalesOrder', 'weft.order.captured.v1'));
  const second = await run(target, command('upsertSalesOrder', 'weft.order.captured.v1'));
  assert.equal(sim.records('salesOrder').length, 1);
  assert.equal(first.targetId, second.targetId);
});

test('closeSalesOrder closes every line of a cancelled order\'s sales order once; an order NetSuite never got has nothing to close', async () => {
  await seedCatalogue();
  await run(target, command('upsertSalesOrder', 'weft.order.captured.v1'));
  const orderId = (structuredClone(exampleEvent('weft.order.captured.v1')).data as { id: string }).id;
  const cancel = command('closeSalesOrder', 'weft.order.cancelled.v1', { orderId });
  assert.equal((await run(target, cancel)).status, 'closed');
  const [salesOrder] = sim.records('salesOrder');
  assert.equal(salesOrder?.status, 'Closed');
  assert.ok(((salesOrder?.item as { items: { isClosed?: boolean }[] }).items).every((line) => line.isClosed === true));
  assert.equal((await run(target, cancel)).status, 'already_closed', 'closing again changes nothing');
  assert.equal((await run(target, command('closeSalesOrder', 'weft.order.cancelled.v1', { orderId: 'ord_01JDS0000000000000000000ZZ' }))).status, 'not_found');
});

test('closeLines lowers a line by its cancelled units and closes a line left with nothing; the invoice then bills only the rest; a retry changes nothing', async () => {
  await seedCatalogue();
  await run(target, command('upsertSalesOrder', 'weft.order.captured.v1'));
  const order = structuredClone(exampleEvent('weft.order.captured.v1')).data as { id: string; lines: { id: string; quantity: number }[] };
  const [first, second] = order.lines as [{ id: string; quantity: number }, { id: string; quantity: number }];
  const close = command('closeLines', 'weft.order.line_cancelled.v1', {
    orderId: order.id,
    lines: [
      { lineId: first.id, quantity: first.quantity, orderedQuantity: first.quantity },
      { lineId: second.id, quantity: 1, orderedQuantity: second.quantity },
    ],
  });
  assert.equal((await run(target, close)).status, 'updated');
  const lines = (sim.records('salesOrder')[0]?.item as { items: { isClosed?: boolean; quantity: number }[] }).items;
  assert.deepEqual([lines[0]?.isClosed, lines[1]?.quantity], [true, second.quantity - 1]);
  assert.equal((await run(target, close)).status, 'already_done', 'setting the same quantities again changes nothing');
  await run(target, command('invoiceSalesOrder', 'weft.order.completed.v1', { orderId: order.id, occurredAt: '2026-11-23T12:00:00.000Z' }));
  const billed = (sim.records('invoice')[0]?.item as { items: { quantity: number }[] }).items.map((item) => item.quantity);
  assert.deepEqual(billed, [second.quantity - 1], 'the closed line is not billed, the lowered one only for what is left');
});

test('fulfilSalesOrder transforms the sales order once; a retry finds it by external id (lookup)', async () => {
  await seedCatalogue();
  await run(target, command('upsertSalesOrder', 'weft.order.captured.v1'));
  const first = await run(target, command('fulfilSalesOrder', 'weft.shipment.dispatched.v1'));
  const second = await run(target, command('fulfilSalesOrder', 'weft.shipment.dispatched.v1'));
  const fulfilments = sim.records('itemFulfillment');
  assert.equal(fulfilments.length, 1);
  assert.equal(first.status, 'created');
  assert.equal(second.status, 'already_exists');
  assert.equal(second.targetId, fulfilments[0]?.id);
  const shipment = exampleEvent('weft.shipment.dispatched.v1').data as { id: string };
  assert.equal(fulfilments[0]?.externalId, shipment.id);
  assert.equal((fulfilments[0]?.createdFrom as { id: string }).id, sim.records('salesOrder')[0]?.id);
});

test('invoiceSalesOrder bills the order once and the invoice total is the order total', async () => {
  await seedCatalogue();
  await run(target, command('upsertSalesOrder', 'weft.order.captured.v1'));
  const orderId = (exampleEvent('weft.order.captured.v1').data as { id: string }).id;
  await run(target, command('invoiceSalesOrder', 'weft.order.completed.v1', { orderId }));
  await run(target, command('invoiceSalesOrder', 'weft.order.completed.v1', { orderId }));
  const invoices = sim.records('invoice');
  assert.equal(invoices.length, 1);
  assert.equal(invoices[0]?.total, sim.records('salesOrder')[0]?.total);
});

const orderIdOf = () => (exampleEvent('weft.order.captured.v1').data as { id: string }).id;
const payment = (amount: number) => command('recordPayment', 'weft.order.payment_captured.v1', { orderId: orderIdOf(), amount: { amount, currency: 'EUR' } });
async function invoicedOrder(): Promise<void> {
  await seedCatalogue();
  await run(target, command('upsertSalesOrder', 'weft.order.captured.v1'));
  await run(target, command('invoiceSalesOrder', 'weft.order.completed.v1', { orderId: orderIdOf() }));
}

test('recordPayment applies the payment to the order\'s invoice once: a retry finds it, and the invoice is Paid In Full', async () => {
  await invoicedOrder();
  const [invoice] = sim.records('invoice');
  assert.deepEqual([invoice?.total, invoice?.amountRemaining, invoice?.status], ['156.92', '156.92', { id: 'A', refName: 'Open' }]);
  const first = await run(target, payment(15692));
  const again = await run(target, payment(15692));
  assert.equal(first.status, 'created');
  assert.deepEqual([again.status, again.targetId], ['already_exists', first.targetId]);
  const [record, ...more] = sim.records('customerPayment');
  assert.equal(more.length, 0);
  assert.equal(record?.id, first.targetId);
  assert.equal(record?.externalId, `${orderIdOf()}-payment`);
  assert.deepEqual([record?.payment, record?.applied, record?.unapplied], ['156.92', '156.92', '0.00']);
  assert.deepEqual((record?.customer as { id: string }).id, (invoice?.entity as { id: string }).id);
  assert.deepEqual((record?.apply as { items: { doc: { id: string }; amount: string }[] }).items.map((line) => [line.doc.id, line.amount]), [[invoice?.id, '156.92']]);
  const paid = sim.records('invoice')[0];
  assert.deepEqual([paid?.amountPaid, paid?.amountRemaining, paid?.status], ['156.92', '0.00', { id: 'B', refName: 'Paid In Full' }]);
});

test('recordPayment before the invoice exists is retryable and creates nothing; a part payment leaves the invoice open with the rest due', async () => {
  await seedCatalogue();
  await run(target, command('upsertSalesOrder', 'weft.order.captured.v1'));
  await assert.rejects(run(target, payment(10000)), (error: unknown) => {
    assert.ok(error instanceof TargetError);
    assert.deepEqual([error.code, error.retryable, error.retryAfterSeconds], ['target_rejected', true, 60]);
    assert.match(error.message, /no invoice with external id ord_\w+-invoice yet/);
    return true;
  });
  assert.equal(sim.records('customerPayment').length, 0);
  await run(target, command('invoiceSalesOrder', 'weft.order.completed.v1', { orderId: orderIdOf() }));
  assert.equal((await run(target, payment(10000))).status, 'created');
  const invoice = sim.records('invoice')[0];
  assert.deepEqual([invoice?.amountPaid, invoice?.amountRemaining, invoice?.status], ['100.00', '56.92', { id: 'A', refName: 'Open' }]);
});

test('recordPayment applies no more than the invoice has due (the rest stays unapplied); an invoice paid in NetSuite is already_paid', async () => {
  await invoicedOrder();
  await run(target, payment(20000));
  const [record] = sim.records('customerPayment');
  assert.deepEqual([record?.payment, record?.applied, record?.unapplied], ['200.00', '156.92', '43.08']);
  assert.deepEqual(sim.records('invoice')[0]?.status, { id: 'B', refName: 'Paid In Full' });
  // Paid by hand: the invoice has nothing due, and there is no payment of Weft's to find.
  await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
  sim.seed('inventoryItem', { itemId: 'DISCOUNT', externalId: 'discount' });
  await invoicedOrder();
  const invoice = sim.records('invoice')[0] as Record<string, unknown>;
  Object.assign(invoice, { amountPaid: invoice.total, amountRemaining: '0.00', status: { id: 'B', refName: 'Paid In Full' } });
  const result = await run(target, payment(15692));
  assert.deepEqual([result.status, result.targetId], ['already_paid', invoice.id]);
  assert.equal(sim.records('customerPayment').length, 0);
});

test('the recordPayment preview shows the look-ups and the transform in decimals, and sends nothing', async () => {
  const before = sim.requests();
  const previews = await (target.actions.recordPayment as NonNullable<DeliveryTarget['actions'][string]>).preview(payment(15692));
  assert.equal(sim.requests(), before);
  assert.deepEqual(previews.map((p) => `${p.method} ${decodeURIComponent(new URL(p.url).pathname)}`), [
    'POST /services/rest/query/v1/suiteql',
    `GET /services/rest/record/v1/invoice/eid:${orderIdOf()}-invoice`,
    `POST /services/rest/record/v1/invoice/<internal id of invoice ${orderIdOf()}-invoice>/!transform/customerPayment`,
  ]);
  assert.deepEqual((JSON.parse(previews[2]?.body ?? '{}') as { payment: string }).payment, '156.92');
});

test('authorizeReturn and recordCashRefund chain by external ids: one RMA, one cash refund, retries find them', async () => {
  await seedCatalogue();
  await run(target, command('upsertSalesOrder', 'weft.order.captured.v1'));
  const ret = exampleEvent('weft.return.requested.v1').data as { id: string };
  await run(target, command('authorizeReturn', 'weft.return.requested.v1'));
  await run(target, command('authorizeReturn', 'weft.return.requested.v1'));
  const [rma, ...moreRmas] = sim.records('returnAuthorization');
  assert.equal(moreRmas.length, 0);
  assert.equal(rma?.externalId, ret.id);
  assert.deepEqual((rma?.item as { items: { quantity: number }[] }).items.map((line) => line.quantity), [1]);
  const refund = { returnId: ret.id };
  const first = await run(target, command('recordCashRefund', 'weft.refund.issued.v1', refund));
  const again = await run(target, command('recordCashRefund', 'weft.refund.issued.v1', refund));
  assert.equal(sim.records('cashRefund').length, 1);
  assert.equal(again.status, 'already_exists');
  assert.equal(again.targetId, first.targetId);
});

test('adjustInventory writes one adjustment per movement, however often it is sent', async () => {
  await seedCatalogue();
  const cmd = command('adjustInventory', 'weft.inventory.adjusted.v1');
  const data = (cmd.payload as { data: { locationId: string; sku: string } }).data;
  if (!sim.records('inventoryItem').some((item) => item.itemId === data.sku)) sim.seed('inventoryItem', { itemId: data.sku });
  await run(target, cmd);
  await run(target, cmd);
  assert.equal(sim.records('inventoryAdjustment').length, 1);
});

test('an unknown SKU is a terminal target_rejected naming the SKU, and nothing is created', async () => {
  sim.seed('customer', { externalId: 'x', lastName: 'x' });
  await assert.rejects(run(target, command('upsertSalesOrder', 'weft.order.captured.v1')), (error: unknown) => {
    assert.ok(error instanceof TargetError);
    assert.equal(error.code, 'target_rejected');
    assert.equal(error.retryable, false);
    assert.match(error.message, /JKT-4711-M-NVY/);
    return true;
  });
  assert.equal(sim.records('salesOrder').length, 0);
});

test('a NetSuite 400 (invalid reference) is terminal and quotes NetSuite\'s detail and path', async () => {
  const broken = createNetSuiteTarget('erp', { ...settingsFor(sim.url), subsidiaryId: undefined, defaultCustomerId: '999999' }, { http });
  sim.seed('inventoryItem', { itemId: 'JKT-4711-M-NVY' });
  sim.seed('inventoryItem', { itemId: 'TSH-0815-L-WHT' });
  const cmd = command('upsertSalesOrder', 'weft.order.captured.v1');
  delete (cmd.payload as { data: { customerId?: string } }).data.customerId;
  await assert.rejects(run(broken, cmd), (error: unknown) => {
    assert.ok(error instanceof TargetError);
    assert.equal(error.code, 'target_rejected');
    assert.equal(error.targetStatus, 400);
    assert.match(error.message, /INVALID_CONTENT: .*Invalid Field Value "999999" for the following field: entity/);
    return true;
  });
});

test('wrong credentials answer 401 INVALID_LOGIN: target_auth_failed, not retried, no secret in the message', async () => {
  const wrong = createNetSuiteTarget('erp', settingsFor(sim.url, { ...credentials, tokenSecret: 'wrong-token-secret' }), { http });
  await assert.rejects(run(wrong, command('upsertCustomer', 'weft.customer.created.v1')), (error: unknown) => {
    assert.ok(error instanceof TargetError);
    assert.equal(error.code, 'target_auth_failed');
    assert.equal(error.retryable, false);
    assert.match(error.message, /INVALID_LOGIN/);
    assert.doesNotMatch(error.message, /very-secret|wrong-token-secret/);
    return true;
  });
  assert.equal(sim.records('customer').length, 0);
});

test('above the account concurrency limit NetSuite answers 429: target_throttled, retryable', async () => {
  const small = await startNetSuiteSimulator({ credentials, concurrencyLimit: 1 });
  try {
    small.faults.latencyMs = 150;
    const t = createNetSuiteTarget('erp', settingsFor(small.url), { http });
    const results = await Promise.allSettled([run(t, command('upsertCustomer', 'weft.customer.created.v1')), run(t, command('upsertCustomer', 'weft.customer.created.v1'))]);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(rejected.length, 1);
    const error = rejected[0]?.reason as TargetError;
    assert.equal(error.code, 'target_throttled');
    assert.equal(error.retryable, true);
    assert.match(error.message, /CONCURRENCY_LIMIT_EXCEEDED/);
    assert.equal(small.peakInFlight(), 1);
  } finally {
    await small.close();
  }
});

test('the target budget takes the account concurrency limit from the settings (default 5)', () => {
  assert.equal(target.rateLimit.maxConcurrency, 5);
  assert.equal(createNetSuiteTarget('erp', { ...settingsFor(sim.url), maxConcurrency: 15 }, { http }).rateLimit.maxConcurrency, 15);
});

test('preview shows the look-ups and the upsert with Authorization masked and sends nothing', async () => {
  const before = sim.requests();
  const previews = await (target.actions.upsertSalesOrder as NonNullable<DeliveryTarget['actions'][string]>).preview(command('upsertSalesOrder', 'weft.order.captured.v1'));
  assert.equal(sim.requests(), before);
  assert.deepEqual(previews.map((p) => `${p.method} ${new URL(p.url).pathname}`), ['POST /services/rest/query/v1/suiteql', 'POST /services/rest/query/v1/suiteql', `PUT /services/rest/record/v1/salesOrder/eid:${(exampleEvent('weft.order.captured.v1').data as { id: string }).id}`]);
  for (const preview of previews) {
    assert.equal(preview.headers.authorization, 'OAuth ***');
    assert.doesNotMatch(JSON.stringify(preview), /very-secret|ck-test|tok-test/);
  }
});

test('the Location header of a 204 is the receipt: the new record\'s internal id', async () => {
  const result = await run(target, command('upsertCustomer', 'weft.customer.created.v1'));
  assert.match(result.targetId ?? '', /^[0-9]+$/);
  assert.equal(result.targetId, sim.records('customer')[0]?.id);
});
