import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { germanWebOrder } from '../../domain/events/example-documents.ts';
import { validateEventData } from '../../domain/events/validate.ts';
import type { Shipment } from '../../domain/shipment/shipment.schema.ts';
import { DependencyError, WebhookError } from '../../errors/index.ts';
import { createHttpClient, type HttpClient, type WebhookRequest } from '../sdk/index.ts';
import { startShipStationSimulator, type ShipStationSimulator } from './simulator.ts';
import { createShipStationSource } from './source.ts';
import { createShipStationTarget } from './target.ts';
import { actionContext, commandOf, memoryIds, quietLog } from './test-helpers.ts';
import { tokenMatches, verifyShipStationWebhook } from './webhooks.ts';

// ShipStation V1 webhooks carry no signature: the URL token is what is verified. The body is not
// protected by ShipStation (nothing signs it), so a flipped body byte or a re-serialised body is not
// detectable; what keeps that safe is that the body only names a URL on the configured API origin,
// which Weft fetches itself.

const TOKEN = 'Qm9yZWFsLXRva2VuLWZvci10ZXN0cy0xMjM0NTY3OA';
const SAMPLE = readFileSync(new URL('./fixtures/ship-notify.webhook.json', import.meta.url));
const settings = { webhookToken: TOKEN, baseUrl: 'https://ssapi.shipstation.com' };
const request = (url: string, body: Buffer = SAMPLE): WebhookRequest => {
  const parsed = new URL(url);
  // A configured notificationUrl (here without the token) must not matter: the token is the request's own.
  return { headers: { 'content-type': 'application/json' }, rawBody: body, notificationUrl: `${parsed.origin}${parsed.pathname}`, requestUrl: `${parsed.pathname}${parsed.search}`, receivedAtMs: 0 };
};
const URL_WITH = (token: string) => `https://weft.example.com/webhooks/shipstation?token=${token}`;

describe('ShipStation webhook verification', () => {
  it('accepts the documented SHIP_NOTIFY body with the right token; the batch URL is the delivery id', () => {
    const delivery = verifyShipStationWebhook(request(URL_WITH(TOKEN)), settings);
    assert.equal(delivery.topic, 'SHIP_NOTIFY');
    assert.equal(delivery.deliveryId, 'https://ssapi.shipstation.com/shipments?storeID=123456&batchId=12345678&includeShipmentItems=False');
  });

  it('rejects a wrong token, a token with one byte flipped, a missing token', () => {
    const flipped = `${TOKEN.slice(0, 10)}${TOKEN[10] === 'a' ? 'b' : 'a'}${TOKEN.slice(11)}`;
    for (const url of [URL_WITH('x'.repeat(TOKEN.length)), URL_WITH(flipped), 'https://weft.example.com/webhooks/shipstation', URL_WITH(`${TOKEN}x`)]) {
      assert.throws(() => verifyShipStationWebhook(request(url), settings), (error: unknown) => error instanceof WebhookError && error.code === 'webhook_signature_invalid', url);
    }
  });

  it('compares tokens in constant time over digests, whatever their lengths', () => {
    assert.equal(tokenMatches(TOKEN, TOKEN), true);
    assert.equal(tokenMatches(TOKEN, TOKEN.slice(0, -1)), false);
    assert.equal(tokenMatches(TOKEN, ''), false);
    assert.equal(tokenMatches(TOKEN, null), false);
  });

  it('takes a re-serialised body as it is: ShipStation signs nothing, only the token proves the sender', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(SAMPLE.toString('utf8'))));
    assert.equal(verifyShipStationWebhook(request(URL_WITH(TOKEN), reserialised), settings).topic, 'SHIP_NOTIFY');
  });

  it('refuses a resource_url on another host, so the API credentials never go there', () => {
    const body = Buffer.from(JSON.stringify({ resource_url: 'https://evil.example.com/shipments?batchId=1', resource_type: 'SHIP_NOTIFY' }));
    assert.throws(() => verifyShipStationWebhook(request(URL_WITH(TOKEN), body), settings), (error: unknown) => error instanceof WebhookError && error.code === 'webhook_malformed' && /evil\.example\.com/.test(error.message));
  });

  it('refuses bodies that are not the webhook model', () => {
    for (const body of ['not json', '[]', '{"resource_type":"SHIP_NOTIFY"}', '{"resource_url":"https://ssapi.shipstation.com/x"}', '{"resource_url":"::","resource_type":"SHIP_NOTIFY"}']) {
      assert.throws(() => verifyShipStationWebhook(request(URL_WITH(TOKEN), Buffer.from(body)), settings), (error: unknown) => error instanceof WebhookError && error.code === 'webhook_malformed', body);
    }
  });
});

