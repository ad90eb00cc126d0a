// cancelOrder against the simulator over real loopback HTTP: an authorised order is voided, a
// captured or paid one refunded in full, nothing restocked, the customer notified; a repeat is
// already_cancelled without a second mutation; a fulfilled order is refused terminally; the reason
// table; and the loop back: the orders/cancelled webhook Shopify sends for Weft's own cancellation
// still maps to weft.order.cancelled.v1 of the same order.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { validateEventData } from '../../../domain/events/validate.ts';
import { createHttpClient, idempotencyKeyOf, type ActionCommand, type ActionContext, type DeliveryTarget, type HttpClient } from '../../sdk/index.ts';
import { startRecordingServer, type RecordingServer } from '../../sdk/recording-server.ts';
import { memoryIdResolver, memoryXrefs, rejectsWith } from '../../sdk/testing.ts';
import { errorForUserErrors } from '../client.ts';
import { createShopifyTarget } from '../connector.ts';
import { mapOrderCancelled } from '../inbound/orders-lifecycle.mapping.ts';
import { parseShopifyTargetSettings } from '../settings.ts';
import { startShopifySimulator, type ShopifySimulator } from '../simulator.ts';
import { verifyShopifyWebhook } from '../webhooks.ts';
import { MAX_STAFF_NOTE, SHOPIFY_CANCEL_REASONS, staffNoteOf } from './cancel-order.action.ts';

const LOC = 'loc_01JD5GQAPENECFSECZP11HYGCP';
const SECRET = 'cancel-test-secret';
const silent = { debug() {}, info() {}, warn() {}, error() {} };
let seq = 0;

function cancelled(orderId: string, reason: string, extra: Record<string, unknown> = {}): ActionCommand {
  const data = { orderId, reason, occurredAt: '2026-11-23T10:00:00.000Z', ...extra };
  return { id: `cmd_01JDZZZZZZZZZZZZZZZZZZZC${String(++seq).padStart(2, '0')}`, target: 'shopify-demo', action: 'cancelOrder', key: orderId, payload: { type: 'weft.order.cancelled.v1', subject: orderId, data }, attempt: 1, createdAt: '2026-11-23T10:00:00Z', causationId: undefined, traceparent: undefined };
}


