// Shopify webhook verification against the published vectors and the simulator's own deliveries.
// Shopify signs no timestamp, so there is no stale-delivery case to test: a replay is caught by the
// pipeline's dedup on X-Shopify-Webhook-Id, not by the signature.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { WebhookError } from '../../errors/index.ts';
import type { WebhookRequest } from '../sdk/index.ts';
import { startShopifySimulator } from './simulator.ts';
import { verifyShopifyWebhook } from './webhooks.ts';

const SHARED = '/work/shared/data/payloads/shopify';
const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const vectors = JSON.parse(readFileSync(join(SHARED, 'hmac_test_vectors.json'), 'utf8')) as {
  sqlpage_third_party_vector: { rawBody: string; secret: string; expectedBase64: string };
  locally_computed_over_fixture_files: { files: Record<string, { secret: string; expectedBase64: string; bytes: number }> };
};

function request(rawBody: Buffer | string, hmac: string, extra: Record<string, string> = {}): WebhookRequest {
  return {
    headers: { 'x-shopify-hmac-sha256': hmac, 'x-shopify-topic': 'orders/create', 'x-shopify-webhook-id': 'b54557e4-8a5f-4f7d-9bcd-043000000001', ...extra },
    rawBody: Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody),
    notificationUrl: 'https://weft.example.com/webhooks/shopify',
    requestUrl: '/webhooks/shopify',
    receivedAtMs: 0,
  };
}

const rejectsSignature = (fn: () => unknown) => assert.throws(fn, (error: unknown) => error instanceof WebhookError && error.code === 'webhook_signature_invalid');

describe('verifyShopifyWebhook', () => {
  it('accepts the third-party vector (sqlpage) and reads topic and delivery id', () => {
    const v = vectors.sqlpage_third_party_vector;
    const delivery = verifyShopifyWebhook(v.secret, request(v.rawBody, v.expectedBase64));
    assert.deepEqual([delivery.topic, delivery.deliveryId, (delivery.payload as { total_price: string }).total_price], ['orders/create', 'b54557e4-8a5f-4f7d-9bcd-043000000001', '123.45']);
  });

  const files = Object.entries(vectors.locally_computed_over_fixture_files.files);
  for (const [file, vector] of files) {
    const path = [join(SHARED, file), join(FIXTURES, file)].find((candidate) => existsSync(candidate));
    it(`accepts the vector over ${file}${path === undefined ? ' (file not present: skipped)' : ''}`, { skip: path === undefined }, () => {
      const raw = readFileSync(path!);
      assert.equal(raw.length, vector.bytes);
      const delivery = verifyShopifyWebhook(vector.secret, request(raw, vector.expectedBase64));
      assert.ok(typeof delivery.payload === 'object');
    });
  }

  it('rejects one flipped byte, a wrong secret, and the re-serialised body', () => {
    const vector = vectors.locally_computed_over_fixture_files.files['orders_create.json']!;
    const raw = readFileSync(join(SHARED, 'orders_create.json'));
    const flipped = Buffer.from(raw);
    flipped[100] = flipped[100]! ^ 0x01;
    rejectsSignature(() => verifyShopifyWebhook(vector.secret, request(flipped, vector.expectedBase64)));
    rejectsSignature(() => verifyShopifyWebhook('not-the-secret', request(raw, vector.expectedBase64)));
    const reserialised = JSON.stringify(JSON.parse(raw.toString('utf8')));
    rejectsSignature(() => verifyShopifyWebhook(vector.secret, request(reserialised, vector.expectedBase64)));
    rejectsSignature(() => verifyShopifyWebhook(vector.secret, request(raw, '')));
  });

  it('accepts the unprefixed header names of Shopify\'s newer deliveries, and reads the trigger time', () => {
    const v = vectors.sqlpage_third_party_vector;
    const delivery = verifyShopifyWebhook(v.secret, {
      ...request(v.rawBody, ''),
      headers: { 'shopify-hmac-sha256': v.expectedBase64, 'shopify-topic': 'orders/create', 'shopify-webhook-id': 'w-1', 'shopify-triggered-at': '2026-11-23T10:00:00.123456789Z' },
    });
    assert.deepEqual([delivery.deliveryId, delivery.occurredAt], ['w-1', '2026-11-23T10:00:00.123Z']);
  });

  it('refuses a delivery without topic or webhook id as malformed', () => {
    const v = vectors.sqlpage_third_party_vector;
    assert.throws(() => verifyShopifyWebhook(v.secret, request(v.rawBody, v.expectedBase64, { 'x-shopify-topic': '' })), (e: unknown) => e instanceof WebhookError && e.code === 'webhook_malformed');
    assert.throws(() => verifyShopifyWebhook(v.secret, request(v.rawBody, v.expectedBase64, { 'x-shopify-webhook-id': '' })), (e: unknown) => e instanceof WebhookError && e.code === 'webhook_malformed');
  });

  it('accepts what the simulator sends, and the order id keeps every digit', async () => {
    const received: WebhookRequest[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string>, rawBody: Buffer.concat(chunks), notificationUrl: '', requestUrl: req.url ?? '', receivedAtMs: 0 });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sim = await startShopifySimulator({ clientSecret: 'sim-secret' });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/shopify`;
      sim.subscribe('orders/create', url);
      const { order } = await sim.createOrder({ lines: [{ sku: 'TSH-0815-L-WHT', quantity: 2, price: '19.99' }] });
      const raw = readFileSync(join(SHARED, 'orders_create.json'), 'utf8');
      await sim.sendWebhook(url, 'orders/create', raw);
      assert.equal(received.length, 2);
      const created = verifyShopifyWebhook('sim-secret', received[0]!);
      assert.equal((created.payload as { id: string }).id, order.id);
      assert.ok(BigInt(order.id as string) > 2n ** 53n);
      const sample = verifyShopifyWebhook('sim-secret', received[1]!);
      assert.equal((sample.payload as { id: string }).id, '820982911946154508');
      assert.equal(received[1]!.rawBody.toString('utf8'), raw);
      rejectsSignature(() => verifyShopifyWebhook('other-secret', received[0]!));
    } finally {
      await sim.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
