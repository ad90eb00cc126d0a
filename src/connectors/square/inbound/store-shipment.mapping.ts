import { isCanonicalId } from '../../../domain/shared/ids.ts';
import type { Address } from '../../../domain/shared/primitives.ts';
import type { Shipment } from '../../../domain/shipment/shipment.schema.ts';
import { MappingError } from '../../../errors/index.ts';
import { toUtc, type MappedEvent, type MappingContext, type MappingOutcome } from '../../sdk/index.ts';
import { metadataOf, shipmentFulfilmentOf, weftCancellationMark, WEFT_METADATA } from '../weft-orders.ts';
import { arr, isObject, obj, optStr, skuOf, sourceSettings, str, units, type Enrichment, type Json } from './read.ts';
import { rejectionOfStore } from './store-rejection.mapping.ts';

// A Square order Weft created (ship from store, outbound/release-order.action.ts), seen again on
// order.created / order.updated / order.fulfillment.updated after RetrieveOrder. It is never a sale
// (capturing it would loop it back into order-to-cash). What Weft takes from it is the store's
// shipment: when its SHIPMENT fulfilment is COMPLETED, weft.shipment.dispatched.v1 for the Weft
// order and group named in the order's metadata, with the lines' canonical ids from the line items'
// metadata, and carrier and tracking from shipment_details. When the store cancels the fulfilment
// (or it FAILED), the store turned the parcel down: weft.order.release_rejected.v1
// (store-rejection.mapping.ts), unless Weft cancelled it itself (cancelOrder marks its own). Every
// other state is ignored with a reason. Square sends order.updated and order.fulfillment.updated
// for the same change, and repeats webhooks: the shipment's id comes from the Square order and
// fulfilment uid, and its event carries a key on the same, so the hub keeps one.

const E164 = /^\+[1-9]\d{1,14}$/;

const fail = (pointer: string, message: string): MappingError => new MappingError(`${pointer} ${message}`, [{ pointer, message }]);

/** A carrier as Weft's carrier code (`UPS` → `ups`, `Canada Post` → `canada-post`); `other` when the store named none. */
export function carrierCode(value: unknown): string {
  const code = (optStr(value) ?? '').toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z]+|-+$/g, '').slice(0, 50);
  return code === '' ? 'other' : code;
}

// The recipient's address as Weft's, when it is complete enough to be one.
function shipToOf(details: Json): Address | undefined {
  const recipient = isObject(details.recipient) ? details.recipient : undefined;
  const address = isObject(recipient?.address) ? recipient.address : undefined;
  if (recipient === undefined || address === undefined) return undefined;
  const line1 = optStr(address.address_line_1);
  const city = optStr(address.locality);
  const country = optStr(address.country)?.toUpperCase();
  if (line1 === undefined || city === undefined || country === undefined || !/^[A-Z]{2}$/.test(country)) return undefined;
  const shipTo: Address = { line1, city, country };
  const name = optStr(recipient.display_name);
  const line2 = optStr(address.address_line_2);
  const region = optStr(address.administrative_district_level_1);
  const postalCode = optStr(address.postal_code);
  const phone = optStr(recipient.phone_number)?.replace(/[\s().-]/g, '');
  if (name !== undefined) shipTo.name = name.slice(0, 200);
  if (line2 !== undefined) shipTo.line2 = line2;
  if (region !== undefined) shipTo.region = region;
  if (postalCode !== undefined) shipTo.postalCode = postalCode;
  if (phone !== undefined && E164.test(phone)) shipTo.phone = phone;
  return shipTo;
}

// Units per canonical line: every line item (Square's default line_item_application ALL), or the
// fulfilment's entries when it names them (ENTRY_LIST).
function shippedLines(order: Json, fulfillment: Json, at: string, fulfilmentAt: string, context: MappingContext, enrichment: Enrichment | undefined): Shipment['lines'] {
  const entries = fulfillment.line_item_application === 'ENTRY_LIST' ? arr(fulfillment.entries, `${fulfilmentAt}/entries`) : undefined;
  const entryUnits = new Map<string, number>();
  entries?.forEach((value, i) => {
    const entry = obj(value, `${fulfilmentAt}/entries/${i}`);
    entryUnits.set(str(entry.line_item_uid, `${fulfilmentAt}/entries/${i}/line_item_uid`), units(entry.quantity, `${fulfilmentAt}/entries/${i}/quantity`));
  });
  const byLine = new Map<string, { sku: string; quantity: number }>();
  arr(order.line_items, `${at}/line_items`).forEach((value, i) => {
    const itemAt = `${at}/line_items/${i}`;
    const item = obj(value, itemAt);
    const meta = metadataOf(item);
    const lineId = meta[WEFT_METADATA.lineId];
    if (!isCanonicalId('orderLine', lineId)) throw fail(`${itemAt}/metadata/${WEFT_METADATA.lineId}`, `must be the Weft order line id (oln_…) Weft set on the line item, got ${JSON.stringify(lineId ?? null)}`);
    const quantity = entries === undefined ? units(item.quantity, `${itemAt}/quantity`) : (entryUnits.get(optStr(item.uid) ?? '') ?? 0);
    if (quantity === 0) return;
    const catalogId = optStr(item.catalog_object_id);
    const sku = meta[WEFT_METADATA.sku] ?? (catalogId === undefined ? sourceSettings(context).adHocSku : skuOf(catalogId, `${itemAt}/catalog_object_id`, sourceSettings(context), enrichment));
    byLine.set(lineId, { sku, quantity: (byLine.get(lineId)?.quantity ?? 0) + quantity });
  });
  return [...byLine].map(([orderLineId, line]) => ({ orderLineId, sku: line.sku, quantity: line.quantity }));
}

