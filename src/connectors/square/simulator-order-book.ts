import { createHash } from 'node:crypto';
import type { SimResponse } from '../sdk/index.ts';
import { buildOrder, type SqLineInput, type SqMoney, type SqOrderInput } from './simulator-orders.ts';

// The simulator's orders after the request reached them: CreateOrder's checks (one fulfilment per
// API order, a recipient's display_name on a shipment, the location's currency, metadata limits),
// UpdateOrder (PUT /v2/orders/{id}: sparse order, `version` must be current, else 400
// VERSION_MISMATCH; a repeated idempotency_key answers the latest order without applying anything,
// as Square documents; a paid order cannot be CANCELED, only its fulfilment; a cancel_reason or
// failure_reason past 100 characters is 400 VALUE_TOO_LONG), SearchOrders
// (locations, state, source and created_at filters, cursor pages), and the store's side: a clerk
// shipping a fulfilment in the Square Dashboard, or turning it down (cancelling it with a reason).
// Payments are simulator-payments.ts's.

/** A JSON object. */
type Json = Record<string, unknown>;

/** What the order book works on, owned by the simulator. */
export interface OrderBookDeps {
  orders: Map<string, Json>;
  locations: readonly { id: string; currency: string }[];
  catalog: readonly { id: string; name: string; price: SqMoney }[];
  /** Idempotency keys of UpdateOrder calls already applied: key → hash of the body. */
  updateKeys: Map<string, string>;
  iso(): string;
  error(status: number, detail: string, code?: string, field?: string): SimResponse;
}

/** One fulfilment as the simulator's state shows it. */
export interface SimFulfilment {
  orderId: string;
  locationId: string;
  referenceId: string | undefined;
  orderState: string;
  uid: string;
  type: string;
  state: string;
  recipient: string | undefined;
  carrier: string | undefined;
  trackingNumber: string | undefined;
  metadata: Record<string, string>;
}

const FINAL = new Set(['COMPLETED', 'CANCELED', 'FAILED']);
/** Square's limit on a shipment's cancel_reason and failure_reason. */
const REASON_MAX = 100;
const REASON_FIELDS = ['cancel_reason', 'failure_reason'] as const;
const METADATA_KEY = /^[a-zA-Z0-9_-]{1,60}$/;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const hashOf = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');

// Square's metadata limits: at most 10 entries, keys of [a-zA-Z0-9_-] up to 60, values up to 255.
function metadataProblem(metadata: unknown, field: string, deps: OrderBookDeps): SimResponse | undefined {
  if (metadata === undefined) return undefined;
  if (!isObject(metadata)) return deps.error(400, 'Metadata must be a map of strings.', 'INVALID_VALUE', field);
  const entries = Object.entries(metadata);
  if (entries.length > 10) return deps.error(400, 'An application can have up to 10 metadata entries.', 'INVALID_VALUE', field);
  const bad = entries.find(([key, value]) => !METADATA_KEY.test(key) || typeof value !== 'string' || value.length > 255);
  return bad === undefined ? undefined : deps.error(400, `Invalid metadata entry \`${bad[0]}\`.`, 'INVALID_VALUE', `${field}.${bad[0]}`);
}

