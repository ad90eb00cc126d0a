import type { ActionCommand, ActionContext, ConnectorAction, RequestPreview } from '../../sdk/index.ts';
import { buildRequest, previewOf, send, type SquareApiSettings } from '../client.ts';
import type { SquareTargetSettings } from '../settings.ts';
import { skuSearchRequest, type CatalogLookup } from './catalog.ts';
import { commandData, invalid } from './command.ts';

// Weft stock → Square inventory (BatchChangeInventory, POST /v2/inventory/changes/batch-create),
// with Square's own `idempotency_key` set to the command's key: a retried command is applied once.
//   setInventoryCount  ← weft.inventory.counted.v1 (countedQuantity), weft.inventory.position_reported.v1
//                        (onHand): a PHYSICAL_COUNT of IN_STOCK units, so Square's stock becomes Weft's
//   adjustInventory    ← weft.inventory.received.v1 / weft.inventory.adjusted.v1: an ADJUSTMENT,
//                        NONE → IN_STOCK for units added, IN_STOCK → WASTE for units taken off

interface StockChange {
  sku: string;
  squareLocationId: string;
  body: (catalogObjectId: string, idempotencyKey: string) => unknown;
}

const PATH = '/v2/inventory/changes/batch-create';

function locationOf(command: ActionCommand, settings: SquareTargetSettings, locationId: unknown): string {
  if (typeof locationId !== 'string') throw invalid(command, 'the data has no locationId');
  const square = settings.locations[locationId];
  if (square === undefined) throw invalid(command, `no Square location is configured for ${locationId} (add it to targets.${command.target}.locations)`);
  return square;
}

function integer(command: ActionCommand, value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(command, `${field} is not a whole number`);
  return value;
}

function occurredAt(data: Record<string, unknown>): string | undefined {
  const at = data.occurredAt ?? data.asOf;
  return typeof at === 'string' ? at : undefined;
}

function countChange(command: ActionCommand, settings: SquareTargetSettings): StockChange {
  const { type, data } = commandData(command, ['weft.inventory.counted.v1', 'weft.inventory.position_reported.v1']);
  const counted = type === 'weft.inventory.counted.v1' || (type === undefined && data.countedQuantity !== undefined);
  const quantity = integer(command, counted ? data.countedQuantity : data.onHand, counted ? 'countedQuantity' : 'onHand');
  if (quantity < 0) throw invalid(command, `Square cannot hold a negative physical count (${quantity})`);
  if (typeof data.sku !== 'string') throw invalid(command, 'the data has no sku');
  const squareLocationId = locationOf(command, settings, data.locationId);
  const at = occurredAt(data);
  return {
    sku: data.sku,
    squareLocationId,
    body: (catalogObjectId, key) => ({
      idempotency_key: key,
      changes: [{ type: 'PHYSICAL_COUNT', physical_count: { catalog_object_id: catalogObjectId, state: 'IN_STOCK', location_id: squareLocationId, quantity: String(quantity), ...(at === undefined ? {} : { occurred_at: at }) } }],
      ignore_unchanged_counts: true,
    }),
  };
}

function adjustmentChange(command: ActionCommand, settings: SquareTargetSettings): StockChange {
  const { data } = commandData(command, ['weft.inventory.received.v1', 'weft.inventory.adjusted.v1']);
  const delta = integer(command, data.quantityDelta, 'quantityDelta');
  if (delta === 0) throw invalid(command, 'quantityDelta is 0: nothing to adjust');
  if (typeof data.sku !== 'string') throw invalid(command, 'the data has no sku');
  const squareLocationId = locationOf(command, settings, data.locationId);
  const at = occurredAt(data);
  const [from, to] = delta > 0 ? ['NONE', 'IN_STOCK'] : ['IN_STOCK', 'WASTE'];
  return {
    sku: data.sku,
    squareLocationId,
    body: (catalogObjectId, key) => ({
      idempotency_key: key,
      changes: [
        { type: 'ADJUSTMENT', adjustment: { catalog_object_id: catalogObjectId, from_state: from, to_state: to, location_id: squareLocationId, quantity: String(Math.abs(delta)), ...(at === undefined ? {} : { occurred_at: at }) } },
      ],
    }),
  };
}

function stockAction(description: string, change: (command: ActionCommand, settings: SquareTargetSettings) => StockChange, api: SquareApiSettings & SquareTargetSettings, catalog: CatalogLookup, keyOf: (commandId: string) => string): ConnectorAction {
  return {
    description,
    idempotency: 'key',
    priority: 'urgent',
    async run(context: ActionContext) {
      const planned = change(context.command, api);
      const now = () => context.clock.now();
      const variation = await catalog.variationOf(planned.sku, context.http, now, context.signal);
      const request = buildRequest(api, 'POST', PATH, planned.body(variation, context.idempotencyKey));
      await send(context.http, api, request, `POST ${PATH}`, now, context.signal);
      return { status: 'updated', targetId: `${variation}@${planned.squareLocationId}` };
    },
    async preview(command: ActionCommand): Promise<RequestPreview[]> {
      const planned = change(command, api);
      const variation = catalog.cached(planned.sku);
      const requests = variation === undefined ? [previewOf(skuSearchRequest(api, planned.sku))] : [];
      requests.push(previewOf(buildRequest(api, 'POST', PATH, planned.body(variation ?? `<variation id of SKU ${planned.sku}>`, keyOf(command.id)))));
      return requests;
    },
  };
}

/** setInventoryCount: a Weft count or position → a Square PHYSICAL_COUNT. */
export function setInventoryCountAction(api: SquareApiSettings & SquareTargetSettings, catalog: CatalogLookup, keyOf: (commandId: string) => string): ConnectorAction {
  return stockAction('Sets Square\'s IN_STOCK count of a SKU at a location (PHYSICAL_COUNT) from weft.inventory.counted.v1 or position_reported.v1', countChange, api, catalog, keyOf);
}

/** adjustInventory: a Weft receipt or adjustment → a Square ADJUSTMENT. */
export function adjustInventoryAction(api: SquareApiSettings & SquareTargetSettings, catalog: CatalogLookup, keyOf: (commandId: string) => string): ConnectorAction {
  return stockAction('Adds or writes off units of a SKU at a location in Square (ADJUSTMENT) from weft.inventory.received.v1 or adjusted.v1', adjustmentChange, api, catalog, keyOf);
}
