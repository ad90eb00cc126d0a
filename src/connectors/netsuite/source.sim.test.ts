import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { exampleEvent } from '../../domain/events/examples.ts';
import { validateEventData } from '../../domain/events/validate.ts';
import { WebhookError } from '../../errors/index.ts';
import { createHttpClient, type ActionCommand, type DeliveryTarget, type WebhookRequest } from '../sdk/index.ts';
import { createNetSuiteClient } from './client.ts';
import { testIds } from './inbound/test-ids.ts';
import { parseNetSuiteSettings, type NetSuiteSettings } from './settings.ts';
import { startNetSuiteSimulator, TIMESTAMP_WINDOW_SECONDS, type NetSuiteSimulator } from './simulator.ts';
import { createNetSuiteSource } from './source.ts';
import { createNetSuiteTarget } from './target.ts';
import { memoryXrefs } from '../sdk/testing.ts';

// Polling against the simulator, end to end (order written by the target, invoiced, polled back,
// mapped, validated), and the simulator's token-based authentication checks.

const credentials = { consumerKey: 'ck-test', consumerSecret: 'cs-very-secret', tokenId: 'tok-test', tokenSecret: 'ts-very-secret' };
const http = createHttpClient({});
let sim: NetSuiteSimulator;
let clock = Date.parse('2026-11-22T10:00:00Z');
let settings: NetSuiteSettings;
const signal = new AbortController().signal;

before(async () => {
  sim = await startNetSuiteSimulator({ credentials, now: () => clock });
  settings = parseNetSuiteSettings('sources.erp', { connector: 'netsuite', accountId: '1234567_SB1', baseUrl: sim.url, auth: credentials, defaultCustomerId: '0', currencies: { '4': 'EUR' }, pollPageSize: 2 });
});
after(async () => {
  await sim.close();
  await http.close();
});

const cmd = (action: string, type: string, data?: object): ActionCommand => {
  const event = structuredClone(exampleEvent(type));
  return { id: `cmd_${action}`, target: 'erp', action, key: 'k', payload: data === undefined ? event : { ...event, data: { ...(event.data as object), ...data } }, attempt: 1, createdAt: '2026-11-22T10:00:00Z', causationId: undefined, traceparent: undefined };
};
const log = { debug() {}, info() {}, warn() {}, error() {} };
const run = (t: DeliveryTarget, c: ActionCommand) => (t.actions[c.action] as NonNullable<DeliveryTarget['actions'][string]>).run({ command: c, idempotencyKey: 'k', http, xrefs: memoryXrefs(), log, clock: { now: () => clock }, signal });

test('poll: changes since the cursor, oldest first, as deliveries the mappings turn into valid events; the cursor moves on', async () => {
  const target = createNetSuiteTarget('erp', { ...settings, connector: 'netsuite' }, { http, signing: { now: () => clock } });
  await run(target, cmd('upsertCustomer', 'weft.customer.created.v1'));
  await run(target, cmd('upsertInventoryItems', 'weft.product.upserted.v1'));
  sim.seed('inventoryItem', { itemId: 'TSH-0815-L-WHT' });
  sim.seed('inventoryItem', { itemId: 'DISCOUNT' });
  const discountItemId = sim.records('inventoryItem').find((item) => item.itemId === 'DISCOUNT')?.id as string;
  const orderTarget = createNetSuiteTarget('erp', { ...settings, discountItemId }, { http, signing: { now: () => clock } });
  const order = exampleEvent('weft.order.captured.v1').data as { id: string; totals: { grandTotal: { amount: number } } };
  const so = await run(orderTarget, cmd('upsertSalesOrder', 'weft.order.captured.v1'));
  await run(orderTarget, cmd('fulfilSalesOrder', 'weft.shipment.dispatched.v1'));
  clock += 1000;
  await run(orderTarget, cmd('invoiceSalesOrder', 'weft.order.completed.v1', { orderId: order.id }));

  const source = createNetSuiteSource('erp', settings, { now: () => clock });
  const first = await source.poll?.run(undefined, { http, log, signal });
  assert.ok(first);
  assert.deepEqual(first.deliveries.map((d) => d.topic), ['itemFulfillment', 'invoice']);
  const [fulfilment, invoice] = sim.records('itemFulfillment').concat(sim.records('invoice'));
  assert.equal(first.deliveries[1]?.deliveryId, `invoice:${invoice?.id}:2026-11-22 10:00:01`);
  assert.equal(first.cursor, `2026-11-22 10:00:01|${invoice?.id}`);

  const ids = testIds();
  ids.link('order', so.targetId as string, order.id);
  const context = { system: 'erp', ids, settings: source.settings };
  const ignored = await source.mappings.itemFulfillment?.map(first.deliveries[0]?.payload, context);
  assert.deepEqual(ignored, { kind: 'ignored', reason: `created by Weft from shipment ${fulfilment?.externalId}` });
  const mapped = await source.mappings.invoice?.map(first.deliveries[1]?.payload, context);
  assert.ok(mapped?.kind === 'events');
  const event = mapped.events[0];
  assert.ok(event);
  assert.deepEqual(validateEventData(event.type, event.subject, event.data), { ok: true });
  const data = event.data as { orderId: string; currency: string; totals: { grandTotal: { amount: number } } };
  assert.equal(data.orderId, order.id);
  assert.equal(data.currency, 'EUR');
  // NetSuite's invoice is net and the simulator computes no tax: the EU order's tax-inclusive total comes back as the grand total.
  assert.equal(data.totals.grandTotal.amount, order.totals.grandTotal.amount);

  const second = await source.poll?.run(first.cursor, { http, log, signal });
  assert.deepEqual(second?.deliveries, []);
  assert.equal(second?.cursor, first.cursor);
});

