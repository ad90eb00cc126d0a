// setInventory: Weft's stock position of a SKU at a location becomes Shopify's `available`
// quantity there, through inventorySetQuantities. Takes weft.inventory.position_reported.v1.
//
// Idempotency: Shopify's @idempotent(key:) directive (optional since 2026-01, required since
// 2026-04) with the command's idempotency key: a retry returns the first result instead of applying
// again. The set is absolute, and `changeFromQuantity: null` opts out of compare-and-set: Weft is
// the source of truth and does not know Shopify's count at the moment of the write (reading it
// first would race all the same).

import { TargetError } from '../../../errors/index.ts';
import { idempotencyKeyOf, type ActionCommand, type ActionContext, type ActionResult, type ConnectorAction, type RequestPreview } from '../../sdk/index.ts';
import { errorForUserErrors, type GraphqlOperation, type ShopifyClient, type UserError } from '../client.ts';
import { eventOf, gid } from './command.ts';

/** Event types setInventory takes. */
export const SET_INVENTORY_EVENTS = ['weft.inventory.position_reported.v1'] as const;

/** What setInventory needs from its target. */
export interface SetInventoryDeps {
  client: ShopifyClient;
  target: string;
  /** Weft location id → Shopify location id. */
  locations: Readonly<Record<string, string>>;
  /** SKU → inventory item gid, remembered across commands (a SKU's item does not change). */
  itemCache: Map<string, string>;
}

const FIND_ITEM = `query WeftFindInventoryItem($query: String!) {
  inventoryItems(first: 2, query: $query) { nodes { id sku } }
}`;

/** The lookup of an inventory item by SKU. */
export function findItemOperation(sku: string): GraphqlOperation {
  return { name: 'WeftFindInventoryItem', query: FIND_ITEM, variables: { query: `sku:${JSON.stringify(sku)}` }, estimatedCost: 4 };
}

/** The inventorySetQuantities mutation, with the idempotency key inlined in the directive. */
export function setQuantitiesOperation(itemGid: string, locationGid: string, quantity: number, key: string, commandId: string): GraphqlOperation {
  const query = `mutation WeftSetInventory($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) @idempotent(key: ${JSON.stringify(key)}) {
    inventoryAdjustmentGroup { id reason changes { name delta quantityAfterChange } }
    userErrors { field message code }
  }
}`;
  return {
    name: 'WeftSetInventory',
    query,
    variables: {
      input: {
        name: 'available',
        reason: 'correction',
        referenceDocumentUri: `weft://commands/${commandId}`,
        quantities: [{ inventoryItemId: itemGid, locationId: locationGid, quantity, changeFromQuantity: null }],
      },
    },
    estimatedCost: 10,
  };
}

interface Position {
  sku: string;
  locationId: string;
  available: number;
}

function positionOf(command: ActionCommand, target: string): Position {
  const { data } = eventOf(command, SET_INVENTORY_EVENTS, `${target}.setInventory`);
  const { sku, locationId, available } = data;
  if (typeof sku !== 'string' || typeof locationId !== 'string' || typeof available !== 'number' || !Number.isSafeInteger(available)) {
    throw new TargetError('target_rejected', `${target}.setInventory: the position needs sku, locationId and an integer available`);
  }
  return { sku, locationId, available };
}

function shopifyLocation(deps: SetInventoryDeps, locationId: string): string {
  const id = deps.locations[locationId];
  if (id === undefined) throw new TargetError('target_rejected', `${deps.target}.setInventory: no Shopify location for ${locationId}; add it to targets.${deps.target}.locations`);
  return gid('Location', id);
}

async function itemOf(deps: SetInventoryDeps, sku: string, signal: AbortSignal): Promise<string> {
  const cached = deps.itemCache.get(sku);
  if (cached !== undefined) return cached;
  const data = await deps.client.run<{ inventoryItems: { nodes: { id: string; sku: string | null }[] } }>(findItemOperation(sku), signal);
  const nodes = data.inventoryItems.nodes.filter((node) => node.sku === sku);
  if (nodes.length !== 1) {
    throw new TargetError('target_rejected', `${deps.target}.setInventory: ${nodes.length === 0 ? 'no' : 'more than one'} Shopify inventory item has SKU ${JSON.stringify(sku)}`);
  }
  deps.itemCache.set(sku, nodes[0]!.id);
  return nodes[0]!.id;
}

/** Builds the setInventory action of a target. */
export function createSetInventoryAction(deps: SetInventoryDeps): ConnectorAction {
  return {
    description: 'Sets Shopify\'s available quantity of a SKU at a location (inventorySetQuantities) from weft.inventory.position_reported.v1.',
    idempotency: 'key',
    priority: 'urgent',
    async run(context: ActionContext): Promise<ActionResult> {
      const position = positionOf(context.command, deps.target);
      const locationGid = shopifyLocation(deps, position.locationId);
      const itemGid = await itemOf(deps, position.sku, context.signal);
      const operation = setQuantitiesOperation(itemGid, locationGid, position.available, context.idempotencyKey, context.command.id);
      const data = await deps.client.run<{ inventorySetQuantities: { inventoryAdjustmentGroup: { id: string } | null; userErrors: UserError[] } }>(operation, context.signal);
      const error = errorForUserErrors(data.inventorySetQuantities.userErrors, `WeftSetInventory to ${deps.target}`);
      if (error) throw error;
      // A set to the quantity Shopify already holds changes nothing and returns no adjustment group.
      const group = data.inventorySetQuantities.inventoryAdjustmentGroup;
      return { targetId: group?.id ?? itemGid, status: group ? 'updated' : 'unchanged' };
    },
    async preview(command: ActionCommand): Promise<RequestPreview[]> {
      const position = positionOf(command, deps.target);
      const locationGid = shopifyLocation(deps, position.locationId);
      const itemGid = deps.itemCache.get(position.sku) ?? '<inventory item found by SKU>';
      const previews: RequestPreview[] = deps.itemCache.has(position.sku) ? [] : [deps.client.preview(findItemOperation(position.sku))];
      previews.push(deps.client.preview(setQuantitiesOperation(itemGid, locationGid, position.available, idempotencyKeyOf(command.id), command.id)));
      return previews;
    },
  };
}
