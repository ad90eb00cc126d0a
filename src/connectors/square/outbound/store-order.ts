import { validateEventData } from '../../../domain/events/validate.ts';
import type { FulfilmentGroup } from '../../../domain/order/fulfilment-group.schema.ts';
import type { Order, OrderLine } from '../../../domain/order/order.schema.ts';
import type { Address } from '../../../domain/shared/primitives.ts';
import { isCanonicalId } from '../../../domain/shared/ids.ts';
import type { ActionCommand } from '../../sdk/index.ts';
import type { SquareTargetSettings } from '../settings.ts';
import { WEFT_METADATA, WEFT_SOURCE_NAME } from '../weft-orders.ts';
import { invalid } from './command.ts';

// A canonical Order as the Square orders a store ships (ship from store). Square allows one
// fulfilment per API-made order and all its items at one location, so each fulfilment group Weft
// releases becomes one Square order at the group's store, with one SHIPMENT fulfilment (PROPOSED:
// the store has not started). Weft's ids ride along in metadata (order, group, location; line and SKU
// per line item) and come back on the fulfilment webhooks when the store ships. The Square order is
// a pick instruction, not the sale: the channel took the money, so it carries the lines at the
// channel's unit prices and nothing else (no taxes, discounts or shipping charges).

/** A JSON object. */
type Json = Record<string, unknown>;

