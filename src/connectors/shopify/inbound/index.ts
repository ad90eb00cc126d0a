// The mappings of a Shopify source, by webhook topic (X-Shopify-Topic). A topic missing here is
// recorded as ignored by the inbound pipeline.

import type { InboundMapping } from '../../sdk/index.ts';
import { customersCreateMapping, customersDeleteMapping, customersUpdateMapping } from './customers.mapping.ts';
import { fulfillmentsCreateMapping } from './fulfillments-create.mapping.ts';
import { inventoryLevelsDisconnectMapping, inventoryLevelsUpdateMapping } from './inventory-levels.mapping.ts';
import { ordersCreateMapping } from './orders-create.mapping.ts';
import { ordersCancelledMapping, ordersDeleteMapping, ordersUpdatedMapping } from './orders-lifecycle.mapping.ts';
import { refundsCreateMapping } from './refunds-create.mapping.ts';

/** Shopify webhook topic → mapping. */
export const shopifyMappings: Readonly<Record<string, InboundMapping>> = {
  'orders/create': ordersCreateMapping,
  'orders/cancelled': ordersCancelledMapping,
  'orders/updated': ordersUpdatedMapping,
  'orders/delete': ordersDeleteMapping,
  'refunds/create': refundsCreateMapping,
  'customers/create': customersCreateMapping,
  'customers/update': customersUpdateMapping,
  'customers/delete': customersDeleteMapping,
  'inventory_levels/update': inventoryLevelsUpdateMapping,
  'inventory_levels/disconnect': inventoryLevelsDisconnectMapping,
  'fulfillments/create': fulfillmentsCreateMapping,
};

/** Topic → what it becomes, for the manifest and the docs. */
export const shopifyTopics: Readonly<Record<string, string>> = {
  'orders/create': 'weft.order.captured.v1',
  'orders/cancelled': 'weft.order.cancelled.v1',
  'orders/updated': 'ignored (no canonical event for an arbitrary edit)',
  'orders/delete': 'ignored (orders are kept; no time in the body)',
  'refunds/create': 'weft.refund.issued.v1 (requested / failed by transaction status)',
  'customers/create': 'weft.customer.created.v1',
  'customers/update': 'weft.customer.updated.v1',
  'customers/delete': 'ignored (not an erasure; no time in the body)',
  'inventory_levels/update': 'weft.inventory.position_reported.v1',
  'inventory_levels/disconnect': 'ignored (no canonical event)',
  'fulfillments/create': 'weft.shipment.dispatched.v1',
};
