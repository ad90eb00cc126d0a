import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { validateEventData } from '../../domain/events/validate.ts';
import { TargetError, WeftError } from '../../errors/index.ts';
import { startRecordingServer, type RecordingServer } from '../sdk/recording-server.ts';
import { createHttpClient, type HttpClient, type MappedEvent } from '../sdk/index.ts';
import { classifySquareError, createSquareSource, createSquareTarget } from './connector.ts';
import { startSquareSimulator, type SquareSimulator } from './simulator.ts';
import { actionContext, command, memoryIds } from './testing.ts';

// The connector against its simulator over real loopback HTTP: a till sale rung up in the simulator
// arrives as signed webhooks, is verified, enriched (RetrieveOrder + catalog SKUs) and mapped; the
// outbound actions write stock and customers with Square's idempotency keys; Square's errors come
// back as the right TargetErrors.

const NOTIFICATION_URL = 'https://weft.example.com/webhooks/pos-us';
let sim: SquareSimulator;
let receiver: RecordingServer;
let http: HttpClient;

before(async () => {
  sim = await startSquareSimulator();
  receiver = await startRecordingServer();
  http = createHttpClient();
});
after(async () => {
  await http.close();
  await receiver.close();
  await sim.close();
});

const sourceSettings = () => ({ connector: 'square', baseUrl: sim.url, accessToken: sim.accessToken, signatureKey: sim.signatureKey });
const targetSettings = (overrides: Record<string, unknown> = {}) => ({ connector: 'square', baseUrl: sim.url, accessToken: sim.accessToken, locations: { loc_01JD5GQAPENECFSECZP11HYGCP: 'L8SIMSTORE001' }, ...overrides });
const enrichContext = () => ({ http, log: { debug() {}, info() {}, warn() {}, error() {} }, signal: new AbortController().signal });

test('a till sale arrives as signed webhooks that verify, enrich and map to a valid captured order, payment and stock position', async () => {
  receiver.requests.length = 0;
  sim.subscribe({ url: `${receiver.url}/webhooks/pos-us`, notificationUrl: NOTIFICATION_URL });
  const sale = await sim.createSale({ lines: [{ sku: 'TSH-0815-L-WHT', quantity: 2 }, { sku: 'CAP-2201-OS-BLK', quantity: 1 }], taxPercentage: '8.875' });
  assert.deepEqual(sale.webhooks.map((w) => w.status), [200, 200, 200]);
  const source = createSquareSource('pos-us', sourceSettings());
  const context = { system: 'pos-us', ids: memoryIds(), settings: source.settings };
  const events: MappedEvent[] = [];
  for (const request of receiver.requests) {
    const delivery = source.verify({ headers: request.headers, rawBody: request.body, notificationUrl: NOTIFICATION_URL, requestUrl: request.url, receivedAtMs: Date.now() });
    const enriched = (await source.enrich?.(delivery, enrichContext())) ?? delivery;
    const outcome = await source.mappings[delivery.topic]?.map(enriched.payload, context);
    if (outcome?.kind === 'events') events.push(...outcome.events);
  }
  assert.deepEqual(events.map((e) => e.type), ['weft.order.captured.v1', 'weft.order.payment_authorized.v1', 'weft.order.payment_captured.v1', 'weft.inventory.position_reported.v1', 'weft.inventory.position_reported.v1']);
  for (const event of events) assert.ok(validateEventData(event.type, event.subject, event.data).ok, event.type);
  const order = events[0]?.data as { lines: { sku: string; taxes: { rate: number; amount: { amount: number } }[] }[]; totals: { grandTotal: { amount: number } }; payments: { status: string }[] };
  assert.deepEqual(order.lines.map((l) => l.sku), ['TSH-0815-L-WHT', 'CAP-2201-OS-BLK'], 'SKUs read from the catalog, not Square ids');
  assert.equal(order.lines[0]?.taxes[0]?.rate, 888, '8.875 % rounds half up to 888 basis points');
  assert.equal(order.totals.grandTotal.amount, (sale.order.total_money as { amount: number }).amount);
  assert.equal(order.payments[0]?.status, 'captured');
  assert.equal((events[3]?.data as { onHand: number }).onHand, -2, 'stock taken off by the sale (none was counted in first)');
});

