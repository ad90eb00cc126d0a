import { isCanonicalId } from '../../../domain/shared/ids.ts';
import type { Shipment } from '../../../domain/shipment/shipment.schema.ts';
import type { Address } from '../../../domain/shared/primitives.ts';
import { MappingError } from '../../../errors/index.ts';
import { vendorId, type InboundMapping, type MappedEvent, type MappingContext } from '../../sdk/index.ts';
import { shipStationTimeToUtc } from '../time.ts';

// SHIP_NOTIFY, enriched (webhooks.ts): the shipments of a label batch → weft.shipment.dispatched.v1,
// one per shipment. Weft's ids come back from the ShipStation order it created: orderKey is the
// order (`ord_…`, or `ord_…:<n>` when the order was split by fulfilment group), lineItemKey the
// order line, advancedOptions.customField1 the fulfilment group. Shipments of orders Weft did not
// create, voided labels and return labels carry nothing to take.

/** What the mapping reads from the source's settings. */
export interface ShipNotifySettings {
  locationId: string;
  warehouseLocations: Readonly<Record<string, string>>;
  timeZone: string;
}

const ORDER_KEY = /^(ord_[0-9A-HJKMNP-TV-Z]{26})(?::\d+)?$/;
const E164 = /^\+[1-9]\d{1,14}$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

function fail(pointer: string, message: string): MappingError {
  return new MappingError(`${pointer} ${message}`, [{ pointer, message }]);
}

// ShipStation's address as Weft's, when it is complete enough to be one; shipTo is optional.
function addressOf(value: unknown): Address | undefined {
  if (!isObject(value)) return undefined;
  const line1 = text(value.street1);
  const city = text(value.city);
  const country = text(value.country)?.toUpperCase();
  if (line1 === undefined || city === undefined || country === undefined || !/^[A-Z]{2}$/.test(country)) return undefined;
  const address: Address = { line1, city, country };
  const name = text(value.name);
  const company = text(value.company);
  const line2 = [text(value.street2), text(value.street3)].filter((part) => part !== undefined).join(', ');
  const region = text(value.state);
  const postalCode = text(value.postalCode);
  const phone = text(value.phone)?.replace(/[\s().-]/g, '');
  if (name !== undefined) address.name = name;
  if (company !== undefined) address.company = company;
  if (line2 !== '') address.line2 = line2;
  if (region !== undefined) address.region = region;
  if (postalCode !== undefined) address.postalCode = postalCode;
  if (phone !== undefined && E164.test(phone)) address.phone = phone;
  return address;
}

// The order ShipStation answered for GET /orders/{orderId}, when enrich fetched it.
function orderOf(payload: Json, orderId: string): Json | undefined {
  const orders = payload.orders;
  if (!isObject(orders)) return undefined;
  const order = orders[orderId];
  return isObject(order) ? order : undefined;
}

