// What the Shopify connector is, declared once: `weft connectors` and the docs read it.

import type { ConnectorManifest } from '../sdk/index.ts';
import { shopifyTopics } from './inbound/index.ts';
import { DEFAULT_API_VERSION, DEFAULT_BREAKER, DEFAULT_RATE_LIMIT, DEFAULT_RETRY, ShopifySourceSettings, ShopifyTargetSettings } from './settings.ts';

/** The Shopify connector's manifest. */
export const shopifyManifest: ConnectorManifest = {
  name: 'shopify',
  displayName: `Shopify (Admin GraphQL API ${DEFAULT_API_VERSION})`,
  systemType: 'storefront',
  reads: ['order', 'refund', 'customer', 'inventory', 'shipment'],
  writes: ['inventory', 'fulfilment', 'order', 'payment'],
  auth: { method: 'Admin API access token of a custom app (X-Shopify-Access-Token)', webhooks: 'base64 HMAC-SHA256 of the raw body with the app\'s client secret (X-Shopify-Hmac-Sha256); no timestamp, deduplicated by X-Shopify-Webhook-Id' },
  settings: { target: ShopifyTargetSettings, source: ShopifySourceSettings },
  rateLimit: DEFAULT_RATE_LIMIT,
  retry: DEFAULT_RETRY,
  breaker: DEFAULT_BREAKER,
  topics: shopifyTopics,
  actions: {
    setInventory: { description: 'Sets available stock of a SKU at a location (inventorySetQuantities, @idempotent key)', writes: 'inventory', idempotency: 'key', priority: 'urgent' },
    createFulfillment: { description: 'Creates a fulfilment with tracking through the order\'s fulfillment orders', writes: 'fulfilment', idempotency: 'lookup', priority: 'urgent' },
    tagOrder: { description: 'Tags the Shopify order with its Weft order id (tagsAdd)', writes: 'order', idempotency: 'natural', priority: 'normal' },
    noteOrder: { description: 'Sets the order note to where the order stands in Weft (orderUpdate): holds, lifted holds, cancellations', writes: 'order', idempotency: 'natural', priority: 'normal' },
    capturePayment: { description: 'Captures the order\'s authorised payment (orderCapture on its authorization transaction); transactions read first, a capture of the same amount is already_captured', writes: 'payment', idempotency: 'lookup', priority: 'urgent' },
    cancelOrder: { description: 'Cancels the order Weft cancelled (orderCancel): refunds captured money to the original payment methods, voids authorisations, does not restock (Weft owns stock), notifies the customer; cancelledAt read first, an order already cancelled is already_cancelled', writes: 'order', idempotency: 'lookup', priority: 'urgent' },
  },
};