test('a location change arrives as a signed location.updated that enriches with RetrieveLocation into a valid location', async () => {
  receiver.requests.length = 0;
  sim.subscribe({ url: `${receiver.url}/webhooks/pos-us`, notificationUrl: NOTIFICATION_URL, types: ['location.updated'] });
  const sent = await sim.updateLocation('L8SIMSTORE001', { name: 'Sim Store Downtown', address: { address_line_1: '500 Market St', locality: 'San Francisco', administrative_district_level_1: 'CA', postal_code: '94105', country: 'US' } });
  assert.ok(sent.length >= 1);
  const source = createSquareSource('pos-us', sourceSettings());
  const ids = memoryIds();
  const request = receiver.requests.find((r) => JSON.parse(r.body.toString('utf8')).type === 'location.updated');
  assert.ok(request, 'the webhook reached the receiver');
  const delivery = source.verify({ headers: request.headers, rawBody: request.body, notificationUrl: NOTIFICATION_URL, requestUrl: request.url, receivedAtMs: Date.now() });
  const enriched = (await source.enrich?.(delivery, enrichContext())) ?? delivery;
  const outcome = await source.mappings['location.updated']?.map(enriched.payload, { system: 'pos-us', ids, settings: source.settings });
  assert.equal(outcome?.kind, 'events');
  if (outcome?.kind !== 'events') return;
  const [event] = outcome.events;
  assert.equal(event?.type, 'weft.location.upserted.v1');
  assert.ok(validateEventData(event?.type ?? '', event?.subject ?? '', event?.data).ok);
  const location = event?.data as { id: string; name: string; address: { line1: string; region: string }; timezone: string; channels: string[] };
  assert.equal(location.id, await ids.find('location', 'L8SIMSTORE001'), 'the same Weft location as the till\'s orders');
  assert.deepEqual([location.name, location.address.line1, location.address.region, location.timezone, location.channels], ['Sim Store Downtown', '500 Market St', 'CA', 'America/Los_Angeles', ['pos']]);
  // Without the enrichment the mapping says what is missing instead of guessing.
  await assert.rejects(source.mappings['location.updated']?.map(delivery.payload, { system: 'pos-us', ids, settings: source.settings }) ?? Promise.resolve(), /RetrieveLocation/);
});

test('enrich fails retryably when Square cannot give the order (unknown id, or Square down)', async () => {
  const source = createSquareSource('pos-us', sourceSettings());
  const delivery = { topic: 'order.updated', deliveryId: 'e1', payload: { type: 'order.updated', event_id: 'e1', data: { id: 'NOPE', object: { order_updated: { order_id: 'NOPE', state: 'OPEN' } } } } };
  const retryable = (error: unknown) => error instanceof WeftError && error.code === 'source_unavailable' && error.retryable;
  await assert.rejects(source.enrich!(delivery, enrichContext()), retryable);
  sim.faults.down = true;
  try {
    const sale = await sim.createSale({ lines: [{ sku: 'CAP-2201-OS-BLK', quantity: 1 }] });
    const real = { ...delivery, payload: { ...delivery.payload, data: { id: sale.order.id, object: { order_updated: { order_id: sale.order.id, state: 'COMPLETED' } } } } };
    await assert.rejects(source.enrich!(real, enrichContext()), retryable);
  } finally {
    sim.faults.down = false;
  }
});

test('setInventoryCount writes a PHYSICAL_COUNT once, however often the command is delivered', async () => {
  const target = createSquareTarget('pos-us', targetSettings(), { http });
  const counted = { type: 'weft.inventory.counted.v1', subject: 's', data: { id: 'mov_01JDW6VZSKDENC8SP3804GVA35', sku: 'TSH-0815-L-WHT', locationId: 'loc_01JD5GQAPENECFSECZP11HYGCP', kind: 'count', quantityDelta: -2, countedQuantity: 14, occurredAt: '2026-11-20T07:45:00Z', externalRefs: [] } };
  const cmd = command('setInventoryCount', counted, 'cmd_01JDINVCOUNT0000000000000A');
  const before = sim.state().inventoryChanges.length;
  const first = await target.actions.setInventoryCount!.run(actionContext(cmd, http));
  const second = await target.actions.setInventoryCount!.run(actionContext({ ...cmd, attempt: 2 }, http));
  assert.deepEqual(first, second);
  assert.equal(sim.state().inventoryChanges.length - before, 1, 'the retry was answered from Square\'s idempotency key');
  assert.equal(sim.state().counts.find((c) => c.catalog_object_id === 'W62UWFY35CWMYGVWK6TWJDNI')?.quantity, '14');
});

