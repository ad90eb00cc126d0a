import { WebhookError } from '../../errors/index.ts';
import type { WebhookDelivery, WebhookRequest } from '../sdk/index.ts';

// NetSuite sends no webhooks to Weft: the source polls (inbound/poller.ts). Anything that arrives at
// a NetSuite source's webhook URL did not come from NetSuite through a documented, signed channel,
// so it is refused rather than trusted.

/** Refuses every webhook: NetSuite sources poll. */
export function verifyNetSuiteWebhook(_request: WebhookRequest): WebhookDelivery {
  throw new WebhookError('webhook_signature_invalid', 'NetSuite does not send webhooks to Weft; this source polls NetSuite with SuiteQL. A request at its webhook URL cannot be verified and is refused.');
}