/** One Square order to create: a group of the Order at its Square location. */
export interface PlannedStoreOrder {
  group: FulfilmentGroup;
  /** Index of the group in the Order, for pointers. */
  index: number;
  squareLocationId: string;
  /** The group's lines with the units still to ship (ordered minus cancelled). */
  lines: { line: OrderLine; quantity: number }[];
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

// The data of a command: the payload is the whole event ({type, subject, data}) or its data alone.
function dataOf(command: ActionCommand): { type: string | undefined; data: Json } {
  const payload = command.payload;
  if (!isObject(payload)) throw invalid(command, 'the payload is not an object');
  if (typeof payload.type === 'string' && isObject(payload.data)) return { type: payload.type, data: payload.data };
  return { type: undefined, data: payload };
}

function checkedOrder(command: ActionCommand, type: string | undefined, data: Json): Order {
  const verdict = validateEventData('weft.order.captured.v1', typeof data.id === 'string' ? data.id : '', data);
  if (!verdict.ok) {
    const problems = verdict.problems.slice(0, 5).map((problem) => `/data${problem.pointer}: ${problem.message}`);
    throw invalid(command, `the data of ${type ?? 'the payload'} is not a valid Order: ${problems.join('; ')}`);
  }
  return data as unknown as Order;
}

/** The whole Order a release carries (weft.order.captured.v1, or any event whose data is an Order), checked against the catalogue. */
export function orderOf(command: ActionCommand): Order {
  const { type, data } = dataOf(command);
  if (!Array.isArray(data.lines) && typeof data.orderId === 'string') {
    throw invalid(command, `${type ?? 'the payload'} carries only ids (orderId ${data.orderId}); a store order needs the whole Order (lines, ship-to). Route weft.order.captured.v1 to releaseOrder`);
  }
  return checkedOrder(command, type, data);
}

/**
 * The order a cancellation is for: its id, the whole Order when the payload carries one (the
 * process's compensation sends weft.order.cancelled.v1, which names only the order), and the
 * event's reason when it gives one (`customer_request`).
 */
export function cancellationOf(command: ActionCommand): { orderId: string; order: Order | undefined; reason: string | undefined; groupId?: string } {
  const { type, data } = dataOf(command);
  if (Array.isArray(data.lines)) {
    const order = checkedOrder(command, type, data);
    return { orderId: order.id, order, reason: undefined };
  }
  const reason = typeof data.reason === 'string' && /^[a-z_]{1,40}$/.test(data.reason) ? data.reason : undefined;
  // weft.order.release_rejected.v1: only the parcel the store turned down is withdrawn (its payment refunded); the order's other parcels go on.
  if (type === 'weft.order.release_rejected.v1' && isCanonicalId('order', data.orderId) && isCanonicalId('fulfillmentGroup', data.fulfilmentGroupId)) return { orderId: data.orderId, order: undefined, reason, groupId: data.fulfilmentGroupId };
  if (isCanonicalId('order', data.orderId)) return { orderId: data.orderId, order: undefined, reason };
  throw invalid(command, 'the data names no order: expected weft.order.cancelled.v1 (data.orderId) or a whole Order (data.id, data.lines)');
}

/** Whether the target releases this group: a kind it takes, not cancelled. */
export function releasable(group: FulfilmentGroup, settings: SquareTargetSettings): boolean {
  return (settings.fulfilmentKinds as readonly string[]).includes(group.kind) && group.status !== 'cancelled';
}

/**
 * The Square orders a release creates, one per releasable group with units left; a group at a
 * location without a Square location is a `command_invalid` naming the field (nothing is sent).
 */
export function planRelease(command: ActionCommand, order: Order, settings: SquareTargetSettings): PlannedStoreOrder[] {
  const planned: PlannedStoreOrder[] = [];
  const problems: string[] = [];
  order.fulfilmentGroups.forEach((group, index) => {
    if (!releasable(group, settings)) return;
    const at = `/data/fulfilmentGroups/${index}`;
    const squareLocationId = group.locationId === undefined ? undefined : settings.locations[group.locationId];
    if (squareLocationId === undefined) {
      problems.push(group.locationId === undefined ? `${at}/locationId is missing: a ${group.kind} group names the store it leaves from` : `${at}/locationId ${group.locationId} has no Square location (add it to targets.${command.target}.locations)`);
      return;
    }
    if (group.shippingAddress === undefined) {
      problems.push(`${at}/shippingAddress is missing: a parcel from a store needs the address it goes to`);
      return;
    }
    if (recipientName(order, group) === undefined) problems.push(`${at}/shippingAddress/name is missing: Square needs the recipient's display_name (or a company)`);
    const lines = group.lineIds.flatMap((lineId) => {
      const line = order.lines.find((candidate) => candidate.id === lineId);
      const quantity = line === undefined ? 0 : line.quantity - (line.cancelledQuantity ?? 0);
      return line !== undefined && quantity > 0 && line.status !== 'cancelled' ? [{ line, quantity }] : [];
    });
    if (lines.length > 0) planned.push({ group, index, squareLocationId, lines });
  });
  if (problems.length > 0) throw invalid(command, problems.join('; '));
  return planned;
}

function recipientName(order: Order, group: FulfilmentGroup): string | undefined {
  const address = group.shippingAddress;
  return address?.name ?? address?.company ?? order.billingAddress?.name;
}

// Square's Address; an ISO 3166-2 region (US-CA) is sent as Square's state code (CA).
function squareAddress(address: Address): Json {
  const region = address.region?.startsWith(`${address.country}-`) ? address.region.slice(address.country.length + 1) : address.region;
  return {
    address_line_1: address.line1,
    ...(address.line2 === undefined ? {} : { address_line_2: address.line2 }),
    locality: address.city,
    ...(region === undefined ? {} : { administrative_district_level_1: region }),
    ...(address.postalCode === undefined ? {} : { postal_code: address.postalCode }),
    country: address.country,
  };
}

/** Square's idempotency key of the CreateOrder of one group: the command's key and the group, so every attempt of the command sends the same. */
export function createKeyOf(idempotencyKey: string, groupId: string): string {
  return `${idempotencyKey}:${groupId}`;
}

/**
 * The CreateOrder body of one planned group. `variations` holds the catalog variation id of each SKU
 * Square's catalog has exactly once; other lines go ad hoc (name + price).
 */
export function createOrderBody(order: Order, planned: PlannedStoreOrder, variations: ReadonlyMap<string, string | undefined>, idempotencyKey: string): Json {
  const { group } = planned;
  const address = group.shippingAddress as Address;
  const phone = address.phone ?? order.billingAddress?.phone;
  const recipient: Json = {
    display_name: (recipientName(order, group) ?? '').slice(0, 255),
    ...(order.guestEmail === undefined ? {} : { email_address: order.guestEmail }),
    ...(phone === undefined ? {} : { phone_number: phone }),
    address: squareAddress(address),
  };
  const method = group.shippingMethod;
  const shipmentDetails: Json = {
    recipient,
    ...(method?.carrier === undefined ? {} : { carrier: method.carrier }),
    ...(method === undefined ? {} : { shipping_type: method.service ?? method.code }),
  };
  const lineItems = planned.lines.map(({ line, quantity }) => {
    const catalogObjectId = variations.get(line.sku);
    return {
      quantity: String(quantity),
      // A catalog line takes its name from the catalog; an ad hoc line needs one.
      ...(catalogObjectId === undefined ? { name: (line.name ?? line.sku).slice(0, 500) } : { catalog_object_id: catalogObjectId }),
      // The channel's price: Square lets base_price_money override a catalog variation's price.
      base_price_money: { amount: line.unitPrice.amount, currency: line.unitPrice.currency },
      metadata: { [WEFT_METADATA.lineId]: line.id, [WEFT_METADATA.sku]: line.sku },
    };
  });
  const metadata: Record<string, string> = { [WEFT_METADATA.orderId]: order.id, [WEFT_METADATA.groupId]: group.id };
  if (group.locationId !== undefined) metadata[WEFT_METADATA.locationId] = group.locationId;
  return {
    idempotency_key: createKeyOf(idempotencyKey, group.id),
    order: {
      location_id: planned.squareLocationId,
      // What the customer quotes, for the store staff; Square takes at most 40 characters.
      reference_id: order.orderNumber.length <= 40 ? order.orderNumber : order.id,
      source: { name: WEFT_SOURCE_NAME },
      metadata,
      line_items: lineItems,
      fulfillments: [{ type: 'SHIPMENT', state: 'PROPOSED', shipment_details: shipmentDetails }],
    },
  };
}