test('adjustInventory adds received units; an unknown SKU or unmapped location is terminal', async () => {
  const target = createSquareTarget('pos-us', targetSettings(), { http });
  const received = { sku: 'CAP-2201-OS-BLK', locationId: 'loc_01JD5GQAPENECFSECZP11HYGCP', kind: 'receipt', quantityDelta: 5, occurredAt: '2026-11-20T07:45:00Z' };
  const beforeCount = Number(sim.state().counts.find((c) => c.catalog_object_id === 'AII2J7PSGMRJ5LXRJ4W6ZVS2')?.quantity ?? '0');
  await target.actions.adjustInventory!.run(actionContext(command('adjustInventory', received, 'cmd_01JDADJUST0000000000000000'), http));
  assert.equal(Number(sim.state().counts.find((c) => c.catalog_object_id === 'AII2J7PSGMRJ5LXRJ4W6ZVS2')?.quantity), beforeCount + 5);
  const terminal = (error: unknown) => error instanceof TargetError && !error.retryable;
  await assert.rejects(target.actions.adjustInventory!.run(actionContext(command('adjustInventory', { ...received, sku: 'NOT-IN-SQUARE' }), http)), terminal);
  await assert.rejects(target.actions.adjustInventory!.run(actionContext(command('adjustInventory', { ...received, locationId: 'loc_01JDNOTMAPPED00000000000000' }), http)), (e: unknown) => e instanceof TargetError && e.code === 'command_invalid');
});

test('createCustomer creates one Square customer per command and links it to the Weft customer', async () => {
  const target = createSquareTarget('pos-us', targetSettings(), { http });
  const customer = { id: 'cus_01JDM9S346Q3D25VT4F5V37E3S', status: 'active', externalRefs: [], name: { given: 'Anna', family: 'Schmidt' }, emails: [{ address: 'anna@example.com', primary: true, verified: true }], phones: [], addresses: [], consents: [], createdAt: '2026-03-02T18:21:40Z', updatedAt: '2026-03-02T18:21:40Z' };
  const cmd = command('createCustomer', { type: 'weft.customer.created.v1', subject: customer.id, data: customer }, 'cmd_01JDCUSTOMER000000000000000');
  const before = sim.state().customers.length;
  const first = await target.actions.createCustomer!.run(actionContext(cmd, http));
  const again = await target.actions.createCustomer!.run(actionContext(cmd, http));
  assert.equal(first.targetId, again.targetId);
  assert.deepEqual(first.xref, { entity: 'customer', canonicalId: customer.id });
  assert.equal(sim.state().customers.length - before, 1);
  // The same key with another body is Square's IDEMPOTENCY_KEY_REUSED: terminal, and classify agrees.
  const changed = command('createCustomer', { ...customer, name: { given: 'Anne' } }, cmd.id);
  await assert.rejects(target.actions.createCustomer!.run(actionContext(changed, http)), (error: unknown) => {
    assert.ok(error instanceof TargetError);
    assert.equal(error.retryable, false);
    assert.match(error.message, /IDEMPOTENCY_KEY_REUSED/);
    assert.deepEqual(classifySquareError(error), { retryable: false });
    return true;
  });
});

test('a wrong token is target_auth_failed with Square\'s 401 body quoted; it is not retried', async () => {
  const target = createSquareTarget('pos-us', targetSettings({ accessToken: 'EAAAwrong' }), { http });
  await assert.rejects(target.actions.createCustomer!.run(actionContext(command('createCustomer', { id: 'cus_01JDM9S346Q3D25VT4F5V37E3S', name: { given: 'A' } }), http)), (error: unknown) => {
    assert.ok(error instanceof TargetError);
    assert.equal(error.code, 'target_auth_failed');
    assert.equal(error.retryable, false);
    assert.match(error.message, /AUTHENTICATION_ERROR UNAUTHORIZED/);
    assert.doesNotMatch(error.message, /EAAAwrong/);
    return true;
  });
});