describe('ShipStation release → ship → SHIP_NOTIFY → shipment (simulator)', () => {
  let sim: ShipStationSimulator;
  let http: HttpClient;
  let receiver: Server;
  let receiverUrl: string;
  const received: WebhookRequest[] = [];

  before(async () => {
    sim = await startShipStationSimulator();
    http = createHttpClient();
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ headers: { ...req.headers } as Record<string, string>, rawBody: Buffer.concat(chunks), notificationUrl: `${receiverUrl.split('/webhooks')[0]}${req.url ?? ''}`, requestUrl: req.url ?? '', receivedAtMs: 0 });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/shipstation`;
  });
  after(async () => {
    await http.close();
    await sim.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('maps what the warehouse shipped back to the order Weft released', async () => {
    const target = createShipStationTarget('warehouse', { connector: 'shipstation', baseUrl: sim.url, apiKey: 'sim-key', apiSecret: 'sim-secret' }, { http });
    const source = createShipStationSource('warehouse', {
      connector: 'shipstation',
      baseUrl: sim.url,
      apiKey: 'sim-key',
      apiSecret: 'sim-secret',
      webhookToken: TOKEN,
      locationId: 'loc_01JDWPQ5E6EYCNDY0YP57RCYBV',
    });
    sim.subscribe(`${receiverUrl}?token=${TOKEN}`, 'SHIP_NOTIFY');
    await target.actions.releaseOrder!.run(actionContext(http, commandOf('releaseOrder', 'weft.order.captured.v1', germanWebOrder.id, germanWebOrder)));

    const { deliveries } = await sim.shipOrder(germanWebOrder.id, { carrierCode: 'dhl_express_worldwide', trackingNumber: '00340434161094042557' });
    assert.deepEqual(deliveries.map((delivery) => delivery.status), [200]);
    const webhook = received.at(-1) as WebhookRequest;

    const verified = source.verify(webhook);
    const enriched = await source.enrich!(verified, { http, log: quietLog, signal: new AbortController().signal });
    const outcome = await source.mappings[verified.topic]!.map(enriched.payload, { system: 'warehouse', ids: memoryIds(), settings: source.settings });
    assert.equal(outcome.kind, 'events');
    if (outcome.kind !== 'events') return;
    const [event] = outcome.events;
    assert.ok(event);
    assert.deepEqual(validateEventData(event.type, event.subject, event.data), { ok: true });
    const shipment = event.data as Shipment;
    assert.equal(shipment.orderId, germanWebOrder.id);
    assert.equal(shipment.fulfilmentGroupId, 'ful_01JDV1SD53TW8JZ38AYTNJKGGS');
    assert.deepEqual(shipment.lines, [{ orderLineId: 'oln_01JDS1A0ZWSK9TPRM7N0MNS7C0', sku: 'JKT-4711-M-NVY', quantity: 1 }]);
    assert.deepEqual(shipment.trackingNumbers, ['00340434161094042557']);
    assert.equal(shipment.carrier, 'dhl_express_worldwide');
    assert.equal(sim.state().orders[0]?.orderStatus, 'shipped');
  });

  it('reports ShipStation refusing the credentials during enrichment as a non-retryable source error', async () => {
    const source = createShipStationSource('warehouse', {
      connector: 'shipstation',
      baseUrl: sim.url,
      apiKey: 'sim-key',
      apiSecret: 'wrong',
      webhookToken: TOKEN,
      locationId: 'loc_01JDWPQ5E6EYCNDY0YP57RCYBV',
    });
    const delivery = { topic: 'SHIP_NOTIFY', deliveryId: 'x', payload: { resource_url: `${sim.url}/shipments?batchId=1`, resource_type: 'SHIP_NOTIFY' } };
    await assert.rejects(
      source.enrich!(delivery, { http, log: quietLog, signal: new AbortController().signal }),
      (error: unknown) => error instanceof DependencyError && error.code === 'source_unavailable' && !error.retryable,
    );
  });

  it('leaves ORDER_NOTIFY alone: no request is spent on it', async () => {
    const source = createShipStationSource('warehouse', { connector: 'shipstation', baseUrl: sim.url, apiKey: 'k', apiSecret: 's', webhookToken: TOKEN, locationId: 'loc_01JDWPQ5E6EYCNDY0YP57RCYBV' });
    const before = sim.requests();
    const delivery = { topic: 'ORDER_NOTIFY', deliveryId: 'y', payload: { resource_url: `${sim.url}/orders?importBatch=1`, resource_type: 'ORDER_NOTIFY' } };
    assert.equal(await source.enrich!(delivery, { http, log: quietLog, signal: new AbortController().signal }), delivery);
    assert.equal(sim.requests(), before);
  });
});
