// The marks Weft leaves on the Square orders it creates (ship from store), read back by the
// inbound side and by cancelOrder. A Square order Weft made is a pick-and-ship instruction for the
// store, never a new sale: the inbound side must recognise it so the order does not come back as
// weft.order.captured.v1 (a loop), and must find Weft's ids on it when the store ships or turns
// the parcel down. When Weft cancels the shipment itself (cancelOrder) it marks that too, so the
// inbound side does not take Weft's own cancellation for the store's rejection.
//
// Square keeps an application's metadata private to that application (Orders API "metadata"), so
// the source that reads these orders must use the same Square application as the target that made
// them; `source.name` is public and is the fallback sign.

/** A JSON object. */
type Json = Record<string, unknown>;

/** `source.name` of every Square order Weft creates. */
export const WEFT_SOURCE_NAME = 'Weft';

/** Metadata keys Weft writes (Square: at most 10 per object, keys ≤ 60 chars of [a-zA-Z0-9_-], values ≤ 255). */
export const WEFT_METADATA = {
  /** On the order: the canonical order id (`ord_…`). */
  orderId: 'weft_order_id',
  /** On the order: the fulfilment group it carries (`ful_…`). */
  groupId: 'weft_group_id',
  /** On the order: the canonical location the group ships from (`loc_…`), so the shipment names the same one. */
  locationId: 'weft_location_id',
  /** On each line item: the canonical order line (`oln_…`). */
  lineId: 'weft_line_id',
  /** On each line item: the canonical SKU, so the shipment does not depend on Square's catalog. */
  sku: 'weft_sku',
  /** On the order: set by cancelOrder (the command id) in the UpdateOrder that cancels its shipment, so that cancellation is known as Weft's. */
  cancelledBy: 'weft_cancelled',
} as const;

/**
 * Start of the `shipment_details.cancel_reason` cancelOrder writes when Weft cancels a store's
 * shipment itself (the customer cancelled): the store's staff read it in the Dashboard, and the
 * inbound side tells Weft's cancellation from the store's (which is weft.order.release_rejected.v1).
 */
export const WEFT_CANCEL_REASON_PREFIX = 'Cancelled by Weft: ';

/** Square's limit on `shipment_details.cancel_reason` (and `failure_reason`). */
export const CANCEL_REASON_MAX_LENGTH = 100;

/** The cancel_reason Weft writes: the prefix and why, cut to Square's 100 characters. */
export function weftCancelReason(why: string): string {
  return `${WEFT_CANCEL_REASON_PREFIX}${why}`.slice(0, CANCEL_REASON_MAX_LENGTH);
}

/**
 * `source_type` of the payments Weft records on its Square orders (ship from store: the channel took
 * the money, the store's order is paid with an external payment). Payments of any other type on an
 * order are the store's own.
 */
export const WEFT_PAYMENT_SOURCE_TYPE = 'EXTERNAL';

/**
 * Refund destinations (`PaymentRefund.destination_type`) that cannot be the refund of an EXTERNAL
 * payment: a refund with one of these is never Weft's. Any other (EXTERNAL, or none given) may be.
 */
export const NON_EXTERNAL_REFUND_DESTINATIONS: ReadonlySet<string> = new Set(['CARD', 'CASH', 'BANK_ACCOUNT', 'WALLET']);

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The string metadata of a Square order (or line item); empty when it has none or it is not readable. */
export function metadataOf(object: Json): Record<string, string> {
  if (!isObject(object.metadata)) return {};
  return Object.fromEntries(Object.entries(object.metadata).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** Whether Weft created this Square order: its metadata names a Weft order, or its source is Weft. */
export function isWeftOrder(order: Json): boolean {
  if (metadataOf(order)[WEFT_METADATA.orderId] !== undefined) return true;
  return isObject(order.source) && order.source.name === WEFT_SOURCE_NAME;
}

/** The SHIPMENT fulfilment of a Square order (Weft creates exactly one), with its index. */
export function shipmentFulfilmentOf(order: Json): { fulfillment: Json; index: number } | undefined {
  const list = Array.isArray(order.fulfillments) ? order.fulfillments : [];
  const index = list.findIndex((entry) => isObject(entry) && entry.type === 'SHIPMENT');
  return index < 0 ? undefined : { fulfillment: list[index] as Json, index };
}

/** The `shipment_details` of a fulfilment (empty when it has none). */
export function shipmentDetailsOf(fulfillment: Json): Json {
  return isObject(fulfillment.shipment_details) ? fulfillment.shipment_details : {};
}

/**
 * How Weft marked the cancellation of this order's shipment as its own (cancelOrder), for a reason;
 * undefined when it carries neither mark (someone else cancelled it: the store). Either mark is
 * enough: the metadata is private to Weft's Square application (no clerk can write it), and the
 * cancel_reason is public (a source reading with another application still sees it).
 */
export function weftCancellationMark(order: Json): string | undefined {
  const by = metadataOf(order)[WEFT_METADATA.cancelledBy];
  if (by !== undefined) return `metadata ${WEFT_METADATA.cancelledBy} ${by}`;
  const found = shipmentFulfilmentOf(order);
  const reason = found === undefined ? undefined : shipmentDetailsOf(found.fulfillment).cancel_reason;
  return typeof reason === 'string' && reason.trimStart().startsWith(WEFT_CANCEL_REASON_PREFIX) ? `cancel_reason "${reason}"` : undefined;
}

/** Whether the store's order is cancelled: the order itself or its shipment fulfilment. */
export function isCancelled(order: Json): boolean {
  return order.state === 'CANCELED' || shipmentFulfilmentOf(order)?.fulfillment.state === 'CANCELED';
}

/** Whether the store shipped it: the shipment fulfilment is COMPLETED. */
export function isShipped(order: Json): boolean {
  return shipmentFulfilmentOf(order)?.fulfillment.state === 'COMPLETED';
}

/** How a reason names a Square order Weft created: `Square order <id>, which Weft created for ord_… (ship from store)`. */
export function describeWeftOrder(order: Json): string {
  const weftOrderId = metadataOf(order)[WEFT_METADATA.orderId];
  return `Square order ${String(order.id)}, which Weft created${weftOrderId === undefined ? '' : ` for ${weftOrderId}`} (ship from store)`;
}