test('Square\'s 429 RATE_LIMITED is target_throttled and retryable (Square sends no Retry-After)', async () => {
  let now = 1_000_000;
  const limited = await startSquareSimulator({ rateLimit: { requestsPerSecond: 1, burst: 1 }, now: () => now });
  try {
    const target = createSquareTarget('pos-us', { connector: 'square', baseUrl: limited.url, accessToken: limited.accessToken }, { http });
    const customer = (id: string) => command('createCustomer', { id: 'cus_01JDM9S346Q3D25VT4F5V37E3S', name: { given: 'A' } }, id);
    await target.actions.createCustomer!.run(actionContext(customer('cmd_01JDRATE000000000000000001'), http));
    await assert.rejects(target.actions.createCustomer!.run(actionContext(customer('cmd_01JDRATE000000000000000002'), http)), (error: unknown) => {
      assert.ok(error instanceof TargetError);
      assert.equal(error.code, 'target_throttled');
      assert.equal(error.retryable, true);
      assert.equal(error.retryAfterSeconds, undefined);
      assert.deepEqual(classifySquareError(error), { retryable: true });
      return true;
    });
    now += 1_000;
    assert.equal((await target.actions.createCustomer!.run(actionContext(customer('cmd_01JDRATE000000000000000002'), http))).status, 'created', 'the budget refills');
  } finally {
    await limited.close();
  }
});

test('previews show the requests with the token masked and Square\'s idempotency key, sending nothing', async () => {
  const target = createSquareTarget('pos-us', targetSettings({ accessToken: 'EAAAsecret-preview' }), { http });
  const requestsBefore = sim.requests();
  const cmd = command('setInventoryCount', { sku: 'NEW-SKU-1', locationId: 'loc_01JD5GQAPENECFSECZP11HYGCP', onHand: 3, asOf: '2026-11-20T09:15:00Z' }, 'cmd_01JDPREVIEW00000000000000A');
  const previews = await target.actions.setInventoryCount!.preview(cmd);
  assert.equal(sim.requests(), requestsBefore);
  assert.deepEqual(previews.map((p) => `${p.method} ${new URL(p.url).pathname}`), ['POST /v2/catalog/search', 'POST /v2/inventory/changes/batch-create']);
  for (const preview of previews) {
    assert.equal(preview.headers.authorization, 'Bearer ***');
    assert.doesNotMatch(JSON.stringify(preview), /EAAAsecret-preview/);
  }
  assert.match(previews[1]?.body ?? '', /"idempotency_key":"weft-cmd_01JDPREVIEW00000000000000A"/);
});

test('the simulator honours CreateOrder idempotency as Square documents it', async () => {
  const post = (body: unknown) => http.request({ method: 'POST', url: `${sim.url}/v2/orders`, headers: { authorization: `Bearer ${sim.accessToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const body = { idempotency_key: 'order-key-1', order: { location_id: 'L8SIMSTORE001', line_items: [{ name: 'Cap', quantity: '1', base_price_money: { amount: 2499, currency: 'USD' } }] } };
  const first = await post(body);
  const second = await post(body);
  assert.equal(first.status, 200);
  assert.equal(JSON.parse(second.body).order.id, JSON.parse(first.body).order.id);
  const reused = await post({ ...body, order: { ...body.order, line_items: [{ ...body.order.line_items[0], quantity: '2' }] } });
  assert.equal(reused.status, 400);
  assert.equal(JSON.parse(reused.body).errors[0].code, 'IDEMPOTENCY_KEY_REUSED');
  const fetched = await http.request({ method: 'GET', url: `${sim.url}/v2/orders/${JSON.parse(first.body).order.id}`, headers: { authorization: `Bearer ${sim.accessToken}` } });
  assert.equal(JSON.parse(fetched.body).order.total_money.amount, 2499);
});
