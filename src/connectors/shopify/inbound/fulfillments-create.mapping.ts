// fulfillments/create → weft.shipment.dispatched.v1. A Shopify fulfilment is the goods leaving for
// the customer with a carrier and tracking; its lines are order line items. The fulfilment group is
// the one orders/create made for the order's shipped lines (vendor id `<order id>/ship`), the
// location is Shopify's `location_id` through the cross-reference (a location Weft never saw gets a
// new id: the shipment happened all the same).

import { MappingError } from '../../../errors/index.ts';
import type { Shipment } from '../../../domain/shipment/shipment.schema.ts';
import { toUtc, type InboundMapping, type MappingContext, type MappingOutcome } from '../../sdk/index.ts';
import { addressOf, arrayAt, idAt, integerAt, isObject, optString, rootObject } from './payload.ts';

/** A carrier code Weft accepts (`^[a-z][a-z0-9_-]{0,49}$`) from Shopify's tracking_company ("UPS", "Canada Post"). */
export function carrierCode(company: string | undefined): string {
  const code = (company ?? 'other').toLowerCase().replace(/[^a-z0-9_-]+/g, '_').replace(/^[^a-z]+/, '').slice(0, 50);
  return code === '' ? 'other' : code;
}

/** Maps fulfillments/create to weft.shipment.dispatched.v1; cancelled or failed fulfilments are ignored. */
export async function mapFulfillmentCreated(payload: unknown, context: MappingContext): Promise<MappingOutcome> {
  const fulfillment = rootObject(payload, 'fulfillments/create');
  const vendorId = idAt(fulfillment.id, '/id');
  const status = optString(fulfillment.status);
  if (status === 'cancelled' || status === 'failure' || status === 'error') return { kind: 'ignored', reason: `Shopify fulfillment ${vendorId} has status ${status}: nothing left` };
  const orderVendorId = idAt(fulfillment.order_id, '/order_id');
  if (fulfillment.location_id === null || fulfillment.location_id === undefined) {
    throw new MappingError('The fulfillment names no location', [{ pointer: '/location_id', message: 'Weft needs the location the shipment left from; Shopify sends it for fulfilments made through fulfillment orders' }]);
  }
  const items = arrayAt(fulfillment.line_items, '/line_items');
  if (items.length === 0) throw new MappingError('The fulfillment has no line items', [{ pointer: '/line_items', message: 'a shipment carries at least one line' }]);
  const lines = [];
  for (let i = 0; i < items.length; i++) {
    const at = `/line_items/${i}`;
    const item = isObject(items[i]) ? (items[i] as Record<string, unknown>) : {};
    const sku = optString(item.sku);
    if (sku === undefined) throw new MappingError(`${at}/sku is missing`, [{ pointer: `${at}/sku`, message: 'Weft ships lines by SKU' }]);
    lines.push({ orderLineId: await context.ids.ref('orderLine', idAt(item.id, `${at}/id`)), sku: sku.slice(0, 64), quantity: integerAt(item.quantity, `${at}/quantity`) });
  }
  const shippedAt = toUtc(fulfillment.created_at, '/created_at');
  const id = await context.ids.ref('shipment', vendorId);
  const trackingNumbers = arrayAt(fulfillment.tracking_numbers, '/tracking_numbers').map((n) => optString(n)).filter((n): n is string => n !== undefined);
  const trackingUrls = arrayAt(fulfillment.tracking_urls, '/tracking_urls').map((u) => optString(u)).filter((u): u is string => u !== undefined && /^https?:\/\//.test(u));
  const data: Shipment = {
    id,
    orderId: await context.ids.ref('order', orderVendorId),
    fulfilmentGroupId: await context.ids.ref('fulfillmentGroup', `${orderVendorId}/ship`),
    fromLocationId: await context.ids.ref('location', idAt(fulfillment.location_id, '/location_id')),
    carrier: carrierCode(optString(fulfillment.tracking_company)),
    trackingNumbers: trackingNumbers.length > 0 ? trackingNumbers : [optString(fulfillment.tracking_number)].filter((n): n is string => n !== undefined),
    trackingUrls,
    lines,
    status: 'dispatched',
    shippedAt,
    externalRefs: [{ system: context.system, id: vendorId }],
  };
  const service = optString(fulfillment.service);
  if (service !== undefined && service !== 'manual') data.service = service.slice(0, 100);
  const shipTo = addressOf(fulfillment.destination, '/destination');
  if (shipTo !== undefined) data.shipTo = shipTo;
  return { kind: 'events', events: [{ type: 'weft.shipment.dispatched.v1', subject: id, time: shippedAt, data }] };
}

/** fulfillments/create → weft.shipment.dispatched.v1. */
export const fulfillmentsCreateMapping: InboundMapping = {
  description: 'fulfillments/create → weft.shipment.dispatched.v1: lines by order line and SKU, carrier from tracking_company, tracking numbers and URLs, destination.',
  map: mapFulfillmentCreated,
};