/** CreateOrder of a body whose idempotency was checked: the order, or Square's 400. */
export function createOrder(body: Json, deps: OrderBookDeps): SimResponse {
  const input = (isObject(body.order) ? body.order : {}) as Partial<SqOrderInput>;
  const location = deps.locations.find((l) => l.id === input.location_id);
  if (location === undefined) return deps.error(400, 'Location not found.', 'NOT_FOUND', 'order.location_id');
  if (!Array.isArray(input.line_items) || input.line_items.length === 0) return deps.error(400, 'An order must have at least one line item.', 'MISSING_REQUIRED_PARAMETER', 'order.line_items');
  if (typeof input.reference_id === 'string' && input.reference_id.length > 40) return deps.error(400, 'Field must not be greater than 40 length', 'VALUE_TOO_LONG', 'order.reference_id');
  const fulfillments = input.fulfillments ?? [];
  if (fulfillments.length > 1) return deps.error(400, 'Orders created with the API can have at most one fulfillment.', 'INVALID_VALUE', 'order.fulfillments');
  const shipment = fulfillments[0]?.type === 'SHIPMENT' ? fulfillments[0].shipment_details : undefined;
  if (fulfillments[0]?.type === 'SHIPMENT' && !(isObject(shipment?.recipient) && typeof shipment.recipient.display_name === 'string' && shipment.recipient.display_name !== '')) {
    return deps.error(400, 'Field must be set', 'MISSING_REQUIRED_PARAMETER', 'order.fulfillments[0].shipment_details.recipient.display_name');
  }
  const problem = metadataProblem(input.metadata, 'order.metadata', deps);
  if (problem !== undefined) return problem;
  const lines: SqLineInput[] = [];
  for (const [i, line] of input.line_items.entries()) {
    const field = `order.line_items[${i}]`;
    const lineProblem = metadataProblem(line.metadata, `${field}.metadata`, deps);
    if (lineProblem !== undefined) return lineProblem;
    let resolved: SqLineInput = line;
    if (line.catalog_object_id !== undefined) {
      const variation = deps.catalog.find((v) => v.id === line.catalog_object_id);
      if (variation === undefined) return deps.error(400, `Item with ID \`${line.catalog_object_id}\` not found.`, 'INVALID_VALUE', `${field}.catalog_object_id`);
      // A catalog line takes the catalog's name; base_price_money, when sent, overrides the price.
      resolved = { ...line, name: variation.name, base_price_money: line.base_price_money ?? variation.price };
    } else if (line.name === undefined || line.base_price_money === undefined) {
      return deps.error(400, 'An ad hoc line item needs a name and base_price_money.', 'MISSING_REQUIRED_PARAMETER', `${field}.base_price_money`);
    }
    if (resolved.base_price_money !== undefined && resolved.base_price_money.currency !== location.currency) {
      return deps.error(400, `Expected ${location.currency}, the location's currency.`, 'INVALID_VALUE', `${field}.base_price_money.currency`);
    }
    lines.push(resolved);
  }
  const order = buildOrder({ ...input, location_id: location.id, line_items: lines }, location.currency, deps.iso());
  deps.orders.set(order.id as string, order);
  return { status: 200, body: { order } };
}

function changeFulfilment(fulfillment: Json, state: string, details: Json | undefined, at: string): void {
  fulfillment.state = state;
  const key = fulfillment.type === 'PICKUP' ? 'pickup_details' : 'shipment_details';
  const current = isObject(fulfillment[key]) ? fulfillment[key] : {};
  const stamp = state === 'COMPLETED' ? (key === 'shipment_details' ? 'shipped_at' : 'picked_up_at') : state === 'CANCELED' ? 'canceled_at' : state === 'RESERVED' ? 'in_progress_at' : state === 'PREPARED' ? 'packaged_at' : undefined;
  fulfillment[key] = { ...current, ...(details ?? {}), ...(stamp === undefined ? {} : { [stamp]: at }) };
}

