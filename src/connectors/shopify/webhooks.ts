// Verifies Shopify webhooks: base64 HMAC-SHA256 of the raw body with the app's client secret, in
// X-Shopify-Hmac-Sha256 (or the unprefixed `shopify-hmac-sha256` of Shopify's newer event
// deliveries). Shopify signs no timestamp, so there is no stale check to make: a replayed delivery
// carries the same X-Shopify-Webhook-Id and the inbound pipeline drops it as a duplicate.

import { WebhookError } from '../../errors/index.ts';
import { headerOf, hmacSha256, parseJsonExact, signatureMatches, type WebhookDelivery, type WebhookRequest } from '../sdk/index.ts';

/** Header names of a Shopify delivery, lower case, legacy `x-shopify-` first. */
export const SHOPIFY_HEADERS = {
  hmac: ['x-shopify-hmac-sha256', 'shopify-hmac-sha256'],
  topic: ['x-shopify-topic', 'shopify-topic'],
  webhookId: ['x-shopify-webhook-id', 'shopify-webhook-id'],
  eventId: ['x-shopify-event-id', 'shopify-event-id'],
  triggeredAt: ['x-shopify-triggered-at', 'shopify-triggered-at'],
  shopDomain: ['x-shopify-shop-domain', 'shopify-shop-domain'],
} as const;

/** The signature Shopify puts on a body: base64 HMAC-SHA256 with the client secret. */
export function shopifySignature(clientSecret: string, rawBody: string | Buffer): string {
  return hmacSha256(clientSecret, rawBody).toString('base64');
}

/**
 * Checks a Shopify delivery and decodes it. Throws WebhookError `webhook_signature_invalid` when the
 * HMAC is missing or wrong, `webhook_malformed` when the topic or webhook id is missing or the body
 * is not JSON. The payload keeps ids above 2^53 as exact digit strings.
 */
export function verifyShopifyWebhook(clientSecret: string, request: WebhookRequest): WebhookDelivery {
  const given = headerOf(request, ...SHOPIFY_HEADERS.hmac);
  if (given === undefined) throw new WebhookError('webhook_signature_invalid', 'The request has no X-Shopify-Hmac-Sha256 header: it did not come from Shopify.');
  if (!signatureMatches(hmacSha256(clientSecret, request.rawBody), given, 'base64')) {
    throw new WebhookError('webhook_signature_invalid', 'X-Shopify-Hmac-Sha256 does not match the body: check that the source\'s clientSecret is the app\'s client secret (API secret key), and that nothing re-encodes the body on the way.');
  }
  const topic = headerOf(request, ...SHOPIFY_HEADERS.topic);
  if (topic === undefined) throw new WebhookError('webhook_malformed', 'The request has no X-Shopify-Topic header.');
  const deliveryId = headerOf(request, ...SHOPIFY_HEADERS.webhookId) ?? headerOf(request, ...SHOPIFY_HEADERS.eventId);
  if (deliveryId === undefined) throw new WebhookError('webhook_malformed', 'The request has no X-Shopify-Webhook-Id header to deduplicate it by.');
  const payload = parseJsonExact(request.rawBody);
  const delivery: WebhookDelivery = { topic, deliveryId, payload };
  const triggeredAt = headerOf(request, ...SHOPIFY_HEADERS.triggeredAt);
  const ms = triggeredAt === undefined ? Number.NaN : Date.parse(triggeredAt);
  if (!Number.isNaN(ms)) delivery.occurredAt = new Date(ms).toISOString();
  return delivery;
}
