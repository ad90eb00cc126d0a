import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startHub, type Hub } from '../../src/app/hub.ts';
import { loadConfig } from '../../src/config/load.ts';

// Webhooks over HTTP into a real hub with a Shopify source: the official orders/create sample,
// signed as Shopify signs it, is taken in once with every digit of its id; a flipped byte is a 401
// problem and a recorded rejection without the body; an unmappable order is kept with its body and
// the field at fault, readable and replayable through the admin API under the inbound scopes.

const SAMPLES = fileURLToPath(new URL('../../../shared/data/payloads/shopify/', import.meta.url));
const SECRET = 'weft-test-client-secret';
const dir = mkdtempSync(join(tmpdir(), 'weft-webhooks-'));
let hub: Hub;
let admin = '';

const sign = (body: Buffer | string): string => createHmac('sha256', SECRET).update(body).digest('base64');

async function post(source: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; type: string; body: Record<string, unknown> }> {
  const response = await fetch(`${hub.url}/webhooks/${source}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: (await response.json()) as Record<string, unknown> };
}

const shopifyHeaders = (body: Buffer, topic: string, id: string, signature = sign(body)) => ({
  'x-shopify-topic': topic,
  'x-shopify-hmac-sha256': signature,
  'x-shopify-webhook-id': id,
  'x-shopify-shop-domain': 'harbor-and-pine.myshopify.com',
  'x-shopify-api-version': '2026-07',
  'x-shopify-triggered-at': '2026-11-23T10:00:00.000Z',
});

async function call(method: string, path: string, body?: unknown, token = admin): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${hub.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>) };
}

before(async () => {
  const config = loadConfig({
    env: { WEFT_DATA_DIR: dir, WEFT_HTTP_PORT: '0', WEFT_LOG_LEVEL: 'silent' },
    overrides: { sources: { webshop: { connector: 'shopify', clientSecret: SECRET } } },
  });
  hub = await startHub(config, { announce: (text) => (admin = /(weft_key_\S+)/.exec(text)?.[1] ?? admin) });
});
after(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('POST /webhooks/{source}', () => {
  const sample = readFileSync(join(SAMPLES, 'orders_create.json'));

  it('takes in the official orders/create sample once, keeping its id exact', async () => {
    const first = await post('webshop', sample, shopifyHeaders(sample, 'orders/create', 'wh-1'));
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.status, 'accepted');
    const canonical = await hub.store.resolveXref('order', 'webshop', '820982911946154508');
    assert.match(canonical ?? '', /^ord_/, 'the order id keeps all 18 digits');
    const again = await post('webshop', sample, shopifyHeaders(sample, 'orders/create', 'wh-1'));
    assert.deepEqual([again.status, again.body.status], [200, 'duplicate']);
    const events = await hub.store.readSubject(canonical as string, { limit: 10 });
    assert.equal(events.filter((event) => event.type === 'weft.order.captured.v1').length, 1);
  });

  it('refuses a flipped byte with 401 problem+json and records why, without the body', async () => {
    const flipped = Buffer.from(sample);
    flipped[100] = (flipped[100] as number) ^ 1;
    const refused = await post('webshop', flipped, shopifyHeaders(flipped, 'orders/create', 'wh-2', sign(sample)));
    assert.equal(refused.status, 401);
    assert.match(refused.type, /application\/problem\+json/);
    assert.equal(refused.body.code, 'webhook_signature_invalid');
    const listed = await call('GET', '/v1/inbound/rejections?code=webhook_signature_invalid');
    const [rejection] = listed.body.rejections as { id: string; hasBody: boolean; headers: Record<string, string> }[];
    assert.equal(rejection?.hasBody, false);
    assert.equal(rejection?.headers['x-shopify-hmac-sha256'], undefined, 'the signature is not kept');
  });

  it('answers 404 problem+json for a source nobody configured', async () => {
    const unknown = await post('nowhere', sample, shopifyHeaders(sample, 'orders/create', 'wh-3'));
    assert.deepEqual([unknown.status, unknown.body.code], [404, 'unknown_source']);
  });

  it('keeps an unmappable order with its body and the field at fault, readable and discardable with the inbound scopes', async () => {
    const order = JSON.parse(sample.toString('utf8').replace('"sku": "SKU2006-020"', '"sku": null').replace('820982911946154508', '820982911946154509')) as unknown;
    const body = Buffer.from(JSON.stringify(order));
    const answered = await post('webshop', body, shopifyHeaders(body, 'orders/create', 'wh-4'));
    assert.deepEqual([answered.status, answered.body.status, answered.body.code], [200, 'rejected', 'mapping_failed'], 'the vendor need not retry a payload that fails the same way');
    const id = answered.body.rejectionId as string;
    const reader = (await call('POST', '/v1/keys', { name: 'inbound reader', scopes: ['inbound:read'] })).body.token as string;
    const shown = await call('GET', `/v1/inbound/rejections/${id}`, undefined, reader);
    assert.equal(shown.status, 200);
    const rejection = shown.body.rejection as { body: string; problems: { pointer: string }[]; topic: string };
    assert.equal(rejection.body, body.toString('utf8'));
    assert.equal(rejection.topic, 'orders/create');
    assert.ok(rejection.problems.some((problem) => /^\/line_items\/\d+\/sku$/.test(problem.pointer)), JSON.stringify(rejection.problems));
    assert.equal((await call('POST', `/v1/inbound/rejections/${id}/discard`, { reason: 'test order' }, reader)).status, 403, 'discarding needs inbound:manage');
    assert.equal((await call('POST', `/v1/inbound/rejections/${id}/replay`, { reason: 'nothing changed' })).status, 422, 'a replay that fails again says why and keeps it open');
    assert.equal((await call('POST', `/v1/inbound/rejections/${id}/discard`, { reason: 'test order' })).status, 204);
    assert.equal(((await call('GET', `/v1/inbound/rejections/${id}`)).body.rejection as { status: string }).status, 'discarded');
  });
});

describe('GET /v1/connectors', () => {
  it('lists every connector from its manifest, and shows one with its topics, actions and settings schema', async () => {
    const list = await call('GET', '/v1/connectors');
    assert.equal(list.status, 200);
    const names = (list.body.connectors as { name: string }[]).map((c) => c.name).sort();
    assert.deepEqual(names, ['http', 'netsuite', 'salesforce', 'shipstation', 'shopify', 'square']);
    const shopify = (await call('GET', '/v1/connectors/shopify')).body.connector as { systemType: string; topics: Record<string, string>; actions: Record<string, { idempotency: string }>; settings: { type?: string; properties?: object } };
    assert.equal(shopify.systemType, 'storefront');
    assert.ok('orders/create' in shopify.topics);
    assert.equal(shopify.actions.setInventory?.idempotency, 'key');
    assert.equal(typeof shopify.settings, 'object', 'the settings schema is JSON Schema');
    assert.equal((await call('GET', '/v1/connectors/nope')).status, 404);
    assert.equal((await fetch(`${hub.url}/v1/connectors`)).status, 401, 'a key is needed');
  });
});