test('a NetSuite source refuses webhooks: NetSuite does not push', () => {
  const source = createNetSuiteSource('erp', settings);
  assert.throws(() => source.verify({ headers: {}, rawBody: Buffer.from('{}'), notificationUrl: 'http://x', requestUrl: '/webhooks/erp', receivedAtMs: 0 } as WebhookRequest), WebhookError);
});

async function status(signing: { nonce: () => string; now: () => number }, auth = credentials): Promise<number> {
  const client = createNetSuiteClient('erp', { ...settings, auth }, { http, signing });
  try {
    await client.suiteql('SELECT id FROM customer WHERE externalid = \'x\'', { limit: 1, offset: 0 });
    return 200;
  } catch (error) {
    return (error as { targetStatus: number }).targetStatus;
  }
}

test('simulator TBA: a valid signature passes; a reused nonce, a stale or future timestamp, an unknown token or a wrong secret get 401', async () => {
  assert.equal(await status({ nonce: () => 'unique-1', now: () => clock }), 200);
  assert.equal(await status({ nonce: () => 'unique-1', now: () => clock }), 401, 'reused nonce');
  assert.equal(await status({ nonce: () => 'unique-2', now: () => clock - (TIMESTAMP_WINDOW_SECONDS + 5) * 1000 }), 401, 'stale');
  assert.equal(await status({ nonce: () => 'unique-3', now: () => clock + (TIMESTAMP_WINDOW_SECONDS + 5) * 1000 }), 401, 'future');
  assert.equal(await status({ nonce: () => 'unique-4', now: () => clock }, { ...credentials, tokenId: 'tok-other' }), 401, 'unknown token');
  assert.equal(await status({ nonce: () => 'unique-5', now: () => clock }, { ...credentials, consumerSecret: 'cs-wrong' }), 401, 'wrong consumer secret');
  assert.equal(await status({ nonce: () => 'unique-6', now: () => clock + 60_000 }), 200, 'within the window');
});

test('simulator TBA: a request whose signed URL differs from the one sent (query changed) is refused', async () => {
  const response = await fetch(`${sim.url}/services/rest/query/v1/suiteql?limit=5&offset=0`, {
    method: 'POST',
    headers: {
      prefer: 'transient',
      'content-type': 'application/json',
      // Signed for limit=1; sent with limit=5.
      authorization: (await import('./oauth1.ts')).signRequest({ method: 'POST', url: `${sim.url}/services/rest/query/v1/suiteql?limit=1&offset=0`, realm: '1234567_SB1', credentials, hash: 'sha256', sources: { nonce: () => 'tamper-1', now: () => clock } }).authorization,
    },
    body: JSON.stringify({ q: "SELECT id FROM customer WHERE externalid = 'x'" }),
  });
  assert.equal(response.status, 401);
  const body = (await response.json()) as { 'o:errorDetails': { 'o:errorCode': string }[] };
  assert.equal(body['o:errorDetails'][0]?.['o:errorCode'], 'INVALID_LOGIN');
  assert.match(response.headers.get('content-type') ?? '', /application\/vnd\.oracle\.resource\+json; type=error/);
});
