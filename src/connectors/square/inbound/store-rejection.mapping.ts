import type { OrderReleaseRejected } from '../../../domain/order/events.ts';
import { isCanonicalId } from '../../../domain/shared/ids.ts';
import { MappingError } from '../../../errors/index.ts';
import { toUtc, type MappedEvent, type MappingContext, type MappingOutcome } from '../../sdk/index.ts';
import { metadataOf, shipmentDetailsOf, WEFT_METADATA } from '../weft-orders.ts';
import { optStr, str, type Json } from './read.ts';

// A store turning down a parcel Weft released to it (ship from store): the clerk cannot find the
// item, or it is damaged, and cancels the order's SHIPMENT fulfilment in the Square Dashboard or
// POS (or the fulfilment ends FAILED). For Weft that is weft.order.release_rejected.v1 for the Weft
// order and group on the Square order's metadata, so order-to-cash asks a person (reship from the
// warehouse, or cancel the lines). Weft cancels fulfilments too (cancelOrder, when the customer
// cancels) and marks them (weft-orders.ts); the caller ignores those before this runs.
// Square sends order.updated and order.fulfillment.updated for the same change, and every later
// update of the order (Weft's refund of its payment, say) reports the fulfilment again: the event
// carries a key per Square fulfilment, so the hub keeps one.

const fail = (pointer: string, message: string): MappingError => new MappingError(`${pointer} ${message}`, [{ pointer, message }]);

/** Longest note the event takes (Square's own reasons stop at 100 characters). */
const NOTE_MAX_LENGTH = 1000;

// The clerk's words, as far as they say why. Damage first: "damaged, no other one in stock" is damage.
const DAMAGED = /\b(damaged?|broken|defective|faulty|torn|smashed|cracked|stained|unsellable)\b/;
const OUT_OF_STOCK = /\b(out of stock|no stock|not in stock|sold out|not found|can'?t find|cannot find|could ?n'?t find|could not find|unable to find|missing|not on (the )?shelf|none left|no inventory|unavailable)\b/;
const CANNOT_SHIP = /\b(can'?t ship|cannot ship|could ?n'?t ship|unable to ship|no carrier|no one to pack|undeliverable)\b/;

/** Why, from the store's cancel or failure reason: damaged, out_of_stock, cannot_ship, else other. */
export function rejectionReasonOf(text: string | undefined): OrderReleaseRejected['reason'] {
  const words = (text ?? '').toLowerCase().replace(/[\u2018\u2019`]/g, "'");
  if (DAMAGED.test(words)) return 'damaged';
  if (OUT_OF_STOCK.test(words)) return 'out_of_stock';
  if (CANNOT_SHIP.test(words)) return 'cannot_ship';
  return 'other';
}

/** What the caller found on the Square order Weft created. */
export interface StoreRejectionInput {
  order: Json;
  /** JSON Pointer of the order. */
  at: string;
  fulfillment: Json;
  /** JSON Pointer of the SHIPMENT fulfilment. */
  fulfilmentAt: string;
  /** CANCELED or FAILED. */
  state: 'CANCELED' | 'FAILED';
}

/** The store's cancelled (or failed) shipment as one weft.order.release_rejected.v1. */
export async function rejectionOfStore(input: StoreRejectionInput, context: MappingContext): Promise<MappingOutcome> {
  const { order, at, fulfillment, fulfilmentAt, state } = input;
  const squareOrderId = str(order.id, `${at}/id`);
  const meta = metadataOf(order);
  for (const [key, kind] of [[WEFT_METADATA.orderId, 'order'], [WEFT_METADATA.groupId, 'fulfillmentGroup']] as const) {
    if (!isCanonicalId(kind, meta[key])) {
      throw fail(`${at}/metadata/${key}`, `must be the Weft id Weft set on the order, got ${JSON.stringify(meta[key] ?? null)}: the store turned the parcel down (shipment ${state}), and Square shows an application's metadata only to that application, so the source must read with the same Square application (token) as the target that released the order`);
    }
  }
  const uid = str(fulfillment.uid, `${fulfilmentAt}/uid`);
  const details = shipmentDetailsOf(fulfillment);
  const detailsAt = `${fulfilmentAt}/shipment_details`;
  const [stampKey, reasonKey] = state === 'CANCELED' ? ['canceled_at', 'cancel_reason'] : ['failed_at', 'failure_reason'];
  // Square stamps canceled_at / failed_at with the state; an order without it dates from its last update.
  const occurredAt = details[stampKey] === undefined ? toUtc(order.updated_at, `${at}/updated_at`) : toUtc(details[stampKey], `${detailsAt}/${stampKey}`);
  const said = optStr(details[reasonKey])?.trim();
  const location = meta[WEFT_METADATA.locationId];
  const data: OrderReleaseRejected = {
    orderId: meta[WEFT_METADATA.orderId] as string,
    fulfilmentGroupId: meta[WEFT_METADATA.groupId] as string,
    locationId: isCanonicalId('location', location) ? location : await context.ids.ref('location', str(order.location_id, `${at}/location_id`)),
    reason: rejectionReasonOf(said),
    occurredAt,
  };
  if (said !== undefined) data.note = said.slice(0, NOTE_MAX_LENGTH);
  // One rejection per Square fulfilment (a fulfilment in a final state never changes again), whichever webhook reports it.
  const event: MappedEvent = { type: 'weft.order.release_rejected.v1', subject: data.orderId, time: occurredAt, data, key: `square:shipment:${squareOrderId}:${uid}:rejected` };
  return { kind: 'events', events: [event] };
}
