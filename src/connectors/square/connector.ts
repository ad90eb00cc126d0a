import { idempotencyKeyOf, type DeliveryTarget, type InboundSource, type TargetDeps } from '../sdk/index.ts';
import { SquareApiError, squareCodeRetryable } from './client.ts';
import { createEnrich } from './enrich.ts';
import { customerCreatedMapping, customerDeletedMapping, customerUpdatedMapping, loyaltyAccountCreatedMapping } from './inbound/customer.mapping.ts';
import { inventoryCountMapping } from './inbound/inventory-count.mapping.ts';
import { orderMapping } from './inbound/order.mapping.ts';
import { paymentCreatedMapping, paymentUpdatedMapping } from './inbound/payment.mapping.ts';
import { refundMapping } from './inbound/refund.mapping.ts';
import { createCatalogLookup } from './outbound/catalog.ts';
import { createCustomerAction } from './outbound/customer.action.ts';
import { adjustInventoryAction, setInventoryCountAction } from './outbound/inventory.action.ts';
import { cancelOrderAction } from './outbound/cancel-order.action.ts';
import { releaseOrderAction } from './outbound/release-order.action.ts';
import { DEFAULT_BREAKER, DEFAULT_RATE_LIMIT, DEFAULT_RETRY, parseSquareSourceSettings, parseSquareTargetSettings } from './settings.ts';
import { verifySquareWebhook } from './webhooks.ts';
import { locationMapping } from './inbound/location.mapping.ts';

// Builds Square sources (webhooks in, enriched by API reads) and targets (stock, customers and
// ship-from-store orders out) from their settings. Settings are checked here, so a bad config stops Weft at start-up.

/** The mappings of a Square source, by Square event type. */
export const squareMappings = {
  'order.created': orderMapping,
  'order.updated': orderMapping,
  'order.fulfillment.updated': orderMapping,
  'payment.created': paymentCreatedMapping,
  'payment.updated': paymentUpdatedMapping,
  'refund.created': refundMapping,
  'refund.updated': refundMapping,
  'inventory.count.updated': inventoryCountMapping,
  'customer.created': customerCreatedMapping,
  'customer.updated': customerUpdatedMapping,
  'customer.deleted': customerDeletedMapping,
  'loyalty.account.created': loyaltyAccountCreatedMapping,
  'location.created': locationMapping,
  'location.updated': locationMapping,
} as const;

/** A Square source named `name`. */
export function createSquareSource(name: string, input: unknown): InboundSource {
  const settings = parseSquareSourceSettings(name, input);
  return {
    name,
    connector: 'square',
    verify: (request) => verifySquareWebhook(request, settings),
    mappings: squareMappings,
    enrich: createEnrich(settings),
    settings,
  };
}

/** Square's error codes that say more than the status (VERSION_MISMATCH on a 409 is worth a retry; IDEMPOTENCY_KEY_REUSED never is). */
export function classifySquareError(error: unknown): { retryable: boolean } | undefined {
  if (!(error instanceof SquareApiError)) return undefined;
  const retryable = squareCodeRetryable(error.squareCode);
  return retryable === undefined ? undefined : { retryable };
}

/** A Square target named `name`. */
export function createSquareTarget(name: string, input: unknown, _deps: TargetDeps): DeliveryTarget {
  const settings = parseSquareTargetSettings(name, input);
  const catalog = createCatalogLookup(settings);
  return {
    name,
    connector: 'square',
    rateLimit: { ...DEFAULT_RATE_LIMIT, ...settings.rateLimit },
    retry: { ...DEFAULT_RETRY, ...settings.retry },
    breaker: { ...DEFAULT_BREAKER, ...settings.breaker },
    // Stock actions look a SKU up first (two requests); a release looks up each SKU, creates and
    // pays an order per group; a cancel reads, may search, updates and refunds: a few requests per attempt.
    timeoutMs: settings.timeoutMs * (6 + settings.cancelSearchPages),
    actions: {
      setInventoryCount: setInventoryCountAction(settings, catalog, idempotencyKeyOf),
      adjustInventory: adjustInventoryAction(settings, catalog, idempotencyKeyOf),
      createCustomer: createCustomerAction(settings, idempotencyKeyOf),
      releaseOrder: releaseOrderAction(settings, catalog, idempotencyKeyOf),
      cancelOrder: cancelOrderAction(settings, idempotencyKeyOf),
    },
    classify: classifySquareError,
    async close() {
      // The HTTP client belongs to the caller.
    },
  };
}
