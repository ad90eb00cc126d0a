// inventory_levels/update → weft.inventory.position_reported.v1; inventory_levels/disconnect → ignored.
//
// The webhook names an inventory item and a location, not a SKU. The source's enrich step
// (connector.ts) asks the Admin API for the item's SKU and adds it as `inventory_item.sku`; without
// Admin API settings there is no SKU and the mapping fails with a MappingError saying so (kept and
// replayable once configured). The location must be linked to a Weft location (ids.find): a level
// at a Shopify location Weft does not manage (an app's or a 3PL's) is ignored with the reason.
//
// Shopify reports only `available` (on hand less what Shopify has committed to orders), so the
// position reports it as on hand with nothing reserved, in transit or held back. Route it only for
// locations where Shopify is the stock master; where Weft feeds Shopify (setInventory), this echo of
// Weft's own write is not news.

import { MappingError } from '../../../errors/index.ts';
import type { InventoryPosition } from '../../../domain/inventory/inventory-position.schema.ts';
import { toUtc, type InboundMapping, type MappingContext, type MappingOutcome } from '../../sdk/index.ts';
import { idAt, integerAt, optObject, optString, rootObject } from './payload.ts';

/** Maps inventory_levels/update (enriched with the item's SKU) to weft.inventory.position_reported.v1. */
export async function mapInventoryLevelUpdated(payload: unknown, context: MappingContext): Promise<MappingOutcome> {
  const level = rootObject(payload, 'inventory_levels/update');
  const itemId = idAt(level.inventory_item_id, '/inventory_item_id');
  const shopifyLocation = idAt(level.location_id, '/location_id');
  if (level.available === null) return { kind: 'ignored', reason: `inventory item ${itemId} is not tracked at Shopify location ${shopifyLocation} (available is null)` };
  const available = integerAt(level.available, '/available');
  const locationId = await context.ids.find('location', shopifyLocation);
  if (locationId === undefined) return { kind: 'ignored', reason: `Shopify location ${shopifyLocation} is not linked to a Weft location; link it to take its stock levels` };
  const sku = optString(optObject(level.inventory_item, '/inventory_item')?.sku);
  if (sku === undefined) {
    throw new MappingError(`No SKU for Shopify inventory item ${itemId}`, [
      { pointer: '/inventory_item_id', message: 'the webhook carries no SKU; give the source Admin API settings (admin.shop, admin.accessToken with read_inventory) so Weft can look it up, and give the variant a SKU in Shopify' },
    ]);
  }
  const asOf = toUtc(level.updated_at, '/updated_at');
  const data: InventoryPosition = { sku, locationId, onHand: available, reserved: 0, inTransit: 0, safetyStock: 0, available: Math.max(0, available), asOf };
  return { kind: 'events', events: [{ type: 'weft.inventory.position_reported.v1', subject: `${sku}@${locationId}`, time: asOf, data }] };
}

/** inventory_levels/update → weft.inventory.position_reported.v1. */
export const inventoryLevelsUpdateMapping: InboundMapping = {
  description: 'inventory_levels/update → weft.inventory.position_reported.v1 (available as on hand), SKU from the Admin API, location from the cross-reference; unknown locations ignored.',
  map: mapInventoryLevelUpdated,
};

/**
 * inventory_levels/disconnect (an item stopped being stocked at a location) is recorded as ignored:
 * the catalogue has no event for "not stocked here", and a zero position would read as sold out.
 */
export const inventoryLevelsDisconnectMapping: InboundMapping = {
  description: 'inventory_levels/disconnect → ignored: no canonical event for an item no longer stocked at a location.',
  async map(payload: unknown): Promise<MappingOutcome> {
    const level = rootObject(payload, 'inventory_levels/disconnect');
    const itemId = idAt(level.inventory_item_id, '/inventory_item_id');
    const location = idAt(level.location_id, '/location_id');
    return { kind: 'ignored', reason: `inventory item ${itemId} is no longer stocked at Shopify location ${location}; Weft has no event for that (a zero position would read as sold out)` };
  },
};