describe('cancelOrder against the simulator', () => {
  let sim: ShopifySimulator;
  let http: HttpClient;
  let target: DeliveryTarget;
  let hooks: RecordingServer;
  const operations: string[] = [];

  before(async () => {
    sim = await startShopifySimulator({ accessToken: 'shpat_test', clientSecret: SECRET });
    hooks = await startRecordingServer();
    sim.subscribe('orders/cancelled', `${hooks.url}/webhooks/shopify-demo`);
    http = createHttpClient({ timeoutMs: 5000 });
    // Records the operation names sent, to show what a repeat does not send.
    const recording: HttpClient = {
      request: (request, signal) => {
        operations.push(String((JSON.parse(String(request.body)) as { operationName?: string }).operationName));
        return http.request(request, signal);
      },
      close: async () => undefined,
    };
    const location = sim.addLocation('Berlin Mitte');
    const settings = parseShopifyTargetSettings('shopify-demo', { connector: 'shopify', shop: 'weft-demo', accessToken: 'shpat_test', baseUrl: sim.url, locations: { [LOC]: location } });
    target = createShopifyTarget('shopify-demo', settings, { http: recording });
  });
  after(async () => {
    await sim.drain();
    await http.close();
    await sim.close();
    await hooks.close();
  });

  const run = (cmd: ActionCommand, xrefs = memoryXrefs()) => {
    const context: ActionContext = { command: cmd, idempotencyKey: idempotencyKeyOf(cmd.id), http, xrefs, log: silent, clock: { now: () => 0 }, signal: new AbortController().signal };
    return target.actions.cancelOrder!.run(context);
  };
  const shopOrder = (id: string) => sim.state().orders.find((o) => o.id === id)!;
  async function linkedOrder(orderId: string, financialStatus: 'paid' | 'authorized') {
    const { order } = await sim.createOrder({ lines: [{ sku: 'JKT-4711-M-NVY', quantity: 1, price: '129.99' }], shippingPrice: '4.95', financialStatus });
    return { shopifyId: String(order.id), xrefs: memoryXrefs([[orderId, 'shopify-demo', 'order', String(order.id)]]) };
  }

  it('an authorised order (a pick-up not collected) is cancelled and its authorisation voided; nothing restocked, the customer told', async () => {
    const orderId = 'ord_01JDRSWVK182VYZ04SXWF6EA01';
    const { shopifyId, xrefs } = await linkedOrder(orderId, 'authorized');
    operations.length = 0;
    const result = await run(cancelled(orderId, 'not_collected', { note: 'not collected within 72 h at Berlin Mitte' }), xrefs);
    assert.equal(result.status, 'cancel_requested');
    assert.match(result.targetId ?? '', /^gid:\/\/shopify\/Job\//);
    assert.deepEqual(operations, ['WeftOrderCancelState', 'WeftCancelOrder'], 'found by its cross-reference, no tag search');
    const order = shopOrder(shopifyId);
    assert.ok(order.cancelledAt !== null);
    assert.equal(order.cancelReason, 'OTHER');
    assert.equal(order.financialStatus, 'VOIDED');
    assert.deepEqual(order.transactions.map((t) => [t.kind, t.amount]), [['AUTHORIZATION', 13494], ['VOID', 13494]]);
    assert.deepEqual(
      { ...order.cancellation, jobId: undefined },
      { refunded: 0, voided: 13494, staffNote: 'Weft: cancelled, not collected (2026-11-23T10:00:00.000Z) — not collected within 72 h at Berlin Mitte', restock: false, notifyCustomer: true, refundToOriginal: true, jobId: undefined },
    );
    assert.equal(order.cancellation?.jobId, result.targetId);
  });

  it('a captured order is refunded in full to the original payment method; a repeat is already_cancelled and sends no second mutation', async () => {
    const orderId = 'ord_01JDRSWVK182VYZ04SXWF6EA02';
    const { shopifyId, xrefs } = await linkedOrder(orderId, 'authorized');
    const capture = { ...cancelled(orderId, 'other'), action: 'capturePayment', payload: { type: 'weft.order.payment_captured.v1', data: { orderId, amount: { amount: 13494, currency: 'USD' } } } };
    await target.actions.capturePayment!.run({ command: capture, idempotencyKey: 'k', http, xrefs, log: silent, clock: { now: () => 0 }, signal: new AbortController().signal });
    assert.equal(shopOrder(shopifyId).financialStatus, 'PAID');

    const cmd = cancelled(orderId, 'out_of_stock');
    assert.equal((await run(cmd, xrefs)).status, 'cancel_requested');
    const order = shopOrder(shopifyId);
    assert.equal(order.financialStatus, 'REFUNDED');
    assert.equal(order.cancelReason, 'INVENTORY');
    const refund = order.transactions.find((t) => t.kind === 'REFUND');
    assert.deepEqual([refund?.amount, refund?.parentId], [13494, order.transactions.find((t) => t.kind === 'CAPTURE')?.id], 'the capture refunded, in full');
    assert.deepEqual([order.cancellation?.refunded, order.cancellation?.voided], [13494, 0]);

    operations.length = 0;
    const again = await run({ ...cmd, attempt: 2 }, xrefs);
    assert.deepEqual(again, { targetId: `gid://shopify/Order/${shopifyId}`, status: 'already_cancelled' });
    assert.deepEqual(operations, ['WeftOrderCancelState'], 'read, nothing sent');
    assert.equal(shopOrder(shopifyId).transactions.filter((t) => t.kind === 'REFUND').length, 1);
  });

  it('an order paid at checkout, found by its weft: tag, is refunded in full', async () => {
    const orderId = 'ord_01JDRSWVK182VYZ04SXWF6EA03';
    const { shopifyId } = await linkedOrder(orderId, 'paid');
    const tag = { ...cancelled(orderId, 'other'), action: 'tagOrder', payload: { type: 'weft.order.captured.v1', data: { id: orderId, externalRefs: [{ system: 'shopify-demo', id: shopifyId }] } } };
    await target.actions.tagOrder!.run({ command: tag, idempotencyKey: 'k', http, xrefs: memoryXrefs(), log: silent, clock: { now: () => 0 }, signal: new AbortController().signal });
    operations.length = 0;
    assert.equal((await run(cancelled(orderId, 'customer_request'))).status, 'cancel_requested');
    assert.deepEqual(operations, ['WeftFindOrderCancelState', 'WeftCancelOrder']);
    const order = shopOrder(shopifyId);
    assert.deepEqual([order.financialStatus, order.cancelReason, order.transactions.map((t) => t.kind)], ['REFUNDED', 'CUSTOMER', ['SALE', 'REFUND']]);
  });

  it('a fulfilled order is refused by Shopify, terminally, and stays as it was', async () => {
    const orderId = 'ord_01JDRSWVK182VYZ04SXWF6EA04';
    const { shopifyId, xrefs } = await linkedOrder(orderId, 'paid');
    sim.fulfillOrder(shopifyId);
    const refused = await rejectsWith(run(cancelled(orderId, 'customer_request'), xrefs), 'target_rejected', false);
    assert.match(refused.message, /WeftCancelOrder to shopify-demo: Shopify refused it: INVALID \(orderId\) Cannot cancel an order that has fulfillments/);
    const order = shopOrder(shopifyId);
    assert.deepEqual([order.cancelledAt, order.financialStatus, order.transactions.map((t) => t.kind)], [null, 'PAID', ['SALE']]);
  });

  it('a retry that read the order before its first attempt\'s job had run is answered already_cancelled, not refused', async () => {
    const orderId = 'ord_01JDRSWVK182VYZ04SXWF6EA08';
    const { shopifyId, xrefs } = await linkedOrder(orderId, 'authorized');
    const cmd = cancelled(orderId, 'customer_request');
    await run(cmd, xrefs);
    // The retry's first read is made stale, as while Shopify's job was still running.
    let stale = true;
    const staleHttp: HttpClient = {
      request: async (request, signal) => {
        const response = await http.request(request, signal);
        if (!stale || (JSON.parse(String(request.body)) as { operationName?: string }).operationName !== 'WeftOrderCancelState') return response;
        stale = false;
        const body = JSON.parse(response.body) as { data: { order: { cancelledAt: string | null } } };
        body.data.order.cancelledAt = null;
        return { ...response, body: JSON.stringify(body) };
      },
      close: async () => undefined,
    };
    const settings = parseShopifyTargetSettings('shopify-demo', { connector: 'shopify', shop: 'weft-demo', accessToken: 'shpat_test', baseUrl: sim.url });
    const racing = createShopifyTarget('shopify-demo', settings, { http: staleHttp });
    const retry = { ...cmd, attempt: 2 };
    const again = await racing.actions.cancelOrder!.run({ command: retry, idempotencyKey: idempotencyKeyOf(retry.id), http, xrefs, log: silent, clock: { now: () => 0 }, signal: new AbortController().signal });
    assert.deepEqual(again, { targetId: `gid://shopify/Order/${shopifyId}`, status: 'already_cancelled' });
    assert.equal(shopOrder(shopifyId).transactions.filter((t) => t.kind === 'VOID').length, 1);
  });

  it('an order neither linked nor tagged yet is retryable; a command that is not a cancellation is refused', async () => {
    const error = await rejectsWith(run(cancelled('ord_01JDRSWVK182VYZ04SXWF6EA05', 'other')), 'target_rejected', true);
    assert.equal(error.retryAfterSeconds, 30);
    await assert.rejects(run({ ...cancelled('ord_01JDRSWVK182VYZ04SXWF6EA05', 'other'), payload: { type: 'weft.order.held.v1', data: { orderId: 'ord_01JDRSWVK182VYZ04SXWF6EA05' } } }), (e: unknown) => (e as { code?: string }).code === 'command_invalid');
    await assert.rejects(run(cancelled('shopify-1', 'other')), (e: unknown) => (e as { code?: string }).code === 'command_invalid');
  });

  it('the orders/cancelled webhook of Weft\'s own cancellation is signed and maps to weft.order.cancelled.v1 of the same order', async () => {
    const orderId = 'ord_01JDRSWVK182VYZ04SXWF6EA06';
    const { shopifyId, xrefs } = await linkedOrder(orderId, 'authorized');
    await run(cancelled(orderId, 'out_of_stock'), xrefs);
    await sim.drain();
    const sent = sim.state().webhooks.filter((w) => w.orderId === shopifyId);
    assert.deepEqual(sent.map((w) => [w.topic, w.status]), [['orders/cancelled', 200]]);
    const request = hooks.requests.find((r) => r.headers['x-shopify-topic'] === 'orders/cancelled' && r.body.toString().includes(shopifyId));
    assert.ok(request !== undefined);
    const delivery = verifyShopifyWebhook(SECRET, { headers: request.headers, rawBody: request.body, notificationUrl: `${hooks.url}${request.url}`, requestUrl: request.url, receivedAtMs: 0 });
    const ids = memoryIdResolver();
    ids.link('order', shopifyId, orderId);
    const outcome = await mapOrderCancelled(delivery.payload, { system: 'shopify-demo', ids, settings: {} });
    assert.equal(outcome.kind, 'events');
    const [event] = outcome.kind === 'events' ? outcome.events : [];
    assert.deepEqual([event?.type, event?.subject, (event?.data as { reason?: string }).reason, (event?.data as { note?: string }).note], ['weft.order.cancelled.v1', orderId, 'out_of_stock', 'Shopify cancel_reason: inventory']);
    assert.deepEqual(validateEventData(event!.type, event!.subject, event!.data), { ok: true });
    assert.equal((delivery.payload as { financial_status?: string }).financial_status, 'voided');
  });

  it('the preview shows both look-ups and the mutation with refundMethod, restock false and notifyCustomer, and sends nothing', async () => {
    const before = sim.requests();
    const previews = await target.actions.cancelOrder!.preview(cancelled('ord_01JDRSWVK182VYZ04SXWF6EA07', 'fraud'));
    assert.equal(sim.requests(), before);
    assert.deepEqual(previews.map((p) => (JSON.parse(p.body ?? '{}') as { operationName?: string }).operationName), ['WeftOrderCancelState', 'WeftFindOrderCancelState', 'WeftCancelOrder']);
    const { variables } = JSON.parse(previews[2]!.body ?? '{}') as { variables: Record<string, unknown> };
    assert.deepEqual(variables, { orderId: '<order found by the lookup>', reason: 'FRAUD', refundMethod: { originalPaymentMethodsRefund: true }, restock: false, notifyCustomer: true, staffNote: 'Weft: cancelled, fraud (2026-11-23T10:00:00.000Z)' });
  });
});

describe('cancelOrder reasons and notes', () => {
  it('maps every Weft cancellation reason to Shopify\'s OrderCancelReason', () => {
    assert.deepEqual(SHOPIFY_CANCEL_REASONS, {
      customer_request: 'CUSTOMER',
      payment_declined: 'DECLINED',
      fraud: 'FRAUD',
      out_of_stock: 'INVENTORY',
      not_collected: 'OTHER',
      address_invalid: 'OTHER',
      other: 'OTHER',
    });
  });

  it('an INTERNAL_ERROR orderCancelUserError is retried, other codes are terminal', () => {
    assert.deepEqual([errorForUserErrors([{ field: null, message: 'Unexpected internal error happened.', code: 'INTERNAL_ERROR' }], 'x')?.retryable, errorForUserErrors([{ field: ['orderId'], message: 'no', code: 'NO_REFUND_PERMISSION' }], 'x')?.retryable], [true, false]);
  });

  it('cuts a long staff note instead of having Shopify refuse it', () => {
    const note = staffNoteOf({ reason: 'other', note: 'x'.repeat(1000), occurredAt: '2026-11-23T10:00:00.000Z' });
    assert.equal(note.length, MAX_STAFF_NOTE);
    assert.ok(note.endsWith('…'));
  });
});