/** The canonical events of a Square order Weft created: one shipment once the store completed it, one rejection once the store cancelled it, else ignored with a reason. */
export async function eventsOfWeftOrder(input: { order: Json; at: string; enrichment: Enrichment | undefined }, context: MappingContext): Promise<MappingOutcome> {
  const { order, at, enrichment } = input;
  const squareOrderId = str(order.id, `${at}/id`);
  const meta = metadataOf(order);
  const made = `Square order ${squareOrderId} was created by Weft${meta[WEFT_METADATA.orderId] === undefined ? '' : ` for ${meta[WEFT_METADATA.orderId]}`} (ship from store): it is not a new sale`;
  const found = shipmentFulfilmentOf(order);
  if (found === undefined) return { kind: 'ignored', reason: `${made}, and it has no SHIPMENT fulfilment` };
  const { fulfillment, index } = found;
  const fulfilmentAt = `${at}/fulfillments/${index}`;
  const state = optStr(fulfillment.state) ?? 'unknown';
  if (state === 'CANCELED' || state === 'FAILED') {
    const mark = weftCancellationMark(order);
    if (mark !== undefined) return { kind: 'ignored', reason: `${made}; Weft cancelled its shipment itself (${mark}): not the store turning the parcel down` };
    return rejectionOfStore({ order, at, fulfillment, fulfilmentAt, state }, context);
  }
  if (state !== 'COMPLETED') return { kind: 'ignored', reason: `${made}; its shipment is ${state} (order ${String(order.state)}): only a shipment the store completed (shipped) or cancelled (turned down) is news to Weft` };

  for (const [key, kind] of [[WEFT_METADATA.orderId, 'order'], [WEFT_METADATA.groupId, 'fulfillmentGroup']] as const) {
    if (!isCanonicalId(kind, meta[key])) {
      throw fail(`${at}/metadata/${key}`, `must be the Weft id Weft set on the order, got ${JSON.stringify(meta[key] ?? null)}: Square shows an application's metadata only to that application, so the source must read with the same Square application (token) as the target that released the order`);
    }
  }
  const uid = str(fulfillment.uid, `${fulfilmentAt}/uid`);
  const details = isObject(fulfillment.shipment_details) ? fulfillment.shipment_details : {};
  const detailsAt = `${fulfilmentAt}/shipment_details`;
  const lines = shippedLines(order, fulfillment, at, fulfilmentAt, context, enrichment);
  if (lines.length === 0) return { kind: 'ignored', reason: `${made}; its completed shipment carries no units` };
  // Square stamps shipped_at when the fulfilment is completed; an order without it dates from its last update.
  const shippedAt = details.shipped_at === undefined ? toUtc(order.updated_at, `${at}/updated_at`) : toUtc(details.shipped_at, `${detailsAt}/shipped_at`);
  const location = meta[WEFT_METADATA.locationId];
  const tracking = optStr(details.tracking_number);
  const trackingUrl = optStr(details.tracking_url);
  const service = optStr(details.shipping_type);
  const shipTo = shipToOf(details);
  // One shipment per Square fulfilment, whichever webhook reports it.
  const vendorKey = `${squareOrderId}:${uid}`;
  const data: Shipment = {
    id: await context.ids.ref('shipment', vendorKey),
    orderId: meta[WEFT_METADATA.orderId] as string,
    fulfilmentGroupId: meta[WEFT_METADATA.groupId] as string,
    fromLocationId: isCanonicalId('location', location) ? location : await context.ids.ref('location', str(order.location_id, `${at}/location_id`)),
    carrier: carrierCode(details.carrier),
    trackingNumbers: tracking === undefined ? [] : [tracking.slice(0, 100)],
    trackingUrls: trackingUrl !== undefined && /^https?:\/\/\S+$/.test(trackingUrl) && trackingUrl.length <= 2000 ? [trackingUrl] : [],
    lines,
    status: 'dispatched',
    shippedAt,
    externalRefs: [{ system: context.system, id: vendorKey }],
  };
  if (service !== undefined) data.service = service.slice(0, 100);
  if (shipTo !== undefined) data.shipTo = shipTo;
  const event: MappedEvent = { type: 'weft.shipment.dispatched.v1', subject: data.id, time: shippedAt, data, key: `square:shipment:${vendorKey}:dispatched` };
  return { kind: 'events', events: [event] };
}
