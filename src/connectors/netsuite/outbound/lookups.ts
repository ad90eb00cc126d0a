import { TargetError } from '../../../errors/index.ts';
import type { NetSuiteClient, NetSuiteRequest } from '../client.ts';
import { sqlString } from '../client.ts';

// The SuiteQL look-ups actions make before they write: internal ids of items by SKU (itemid),
// of a customer by its external id (the Weft customer id), and of a transaction by its external id
// (how a transform finds what an earlier attempt created). The simulator answers exactly these
// query shapes, so their text is built here and nowhere else.

/** SuiteQL: items whose item name/number is one of `skus`. */
export function itemsBySkuQuery(skus: readonly string[]): string {
  return `SELECT id, itemid FROM item WHERE itemid IN (${skus.map(sqlString).join(', ')})`;
}

/** SuiteQL: the customer with this external id. */
export function customerByExternalIdQuery(externalId: string): string {
  return `SELECT id FROM customer WHERE externalid = ${sqlString(externalId)}`;
}

/** SuiteQL: the transaction with this external id. */
export function transactionByExternalIdQuery(externalId: string): string {
  return `SELECT id FROM transaction WHERE externalid = ${sqlString(externalId)}`;
}

/**
 * Internal ids of items by SKU. Throws a terminal TargetError naming the SKUs NetSuite does not
 * know: a sales order with an unknown item cannot be created, and retrying will not change that
 * until someone creates the item (then replay the dead letter).
 */
export async function itemIdsBySku(client: NetSuiteClient, skus: readonly string[], signal?: AbortSignal): Promise<Map<string, string>> {
  const unique = [...new Set(skus)];
  const found = new Map<string, string>();
  if (unique.length === 0) return found;
  const page = await client.suiteql(itemsBySkuQuery(unique), { limit: 1000, offset: 0 }, signal);
  for (const row of page.items) if (typeof row.itemid === 'string' && row.id !== undefined) found.set(row.itemid, String(row.id));
  const missing = unique.filter((sku) => !found.has(sku));
  if (missing.length > 0) {
    throw new TargetError('target_rejected', `${client.system} has no item with the item name/number ${missing.map((sku) => `"${sku}"`).join(', ')}; create it (or send the product first), then replay`);
  }
  return found;
}

/** The internal id of the customer whose external id is `externalId`, or undefined. */
export async function customerIdByExternalId(client: NetSuiteClient, externalId: string, signal?: AbortSignal): Promise<string | undefined> {
  const page = await client.suiteql(customerByExternalIdQuery(externalId), { limit: 1, offset: 0 }, signal);
  const id = page.items[0]?.id;
  return id === undefined ? undefined : String(id);
}

/** The internal id of the transaction whose external id is `externalId`, or undefined. */
export async function transactionIdByExternalId(client: NetSuiteClient, externalId: string, signal?: AbortSignal): Promise<string | undefined> {
  const page = await client.suiteql(transactionByExternalIdQuery(externalId), { limit: 1, offset: 0 }, signal);
  const id = page.items[0]?.id;
  return id === undefined ? undefined : String(id);
}

/** The SuiteQL request as a dry run shows it. */
export function suiteqlRequest(query: string, limit: number): NetSuiteRequest {
  return { method: 'POST', path: '/query/v1/suiteql', query: { limit: String(limit), offset: '0' }, body: { q: query }, headers: { prefer: 'transient' }, what: 'POST suiteql' };
}
