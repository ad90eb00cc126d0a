import { WebhookError } from '../../errors/index.ts';
import { headerOf, hmacSha256, parseJsonExact, signatureMatches, type WebhookDelivery, type WebhookRequest } from '../sdk/index.ts';

// Square's webhook check: `x-square-hmacsha256-signature` is base64(HMAC-SHA256(signature key,
// notification URL + raw body)). Square sends no separate timestamp header; the body's `created_at`
// is covered by the signature, so it is trustworthy and used for an (optional) staleness check.
// Square retries an unacknowledged notification for up to 24 hours with the same body, so the
// window must be longer than that; replays inside it are caught by deduplication on `event_id`.

/** The header Square's signature comes in (lower case, as WebhookRequest holds names). */
export const SIGNATURE_HEADER = 'x-square-hmacsha256-signature';

/** What verification needs from the source's settings. */
export interface SquareWebhookSettings {
  signatureKey: string;
  /** 0 turns the staleness check off. */
  webhookMaxAgeHours: number;
}

/** The signature Square sends for a body delivered to `notificationUrl`. */
export function squareSignature(signatureKey: string, notificationUrl: string, rawBody: string | Buffer): string {
  return hmacSha256(signatureKey, notificationUrl, rawBody).toString('base64');
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Verifies and decodes a Square webhook. Throws WebhookError `webhook_signature_invalid` (no or a
 * wrong signature), `webhook_malformed` (not JSON, no `type` or `event_id`) or `webhook_stale`.
 */
export function verifySquareWebhook(request: WebhookRequest, settings: SquareWebhookSettings): WebhookDelivery {
  const given = headerOf(request, SIGNATURE_HEADER);
  if (given === undefined) throw new WebhookError('webhook_signature_invalid', `The webhook has no ${SIGNATURE_HEADER} header: it did not come from Square.`);
  const expected = hmacSha256(settings.signatureKey, request.notificationUrl, request.rawBody);
  if (!signatureMatches(expected, given, 'base64')) {
    throw new WebhookError(
      'webhook_signature_invalid',
      `The ${SIGNATURE_HEADER} signature does not match the body signed for ${request.notificationUrl}: check the source's signatureKey and that notificationUrl is exactly the URL of the Square subscription.`,
    );
  }
  const body = parseJsonExact(request.rawBody);
  if (!isObject(body)) throw new WebhookError('webhook_malformed', 'The Square webhook body is not a JSON object.');
  const { type, event_id: eventId, created_at: createdAt } = body;
  if (typeof type !== 'string' || type === '') throw new WebhookError('webhook_malformed', 'The Square webhook has no /type.');
  if (typeof eventId !== 'string' || eventId === '') throw new WebhookError('webhook_malformed', 'The Square webhook has no /event_id.');
  let occurredAt: string | undefined;
  if (typeof createdAt === 'string') {
    const ms = Date.parse(createdAt);
    if (Number.isNaN(ms)) throw new WebhookError('webhook_malformed', `The Square webhook's /created_at "${createdAt}" is not a time.`);
    occurredAt = new Date(ms).toISOString();
    const maxAgeMs = settings.webhookMaxAgeHours * 3_600_000;
    if (maxAgeMs > 0 && request.receivedAtMs - ms > maxAgeMs) {
      throw new WebhookError(
        'webhook_stale',
        `The Square webhook ${eventId} was created at ${occurredAt}, more than ${settings.webhookMaxAgeHours} h before it arrived; Square retries for 24 h only, so this is a replay.`,
      );
    }
  }
  return { topic: type, deliveryId: eventId, payload: body, ...(occurredAt === undefined ? {} : { occurredAt }) };
}