async function shipmentEvent(payload: Json, shipment: Json, at: string, context: MappingContext, settings: ShipNotifySettings): Promise<MappedEvent | string> {
  const shipmentId = vendorId(shipment.shipmentId, `${at}/shipmentId`);
  if (shipment.voided === true) return `shipment ${shipmentId} is voided`;
  if (shipment.isReturnLabel === true) return `shipment ${shipmentId} is a return label`;
  const key = ORDER_KEY.exec(typeof shipment.orderKey === 'string' ? shipment.orderKey : '');
  if (key === null) return `shipment ${shipmentId} is for order ${JSON.stringify(shipment.orderNumber ?? null)} with orderKey ${JSON.stringify(shipment.orderKey ?? null)}, not one Weft created`;
  const orderId = key[1] as string;
  const order = shipment.orderId === undefined || shipment.orderId === null ? undefined : orderOf(payload, vendorId(shipment.orderId, `${at}/orderId`));
  const orderAt = order === undefined ? undefined : `/orders/${String(shipment.orderId)}`;

  const advanced = isObject(shipment.advancedOptions) ? shipment.advancedOptions : isObject(order?.advancedOptions) ? order.advancedOptions : undefined;
  const groupAt = isObject(shipment.advancedOptions) ? `${at}/advancedOptions/customField1` : `${orderAt ?? at}/advancedOptions/customField1`;
  const group = advanced?.customField1;
  if (!isCanonicalId('fulfillmentGroup', group)) throw fail(groupAt, `must be the Weft fulfilment group id (ful_…) Weft set on the order, got ${JSON.stringify(group ?? null)}`);

  if (!Array.isArray(shipment.shipmentItems) || shipment.shipmentItems.length === 0) throw fail(`${at}/shipmentItems`, 'must list the shipped items (fetch with includeShipmentItems=true)');
  const orderItems = Array.isArray(order?.items) ? (order.items as unknown[]).filter(isObject) : [];
  const quantities = new Map<string, { sku: string; quantity: number }>();
  for (const [index, item] of (shipment.shipmentItems as unknown[]).entries()) {
    const itemAt = `${at}/shipmentItems/${index}`;
    if (!isObject(item)) throw fail(itemAt, 'is not an object');
    if (item.adjustment === true) continue;
    // Older answers may leave lineItemKey out of shipment items; the order's item of the same id has it.
    const fromOrder = orderItems.find((candidate) => candidate.orderItemId !== undefined && candidate.orderItemId === item.orderItemId);
    const lineId = text(item.lineItemKey) ?? text(fromOrder?.lineItemKey);
    if (!isCanonicalId('orderLine', lineId)) throw fail(`${itemAt}/lineItemKey`, `must be the Weft order line id (oln_…) Weft set on the item, got ${JSON.stringify(item.lineItemKey ?? null)}`);
    const sku = text(item.sku);
    if (sku === undefined) throw fail(`${itemAt}/sku`, 'is missing');
    const quantity = item.quantity;
    if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 0) throw fail(`${itemAt}/quantity`, `must be a whole number of units, got ${JSON.stringify(quantity ?? null)}`);
    if (quantity === 0) continue;
    const seen = quantities.get(lineId);
    quantities.set(lineId, { sku, quantity: (seen?.quantity ?? 0) + quantity });
  }
  if (quantities.size === 0) return `shipment ${shipmentId} ships no units of Weft order lines`;

  const carrier = text(shipment.carrierCode)?.toLowerCase();
  if (carrier === undefined || !/^[a-z][a-z0-9_-]{0,49}$/.test(carrier)) throw fail(`${at}/carrierCode`, `must be a carrier code, got ${JSON.stringify(shipment.carrierCode ?? null)}`);
  // createDate is when the label was bought, which is when ShipStation marks the order shipped;
  // shipDate is only a calendar date.
  const shippedAt = shipStationTimeToUtc(shipment.createDate, settings.timeZone, `${at}/createDate`);
  const warehouse = shipment.warehouseId === undefined || shipment.warehouseId === null ? undefined : String(shipment.warehouseId);
  const tracking = text(shipment.trackingNumber);
  const service = text(shipment.serviceCode);
  const shipTo = addressOf(shipment.shipTo);

  const data: Shipment = {
    id: await context.ids.ref('shipment', shipmentId),
    orderId,
    fulfilmentGroupId: group,
    fromLocationId: (warehouse === undefined ? undefined : settings.warehouseLocations[warehouse]) ?? settings.locationId,
    carrier,
    trackingNumbers: tracking === undefined ? [] : [tracking],
    trackingUrls: [],
    lines: [...quantities].map(([orderLineId, line]) => ({ orderLineId, sku: line.sku, quantity: line.quantity })),
    status: 'dispatched',
    shippedAt,
    externalRefs: [{ system: context.system, id: shipmentId }],
  };
  if (service !== undefined) data.service = service.slice(0, 100);
  if (shipTo !== undefined) data.shipTo = shipTo;
  return { type: 'weft.shipment.dispatched.v1', subject: data.id, time: shippedAt, data };
}

/** The SHIP_NOTIFY mapping of a ShipStation source. */
export function shipNotifyMapping(settingsOf: (context: MappingContext) => ShipNotifySettings): InboundMapping {
  return {
    description: 'SHIP_NOTIFY (shipments of a label batch, fetched from resource_url) → weft.shipment.dispatched.v1 per shipment of an order Weft created.',
    async map(payload, context) {
      if (!isObject(payload) || !Array.isArray(payload.shipments)) throw fail('/shipments', 'is missing: the SHIP_NOTIFY was not enriched with the shipments of its resource_url');
      const settings = settingsOf(context);
      const events: MappedEvent[] = [];
      const skipped: string[] = [];
      for (const [index, shipment] of payload.shipments.entries()) {
        const at = `/shipments/${index}`;
        if (!isObject(shipment)) throw fail(at, 'is not an object');
        const outcome = await shipmentEvent(payload, shipment, at, context, settings);
        if (typeof outcome === 'string') skipped.push(outcome);
        else events.push(outcome);
      }
      if (events.length === 0) return { kind: 'ignored', reason: skipped.length === 0 ? 'the batch has no shipments' : skipped.join('; ') };
      return { kind: 'events', events };
    },
  };
}