/** UpdateOrder (PUT /v2/orders/{id}) of a sparse order. */
export function updateOrder(id: string, body: Json, deps: OrderBookDeps): SimResponse {
  const order = deps.orders.get(id);
  if (order === undefined) return deps.error(404, `Could not find order with id \`${id}\`.`);
  const key = body.idempotency_key;
  if (key !== undefined) {
    if (typeof key !== 'string' || key === '') return deps.error(400, 'Field must not be empty', 'INVALID_VALUE', 'idempotency_key');
    const seen = deps.updateKeys.get(`${id}:${key}`);
    if (seen !== undefined) return seen === hashOf(body) ? { status: 200, body: { order } } : deps.error(400, 'The idempotency key can only be retried with the same request data.', 'IDEMPOTENCY_KEY_REUSED', 'idempotency_key');
  }
  const sparse = isObject(body.order) ? body.order : undefined;
  if (sparse === undefined) return deps.error(400, 'Field must be set', 'MISSING_REQUIRED_PARAMETER', 'order');
  if (sparse.version !== order.version) {
    return deps.error(400, `Order version ${String(sparse.version)} does not match the server version ${String(order.version)}.`, 'VERSION_MISMATCH', 'order.version');
  }
  if (FINAL.has(String(order.state))) return deps.error(400, `An order in state ${String(order.state)} cannot be updated.`, 'BAD_REQUEST', 'order.state');
  if (sparse.state !== undefined && !['OPEN', 'COMPLETED', 'CANCELED'].includes(String(sparse.state))) return deps.error(400, `Invalid order state ${String(sparse.state)}.`, 'INVALID_VALUE', 'order.state');
  // Square, once an order has a payment (refunded or not): cancel its fulfilment, not the order.
  if (sparse.state === 'CANCELED' && Array.isArray(order.tenders) && order.tenders.length > 0) return deps.error(400, 'Orders cannot be canceled after payments have been processed.', 'BAD_REQUEST', 'order.state');
  const problem = metadataProblem(sparse.metadata, 'order.metadata', deps);
  if (problem !== undefined) return problem;
  const existing = Array.isArray(order.fulfillments) ? (order.fulfillments as Json[]) : [];
  const changes = Array.isArray(sparse.fulfillments) ? sparse.fulfillments : [];
  // Check every change before applying any: a refused update leaves the order as it was.
  for (const [i, change] of changes.entries()) {
    const target = isObject(change) ? existing.find((f) => f.uid === change.uid) : undefined;
    if (target === undefined) return deps.error(400, 'Only existing fulfillments can be changed here.', 'INVALID_VALUE', `order.fulfillments[${i}].uid`);
    if (isObject(change) && change.state !== undefined && change.state !== target.state && FINAL.has(String(target.state))) {
      return deps.error(400, `A fulfillment in state ${String(target.state)} cannot change state.`, 'INVALID_VALUE', `order.fulfillments[${i}].state`);
    }
    const details = isObject(change) && isObject(change.shipment_details) ? change.shipment_details : {};
    const long = REASON_FIELDS.find((field) => typeof details[field] === 'string' && details[field].length > REASON_MAX);
    if (long !== undefined) return deps.error(400, `Field must not be greater than ${REASON_MAX} length`, 'VALUE_TOO_LONG', `order.fulfillments[${i}].shipment_details.${long}`);
  }
  const at = deps.iso();
  for (const change of changes as Json[]) {
    const target = existing.find((f) => f.uid === change.uid) as Json;
    const details = isObject(change.shipment_details) ? change.shipment_details : isObject(change.pickup_details) ? change.pickup_details : undefined;
    changeFulfilment(target, typeof change.state === 'string' ? change.state : String(target.state), details, at);
  }
  if (isObject(sparse.metadata)) order.metadata = { ...(isObject(order.metadata) ? order.metadata : {}), ...sparse.metadata };
  if (typeof sparse.state === 'string' && sparse.state !== order.state) {
    order.state = sparse.state;
    if (sparse.state !== 'OPEN') order.closed_at = at;
  }
  order.version = (order.version as number) + 1;
  order.updated_at = at;
  if (typeof key === 'string') deps.updateKeys.set(`${id}:${key}`, hashOf(body));
  return { status: 200, body: { order } };
}

