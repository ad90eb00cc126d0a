import { TargetError } from '../../../errors/index.ts';
import type { ActionContext } from '../../sdk/index.ts';
import { buildRequest, send, SquareApiError, type SquareApiSettings, type SquareRequest } from '../client.ts';
import { metadataOf, WEFT_METADATA, WEFT_SOURCE_NAME } from '../weft-orders.ts';

// Finding the Square orders Weft created for an order, for cancelOrder (and for a release replayed
// after Square forgot its idempotency key). Two ways, cheapest first:
//   1. the cross-reference map: a release that made one Square order links it to the Weft order,
//      so RetrieveOrder (GET /v2/orders/{id}) of each linked id;
//   2. SearchOrders (POST /v2/orders/search) at the stores' locations, source "Weft", created since
//      the Weft order was, keeping those whose metadata names the Weft order. A release that made
//      several Square orders (one per store parcel) has no link: a receipt carries one.
// SearchOrders cannot filter on metadata or reference_id, so the filter is narrowed by source,
// location and creation time, and the metadata is compared here.

/** A JSON object. */
type Json = Record<string, unknown>;

/** SearchOrders' largest page. */
const PAGE = 500;
/** Clock skew allowed between Weft's ids and Square's created_at. */
const SKEW_MS = 24 * 60 * 60 * 1000;
/** SearchOrders takes at most 10 locations a request. */
const LOCATIONS_PER_SEARCH = 10;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** When a canonical id (`ord_<ULID>`) was minted, from the ULID's 48-bit time; undefined when it is no ULID. */
export function mintedAt(id: string): number | undefined {
  const ulid = id.slice(id.indexOf('_') + 1);
  if (!/^[0-9A-HJKMNP-TV-Z]{26}$/.test(ulid)) return undefined;
  let ms = 0;
  for (const char of ulid.slice(0, 10)) ms = ms * 32 + CROCKFORD.indexOf(char);
  return ms;
}

/** The RetrieveOrder request of a Square order. */
export function retrieveRequest(api: SquareApiSettings, squareOrderId: string): SquareRequest {
  return buildRequest(api, 'GET', `/v2/orders/${encodeURIComponent(squareOrderId)}`);
}

/** A Square order by id, or undefined when Square has none (404). */
export async function retrieveOrder(context: ActionContext, api: SquareApiSettings, squareOrderId: string): Promise<Json | undefined> {
  try {
    const answer = (await send(context.http, api, retrieveRequest(api, squareOrderId), 'GET /v2/orders/{order_id}', () => context.clock.now(), context.signal)) as { order?: unknown };
    return typeof answer.order === 'object' && answer.order !== null ? (answer.order as Json) : undefined;
  } catch (error) {
    if (error instanceof SquareApiError && error.targetStatus === 404) return undefined;
    throw error;
  }
}

/** The SearchOrders request for Weft's orders at some locations, created since `since` (ISO time), one page. */
export function searchRequest(api: SquareApiSettings, squareLocationIds: readonly string[], since: string | undefined, cursor: string | undefined): SquareRequest {
  const filter: Json = {
    state_filter: { states: ['OPEN', 'COMPLETED', 'CANCELED'] },
    source_filter: { source_names: [WEFT_SOURCE_NAME] },
    ...(since === undefined ? {} : { date_time_filter: { created_at: { start_at: since } } }),
  };
  // Square requires the sort field to match a date_time_filter's field.
  const query = { filter, sort: { sort_field: 'CREATED_AT', sort_order: 'ASC' } };
  return buildRequest(api, 'POST', '/v2/orders/search', { location_ids: squareLocationIds, query, limit: PAGE, ...(cursor === undefined ? {} : { cursor }) });
}

/** Where the search starts: a day before the Weft order's id was minted (a release cannot precede it). */
export function searchSince(orderId: string): string | undefined {
  const at = mintedAt(orderId);
  return at === undefined ? undefined : new Date(Math.max(0, at - SKEW_MS)).toISOString();
}

/**
 * Weft's Square orders for `orderId` at the locations, reading at most `pages` pages per 10
 * locations. `complete` is false when a page limit cut the search short.
 */
export async function searchWeftOrders(context: ActionContext, api: SquareApiSettings, options: { orderId: string; squareLocationIds: readonly string[]; pages: number }): Promise<{ orders: Json[]; complete: boolean }> {
  const since = searchSince(options.orderId);
  const unique = [...new Set(options.squareLocationIds)];
  const orders: Json[] = [];
  let complete = true;
  for (let start = 0; start < unique.length; start += LOCATIONS_PER_SEARCH) {
    const locations = unique.slice(start, start + LOCATIONS_PER_SEARCH);
    let cursor: string | undefined;
    let page = 0;
    do {
      const answer = (await send(context.http, api, searchRequest(api, locations, since, cursor), 'POST /v2/orders/search', () => context.clock.now(), context.signal)) as { orders?: unknown; cursor?: unknown };
      for (const order of Array.isArray(answer.orders) ? answer.orders : []) {
        if (typeof order === 'object' && order !== null && metadataOf(order as Json)[WEFT_METADATA.orderId] === options.orderId) orders.push(order as Json);
      }
      cursor = typeof answer.cursor === 'string' && answer.cursor !== '' ? answer.cursor : undefined;
      page += 1;
    } while (cursor !== undefined && page < options.pages);
    if (cursor !== undefined) complete = false;
  }
  return { orders, complete };
}

/** The terminal error of a search cut short: the operator raises the limit or acts in Square. */
export function searchIncomplete(command: ActionContext['command'], orderId: string, pages: number): TargetError {
  return new TargetError(
    'target_rejected',
    `${command.target}.${command.action}: the Square orders of ${orderId} were not all found among the first ${pages * PAGE} Weft orders per 10 locations created since it; raise targets.${command.target}.cancelSearchPages or cancel them in Square`,
  );
}
