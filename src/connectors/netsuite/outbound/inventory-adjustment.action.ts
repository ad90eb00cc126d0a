import type { ActionCommand, ConnectorAction } from '../../sdk/index.ts';
import type { NetSuiteRequest } from '../client.ts';
import { receiptOf, recordPath, type ActionDeps } from './action-deps.ts';
import { commandData, externalIdAt, invalid, stringAt } from './command-data.ts';
import { itemIdsBySku, suiteqlRequest, itemsBySkuQuery } from './lookups.ts';

// adjustInventory: a Weft stock correction as a NetSuite inventory adjustment, keyed by external
// id = the Weft movement id and written with the eid upsert, so a retry rewrites the same
// adjustment instead of moving stock twice. Accepts the data of weft.inventory.adjusted.v1.

function plan(command: ActionCommand, deps: ActionDeps): { id: string; sku: string; body(itemId: string): Record<string, unknown> } {
  const data = commandData(command);
  const id = externalIdAt(command, data, 'id');
  const sku = stringAt(command, data, 'sku');
  const locationId = stringAt(command, data, 'locationId');
  const delta = data.quantityDelta;
  if (typeof delta !== 'number' || !Number.isSafeInteger(delta) || delta === 0) throw invalid(command, '/quantityDelta', 'must be a non-zero integer');
  const location = deps.settings.locations[locationId] ?? deps.settings.locationId;
  if (location === undefined) throw invalid(command, '/locationId', `${locationId} has no NetSuite location: add it to the target's "locations" (or set locationId)`);
  if (deps.settings.adjustmentAccountId === undefined) throw invalid(command, '', 'cannot be sent: the NetSuite target has no adjustmentAccountId (the GL account of adjustments)');
  const occurredAt = stringAt(command, data, 'occurredAt');
  const memo = [data.kind, data.reason, data.note].filter((part) => typeof part === 'string').join(': ');
  return {
    id,
    sku,
    body: (itemId) => ({
      externalId: id,
      account: { id: deps.settings.adjustmentAccountId },
      adjLocation: { id: location },
      tranDate: occurredAt.slice(0, 10),
      memo: `Weft ${memo}`,
      ...(deps.settings.subsidiaryId === undefined ? {} : { subsidiary: { id: deps.settings.subsidiaryId } }),
      inventory: { items: [{ item: { id: itemId }, location: { id: location }, adjustQtyBy: delta }] },
    }),
  };
}

const put = (id: string, body: unknown): NetSuiteRequest => ({ method: 'PUT', path: recordPath('inventoryAdjustment', id), body, what: 'PUT inventoryAdjustment/eid' });

/** Writes the inventory adjustment whose external id is the Weft movement id. */
export function adjustInventoryAction(deps: ActionDeps): ConnectorAction {
  return {
    description: 'Writes a stock correction as a NetSuite inventory adjustment (external id = Weft movement id, PUT eid upsert). Accepts InventoryAdjusted data (weft.inventory.adjusted.v1).',
    idempotency: 'natural',
    priority: 'urgent',
    async run(context) {
      const adjustment = plan(context.command, deps);
      const ids = await itemIdsBySku(deps.client, [adjustment.sku], context.signal);
      const response = await deps.client.send(put(adjustment.id, adjustment.body(ids.get(adjustment.sku) as string)), context.signal);
      return receiptOf(response, 'upserted');
    },
    async preview(command) {
      const adjustment = plan(command, deps);
      return [deps.client.preview(suiteqlRequest(itemsBySkuQuery([adjustment.sku]), 1000)), deps.client.preview(put(adjustment.id, adjustment.body(`<internal id of item ${adjustment.sku}>`)))];
    },
  };
}