/** SearchOrders (POST /v2/orders/search): locations (1 to 10), state, source and created_at filters, pages by cursor. */
export function searchOrders(body: Json, deps: OrderBookDeps): SimResponse {
  const locationIds = body.location_ids;
  if (!Array.isArray(locationIds) || locationIds.length === 0 || locationIds.length > 10) return deps.error(400, 'Between 1 and 10 location IDs must be given.', 'INVALID_VALUE', 'location_ids');
  const query = isObject(body.query) ? body.query : {};
  const filter = isObject(query.filter) ? query.filter : {};
  const sort = isObject(query.sort) ? query.sort : {};
  const states = isObject(filter.state_filter) && Array.isArray(filter.state_filter.states) ? (filter.state_filter.states as string[]) : undefined;
  const sources = isObject(filter.source_filter) && Array.isArray(filter.source_filter.source_names) ? (filter.source_filter.source_names as string[]) : undefined;
  const created = isObject(filter.date_time_filter) && isObject(filter.date_time_filter.created_at) ? filter.date_time_filter.created_at : undefined;
  if (created !== undefined && sort.sort_field !== undefined && sort.sort_field !== 'CREATED_AT') return deps.error(400, 'The sort_field must match the date_time_filter field.', 'INVALID_VALUE', 'query.sort.sort_field');
  const limit = typeof body.limit === 'number' ? body.limit : 500;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return deps.error(400, 'Limit must be between 1 and 1000.', 'INVALID_VALUE', 'limit');
  const from = typeof created?.start_at === 'string' ? Date.parse(created.start_at) : -Infinity;
  const to = typeof created?.end_at === 'string' ? Date.parse(created.end_at) : Infinity;
  const matches = [...deps.orders.values()].filter((order) => {
    const source = isObject(order.source) ? order.source.name : undefined;
    const at = Date.parse(String(order.created_at));
    return locationIds.includes(order.location_id) && (states === undefined || states.includes(String(order.state))) && (sources === undefined || sources.includes(String(source))) && at >= from && at < to;
  });
  // A stable sort keeps creation order among orders of the same millisecond.
  matches.sort((a, b) => Date.parse(String(a.created_at)) - Date.parse(String(b.created_at)));
  if (sort.sort_order === 'DESC') matches.reverse();
  const offset = typeof body.cursor === 'string' ? Number(Buffer.from(body.cursor, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(offset) || offset < 0) return deps.error(400, 'Invalid cursor.', 'INVALID_CURSOR', 'cursor');
  const page = matches.slice(offset, offset + limit);
  const next = offset + limit < matches.length ? Buffer.from(String(offset + limit)).toString('base64url') : undefined;
  return { status: 200, body: page.length === 0 ? {} : { orders: page, ...(next === undefined ? {} : { cursor: next }) } };
}

// The open SHIPMENT fulfilment a clerk acts on, and its state; throws when there is none.
function openShipment(order: Json): { fulfillment: Json; oldState: string } {
  const fulfillment = (Array.isArray(order.fulfillments) ? (order.fulfillments as Json[]) : []).find((f) => f.type === 'SHIPMENT');
  if (fulfillment === undefined) throw new Error(`Square order ${String(order.id)} has no SHIPMENT fulfillment`);
  const oldState = String(fulfillment.state);
  if (FINAL.has(oldState)) throw new Error(`the shipment of Square order ${String(order.id)} is ${oldState} already`);
  return { fulfillment, oldState };
}

/** The store ships a fulfilment (Dashboard or POS): COMPLETED with carrier and tracking. Returns its uid and former state. */
export function shipFulfilment(order: Json, shipped: { carrier?: string; trackingNumber?: string; trackingUrl?: string }, at: string): { uid: string; oldState: string } {
  const { fulfillment, oldState } = openShipment(order);
  const details: Json = {
    ...(shipped.carrier === undefined ? {} : { carrier: shipped.carrier }),
    ...(shipped.trackingNumber === undefined ? {} : { tracking_number: shipped.trackingNumber }),
    ...(shipped.trackingUrl === undefined ? {} : { tracking_url: shipped.trackingUrl }),
  };
  changeFulfilment(fulfillment, 'COMPLETED', details, at);
  // Square completes an order once it is paid and fulfilled (what the Dashboard does); unpaid, it stays OPEN.
  const paid = Array.isArray(order.tenders) && order.tenders.length > 0 && isObject(order.net_amount_due_money) && order.net_amount_due_money.amount === 0;
  if (paid && order.state === 'OPEN') {
    order.state = 'COMPLETED';
    order.closed_at = at;
  }
  order.version = (order.version as number) + 1;
  order.updated_at = at;
  return { uid: String(fulfillment.uid), oldState };
}

/**
 * The store turns a fulfilment down (Dashboard or POS: the item is not on the shelf, or damaged):
 * CANCELED with its cancel_reason (at most 100 characters, as Square takes) and canceled_at. The
 * order stays OPEN, paid or not: Square cancels no order with a processed payment, and an unpaid
 * one is not on the store's list. Returns its uid and former state.
 */
export function rejectFulfilment(order: Json, rejected: { reason?: string }, at: string): { uid: string; oldState: string } {
  const { fulfillment, oldState } = openShipment(order);
  if (rejected.reason !== undefined && rejected.reason.length > REASON_MAX) throw new Error(`a cancel_reason takes at most ${REASON_MAX} characters`);
  changeFulfilment(fulfillment, 'CANCELED', rejected.reason === undefined ? undefined : { cancel_reason: rejected.reason }, at);
  order.version = (order.version as number) + 1;
  order.updated_at = at;
  return { uid: String(fulfillment.uid), oldState };
}

/** Every fulfilment of every order, flattened for the state view. */
export function fulfilmentsView(orders: Iterable<Json>): SimFulfilment[] {
  const view: SimFulfilment[] = [];
  for (const order of orders) {
    for (const f of Array.isArray(order.fulfillments) ? (order.fulfillments as Json[]) : []) {
      const details = isObject(f.shipment_details) ? f.shipment_details : isObject(f.pickup_details) ? f.pickup_details : {};
      const recipient = isObject(details.recipient) ? details.recipient : {};
      view.push({
        orderId: String(order.id),
        locationId: String(order.location_id),
        referenceId: typeof order.reference_id === 'string' ? order.reference_id : undefined,
        orderState: String(order.state),
        uid: String(f.uid),
        type: String(f.type),
        state: String(f.state),
        recipient: typeof recipient.display_name === 'string' ? recipient.display_name : undefined,
        carrier: typeof details.carrier === 'string' ? details.carrier : undefined,
        trackingNumber: typeof details.tracking_number === 'string' ? details.tracking_number : undefined,
        metadata: isObject(order.metadata) ? (order.metadata as Record<string, string>) : {},
      });
    }
  }
  return view;
}
