import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { WebhookError } from '../../errors/index.ts';
import type { WebhookRequest } from '../sdk/index.ts';
import { squareSignature, verifySquareWebhook } from './webhooks.ts';

// Square's signature scheme over real sample bodies: base64 HMAC-SHA256 of notification URL + raw
// body. What must pass passes, and every kind of tampering Square's scheme protects against fails.

const SAMPLES = '/work/shared/data/payloads/square';
const KEY = 'test-signature-key';
const URL = 'https://weft.example.com/webhooks/pos-us';
const settings = { signatureKey: KEY, webhookMaxAgeHours: 48 };
const raw = readFileSync(`${SAMPLES}/payment_created.json`);
const createdMs = Date.parse('2020-02-06T21:27:30.792Z');

function request(body: Buffer, signature: string | undefined, overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return { headers: { 'x-square-hmacsha256-signature': signature }, rawBody: body, notificationUrl: URL, requestUrl: '/webhooks/pos-us', receivedAtMs: createdMs + 5_000, ...overrides };
}

function rejects(req: WebhookRequest, code: string, s = settings): void {
  assert.throws(() => verifySquareWebhook(req, s), (error: unknown) => error instanceof WebhookError && error.code === code);
}

test('a body signed with the key over notification URL + body is accepted and decoded', () => {
  const delivery = verifySquareWebhook(request(raw, squareSignature(KEY, URL, raw)), settings);
  assert.equal(delivery.topic, 'payment.created');
  assert.equal(delivery.deliveryId, '13b867cf-db3d-4b1c-90b6-2f32a9d78124');
  assert.equal(delivery.occurredAt, '2020-02-06T21:27:30.792Z');
});

test('the signature is plain base64 HMAC-SHA256 of URL followed by body (independent computation)', async () => {
  const { createHmac } = await import('node:crypto');
  const independent = createHmac('sha256', KEY).update(URL + raw.toString('utf8')).digest('base64');
  assert.equal(squareSignature(KEY, URL, raw), independent);
});

test('one flipped byte of the body is rejected', () => {
  const tampered = Buffer.from(raw);
  tampered[100] = (tampered[100] as number) ^ 0x01;
  rejects(request(tampered, squareSignature(KEY, URL, raw)), 'webhook_signature_invalid');
});

test('a signature made with another key is rejected', () => {
  rejects(request(raw, squareSignature('another-key', URL, raw)), 'webhook_signature_invalid');
});

test('a body signed for another notification URL is rejected', () => {
  rejects(request(raw, squareSignature(KEY, 'https://weft.example.com/webhooks/other', raw)), 'webhook_signature_invalid');
  rejects(request(raw, squareSignature(KEY, `${URL}/`, raw)), 'webhook_signature_invalid');
});

test('a re-serialised body does not verify against the original signature', () => {
  const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
  assert.notDeepEqual(reserialised, raw);
  rejects(request(reserialised, squareSignature(KEY, URL, raw)), 'webhook_signature_invalid');
});

test('a missing or empty signature header is rejected', () => {
  rejects(request(raw, undefined), 'webhook_signature_invalid');
  rejects(request(raw, ''), 'webhook_signature_invalid');
});

test('a validly signed body whose created_at is older than the window is stale; 0 turns the check off', () => {
  const late = request(raw, squareSignature(KEY, URL, raw), { receivedAtMs: createdMs + 49 * 3_600_000 });
  rejects(late, 'webhook_stale');
  assert.equal(verifySquareWebhook(late, { ...settings, webhookMaxAgeHours: 0 }).topic, 'payment.created');
  // Square's 24 h of retries stay inside the default window.
  assert.equal(verifySquareWebhook(request(raw, squareSignature(KEY, URL, raw), { receivedAtMs: createdMs + 24 * 3_600_000 }), settings).topic, 'payment.created');
});

test('a signed body without event_id or type is malformed', () => {
  const body = Buffer.from('{"type":"payment.created","created_at":"2020-02-06T21:27:30.792Z"}');
  rejects(request(body, squareSignature(KEY, URL, body)), 'webhook_malformed');
  const noType = Buffer.from('{"event_id":"e1","created_at":"2020-02-06T21:27:30.792Z"}');
  rejects(request(noType, squareSignature(KEY, URL, noType)), 'webhook_malformed');
});
