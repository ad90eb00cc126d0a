import type { ActionCommand, ActionResult, ConnectorAction } from '../../sdk/index.ts';
import { arrayAt, commandData, externalIdAt, invalid, stringAt } from './command-data.ts';
import { receiptOf, recordPath, type ActionDeps } from './action-deps.ts';
import type { NetSuiteRequest } from '../client.ts';

// upsertInventoryItems: each item (variant) of a Weft product as a NetSuite inventory item, keyed
// by external id = the Weft item id, with the SKU as NetSuite's item name/number (`itemId`), which
// is how sales orders find the item again. One PUT per item; each is an upsert, so a retry after
// a partial failure re-sends the ones that already went through harmlessly.
// Accepts the data of weft.product.upserted.v1.

function itemRequests(command: ActionCommand): NetSuiteRequest[] {
  const product = commandData(command);
  const productName = stringAt(command, product, 'name');
  const items = arrayAt(command, product, 'items');
  if (items.length === 0) throw invalid(command, '/items', 'is empty: a product has at least one item');
  return items.map((item, index) => {
    const id = externalIdAt(command, item, 'id');
    const sku = stringAt(command, item, 'sku', `/items/${index}/sku`);
    const gtins = Array.isArray(item.gtins) ? (item.gtins as unknown[]).filter((g): g is string => typeof g === 'string') : [];
    const body: Record<string, unknown> = {
      externalId: id,
      itemId: sku,
      displayName: typeof item.name === 'string' ? `${productName} ${item.name}` : productName,
      isInactive: item.status === 'discontinued' || product.status === 'discontinued',
    };
    if (gtins[0] !== undefined) body.upcCode = gtins[0];
    if (typeof product.description === 'string') body.salesDescription = product.description;
    return { method: 'PUT', path: recordPath('inventoryItem', id), body, what: 'PUT inventoryItem/eid' };
  });
}

/** Creates or updates one inventory item per product item, keyed by the Weft item id. */
export function upsertInventoryItemsAction(deps: ActionDeps): ConnectorAction {
  return {
    description: 'Creates or updates a NetSuite inventory item per product item (external id = Weft item id, itemId = SKU). Accepts Product data (weft.product.upserted.v1).',
    idempotency: 'natural',
    priority: 'bulk',
    async run(context) {
      const requests = itemRequests(context.command);
      const receipts: ActionResult[] = [];
      for (const request of requests) receipts.push(receiptOf(await deps.client.send(request, context.signal), 'upserted'));
      const ids = receipts.map((receipt) => receipt.targetId).filter((id): id is string => id !== undefined);
      const only = requests.length === 1 ? (requests[0]?.body as { externalId: string }).externalId : undefined;
      return { status: 'upserted', ...(ids.length > 0 ? { targetId: ids.join(',') } : {}), ...(only !== undefined && ids.length === 1 ? { xref: { entity: 'item', canonicalId: only } } : {}) };
    },
    async preview(command) {
      return itemRequests(command).map((request) => deps.client.preview(request));
    },
  };
}
