import type { ShipStationClient } from '../client.ts';

// Finding the ShipStation orders Weft created for a canonical order. ShipStation V1 cannot list
// orders by orderKey (GET /orders filters by orderNumber, a "starts with" search, by status, dates,
// store), so a lookup lists by order number when Weft knows it, or pages through the open orders,
// and keeps those whose orderKey is ours.

/** A ShipStation order as GET /orders lists it (the fields the connector reads). */
export interface ListedOrder {
  orderId: number | string;
  orderKey?: string | null;
  orderNumber?: string;
  orderStatus?: string;
  [field: string]: unknown;
}

/** Whether an orderKey is one Weft gave a ShipStation order of this canonical order. */
export function isKeyOf(orderId: string, orderKey: unknown): boolean {
  return typeof orderKey === 'string' && (orderKey === orderId || (orderKey.startsWith(`${orderId}:`) && /^\d+$/.test(orderKey.slice(orderId.length + 1))));
}

interface Page {
  orders: ListedOrder[];
  pages: number;
}

function pageOf(answer: unknown): Page {
  const record = (typeof answer === 'object' && answer !== null ? answer : {}) as { orders?: unknown; pages?: unknown };
  const orders = Array.isArray(record.orders) ? (record.orders.filter((order) => typeof order === 'object' && order !== null) as ListedOrder[]) : [];
  return { orders, pages: typeof record.pages === 'number' ? record.pages : 1 };
}

/** What a lookup needs. */
export interface LookupContext {
  client: ShipStationClient;
  storeId: number | undefined;
  signal: AbortSignal;
  now: () => number;
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, String(value));
  return search.toString();
}

/** The GET of orders whose number starts with `orderNumber`, as sent. */
export function byNumberPath(orderNumber: string, storeId: number | undefined): string {
  return `/orders?${query({ orderNumber, storeId, pageSize: 500 })}`;
}

/** Our ShipStation orders among those whose number starts with `orderNumber` (one request). */
export async function findByOrderNumber(context: LookupContext, orderId: string, orderNumber: string): Promise<ListedOrder[]> {
  const { client, storeId, signal, now } = context;
  const page = pageOf(await client.send(client.prepare('GET', byNumberPath(orderNumber, storeId)), signal, now()));
  return page.orders.filter((order) => isKeyOf(orderId, order.orderKey));
}

/** The GET of one page of orders in a status, newest first, as sent. */
export function byStatusPath(status: string, page: number, storeId: number | undefined): string {
  return `/orders?${query({ orderStatus: status, storeId, sortBy: 'CreateDate', sortDir: 'DESC', pageSize: 500, page })}`;
}

/**
 * Our ShipStation orders among the open ones (`statuses`), newest first, reading at most
 * `maxPages` pages per status. `complete` says whether every open order was looked at.
 */
export async function scanOpenOrders(context: LookupContext, orderId: string, statuses: readonly string[], maxPages: number): Promise<{ found: ListedOrder[]; complete: boolean }> {
  const { client, storeId, signal, now } = context;
  const found: ListedOrder[] = [];
  let complete = true;
  for (const status of statuses) {
    for (let page = 1; ; page++) {
      const answer = pageOf(await client.send(client.prepare('GET', byStatusPath(status, page, storeId)), signal, now()));
      found.push(...answer.orders.filter((order) => isKeyOf(orderId, order.orderKey)));
      if (page >= answer.pages || answer.orders.length === 0) break;
      if (page >= maxPages) {
        complete = false;
        break;
      }
    }
  }
  return { found, complete };
}

/** Our ShipStation orders by their ShipStation ids (as the cross-reference map links them), one request each. */
export async function findByIds(context: LookupContext, orderId: string, ids: readonly string[]): Promise<ListedOrder[]> {
  const { client, signal, now } = context;
  const found: ListedOrder[] = [];
  for (const id of ids) {
    if (!/^\d+$/.test(id)) continue;
    const order = (await client.send(client.prepare('GET', `/orders/${id}`), signal, now())) as ListedOrder;
    if (isKeyOf(orderId, order.orderKey)) found.push(order);
  }
  return found;
}
