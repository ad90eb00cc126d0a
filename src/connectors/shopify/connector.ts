// Builds a Shopify target (actions over the Admin GraphQL API) and a Shopify source (webhook
// verification, mappings, and the enrich step that looks up what inventory webhooks leave out).

import { TargetError } from '../../errors/index.ts';
import type { DeliveryTarget, EnrichContext, HttpClient, InboundSource, WebhookDelivery } from '../sdk/index.ts';
import { createShopifyClient, type ShopifyClient } from './client.ts';
import { shopifyMappings } from './inbound/index.ts';
import { isObject } from './inbound/payload.ts';
import { createCancelOrderAction } from './outbound/cancel-order.action.ts';
import { createCapturePaymentAction } from './outbound/capture-payment.action.ts';
import { createCreateFulfillmentAction } from './outbound/create-fulfillment.action.ts';
import { createSetInventoryAction } from './outbound/set-inventory.action.ts';
import { createTagOrderAction } from './outbound/tag-order.action.ts';
import { createNoteOrderAction } from './outbound/note-order.action.ts';
import { DEFAULT_BREAKER, DEFAULT_RATE_LIMIT, DEFAULT_RETRY, graphqlUrl, type ShopifySourceSettings, type ShopifyTargetSettings } from './settings.ts';
import { verifyShopifyWebhook } from './webhooks.ts';

/** What building a target may take besides settings. */
export interface ShopifyTargetDeps {
  http: HttpClient;
  /** Clock of the cost bucket; defaults to Date.now. */
  now?: () => number;
}

/** A Shopify target from validated settings. */
export function createShopifyTarget(name: string, settings: ShopifyTargetSettings, deps: ShopifyTargetDeps): DeliveryTarget {
  const client = createShopifyClient({ http: deps.http, url: graphqlUrl(settings), accessToken: settings.accessToken, timeoutMs: settings.timeoutMs, target: name, ...(deps.now ? { now: deps.now } : {}) });
  return {
    name,
    connector: 'shopify',
    rateLimit: { ...DEFAULT_RATE_LIMIT, ...settings.rateLimit },
    retry: { ...DEFAULT_RETRY, ...settings.retry },
    breaker: { ...DEFAULT_BREAKER, ...settings.breaker },
    timeoutMs: settings.timeoutMs,
    actions: {
      setInventory: createSetInventoryAction({ client, target: name, locations: settings.locations, itemCache: new Map() }),
      createFulfillment: createCreateFulfillmentAction({ client, target: name, locations: settings.locations, notifyCustomer: settings.notifyCustomer }),
      tagOrder: createTagOrderAction({ client, target: name, system: settings.system ?? name }),
      noteOrder: createNoteOrderAction({ client, target: name }),
      capturePayment: createCapturePaymentAction({ client, target: name, system: settings.system ?? name }),
      cancelOrder: createCancelOrderAction({ client, target: name, system: settings.system ?? name }),
    },
    // The client already words Shopify's answers as TargetErrors with the right retryability.
    classify: () => undefined,
    close: async () => undefined,
  };
}

const FIND_ITEM_SKU = `query WeftInventoryItemSku($id: ID!) { inventoryItem(id: $id) { id sku } }`;

/**
 * Adds `inventory_item: {id, sku}` to an inventory_levels/update delivery, from the Admin API, when
 * the source has Admin API settings; other deliveries pass unchanged. An item Shopify does not know
 * (deleted since) leaves the payload without a SKU, and the mapping says so.
 */
async function enrichInventory(client: ShopifyClient | undefined, delivery: WebhookDelivery, context: EnrichContext): Promise<WebhookDelivery> {
  if (client === undefined || delivery.topic !== 'inventory_levels/update' || !isObject(delivery.payload)) return delivery;
  const itemId = delivery.payload.inventory_item_id;
  if (typeof itemId !== 'string' && typeof itemId !== 'number') return delivery;
  const data = await client.run<{ inventoryItem: { id: string; sku: string | null } | null }>(
    { name: 'WeftInventoryItemSku', query: FIND_ITEM_SKU, variables: { id: `gid://shopify/InventoryItem/${itemId}` }, estimatedCost: 2 },
    context.signal,
  );
  if (data.inventoryItem === null) return delivery;
  return { ...delivery, payload: { ...delivery.payload, inventory_item: { id: String(itemId), sku: data.inventoryItem.sku } } };
}

/** A Shopify source from validated settings. */
export function createShopifySource(name: string, settings: ShopifySourceSettings): InboundSource {
  const clients = new WeakMap<HttpClient, ShopifyClient>();
  const clientFor = (http: HttpClient): ShopifyClient | undefined => {
    const admin = settings.admin;
    if (admin === undefined) return undefined;
    let client = clients.get(http);
    if (client === undefined) {
      client = createShopifyClient({ http, url: graphqlUrl(admin), accessToken: admin.accessToken, timeoutMs: 10_000, target: `${name} (source)` });
      clients.set(http, client);
    }
    return client;
  };
  return {
    name,
    connector: 'shopify',
    verify: (request) => verifyShopifyWebhook(settings.clientSecret, request),
    mappings: shopifyMappings,
    async enrich(delivery, context) {
      try {
        return await enrichInventory(clientFor(context.http), delivery, context);
      } catch (error) {
        // Without the SKU the mapping fails with its own message; a transient lookup failure should be retried.
        if (error instanceof TargetError && error.retryable) throw error;
        context.log.warn({ source: name, topic: delivery.topic, error: (error as Error).message }, 'Shopify inventory item lookup failed');
        return delivery;
      }
    },
    settings,
  };
}
