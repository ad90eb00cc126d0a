// How the payment and cancellation actions find the Shopify order of a Weft order: first the
// Shopify order id the orders/create webhook linked in the cross-reference map (one cheap query by
// id), else the `weft:<ord_…>` tag tagOrder set (a search). Neither there yet is a retryable
// target_rejected: the webhook or the tagOrder command may still be on its way, and Shopify
// answered, so the circuit breaker does not count it.

import { TargetError } from '../../../errors/index.ts';
import type { ActionContext } from '../../sdk/index.ts';
import type { GraphqlOperation, ShopifyClient } from '../client.ts';
import { gid, weftOrderTag } from './command.ts';

/** What a lookup needs from its target. */
export interface OrderLookupDeps {
  client: ShopifyClient;
  target: string;
  /** The source name the shop's order ids are linked under in the cross-reference map. */
  system: string;
}

/** The two queries of one lookup: by Shopify id (answers `{order}`) and by Weft's tag (answers `{orders: {nodes}}`). */
export interface OrderLookupOperations {
  byId(orderGid: string): GraphqlOperation;
  byTag(orderId: string): GraphqlOperation;
}

// Only numeric ids or Order GIDs: a link of another kind under the same system is not an order.
const ORDER_ID = /^(\d+|gid:\/\/shopify\/Order\/\d+)$/;

/** The Shopify order of `orderId` as the lookup's queries select it; throws a retryable target_rejected while it cannot be found. */
export async function findLinkedOrder<T extends { id: string }>(deps: OrderLookupDeps, context: ActionContext, orderId: string, operations: OrderLookupOperations): Promise<T> {
  const linked = (await context.xrefs.externalIds(orderId, deps.system)).filter((id) => ORDER_ID.test(id));
  for (const id of linked) {
    const data = await deps.client.run<{ order: T | null }>(operations.byId(gid('Order', id)), context.signal);
    if (data.order !== null) return data.order;
  }
  const search = operations.byTag(orderId);
  const found = await deps.client.run<{ orders: { nodes: T[] } }>(search, context.signal);
  const orders = found.orders.nodes;
  if (orders.length !== 1) {
    const why = orders.length === 0 ? `no Shopify order is linked to ${orderId} (system "${deps.system}") or tagged ${weftOrderTag(orderId)}` : `more than one Shopify order is tagged ${weftOrderTag(orderId)}`;
    throw new TargetError('target_rejected', `${search.name} to ${deps.target}: ${why}; route weft.order.captured.v1 of this shop to tagOrder`, { retryable: true, retryAfterSeconds: 30 });
  }
  return orders[0] as T;
}
