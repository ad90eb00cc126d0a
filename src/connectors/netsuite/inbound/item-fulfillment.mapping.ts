import { toUtc, vendorId, type InboundMapping, type MappedEvent } from '../../sdk/index.ts';
import type { NetSuiteSettings } from '../settings.ts';
import { mappingError, objectAt, quantityAt, refId, refName, sublist, weftIdAt, type NsRecord } from './record-fields.ts';

// An item fulfilment (status Shipped) → weft.shipment.dispatched.v1, one shipment per Weft
// fulfilment group on it. The order is the Weft order whose sales order the fulfilment was created
// from (found through the cross-reference the sales order action recorded); order lines and groups
// come from the custom line fields the sales order was written with. Fulfilments Weft created from
// a shipment (external id shp_…) are already in the log and are ignored, as are ones not yet shipped.

/** The mapping of polled item fulfilments. */
export const itemFulfillmentMapping: InboundMapping = {
  description: 'NetSuite item fulfilment (shipped) → weft.shipment.dispatched.v1, per fulfilment group',
  async map(payload, context) {
    const record = payload as NsRecord;
    const settings = context.settings as NetSuiteSettings;
    const id = vendorId(record.id, '/id');
    if (typeof record.externalId === 'string' && record.externalId.startsWith('shp_')) return { kind: 'ignored', reason: `created by Weft from shipment ${record.externalId}` };
    const status = refId(record, 'shipStatus', '/shipStatus');
    if (status !== 'C') return { kind: 'ignored', reason: `not shipped yet (status ${refName(record, 'shipStatus') ?? status ?? 'none'})` };
    const salesOrderId = refId(record, 'createdFrom', '/createdFrom');
    if (salesOrderId === undefined) throw mappingError('/createdFrom', 'is missing: a fulfilment is created from a sales order');
    const orderId = await context.ids.find('order', salesOrderId);
    if (orderId === undefined) return { kind: 'ignored', reason: `sales order ${salesOrderId} was not created through Weft` };
    const time = toUtc(record.lastModifiedDate, '/lastModifiedDate');
    const packages = objectAt(record, 'package')?.items;
    const tracking = Array.isArray(packages) ? packages.map((p) => (p as NsRecord).packageTrackingNumber).filter((t): t is string => typeof t === 'string' && t !== '') : [];
    // Weft wants a carrier code; NetSuite has a ship item ("UPS Ground"): its first word is the carrier, the whole name the service.
    const shipItem = refName(record, 'shipMethod') ?? refName(record, 'shipCarrier');
    const code = (shipItem ?? '').toLowerCase().split(/\s+/)[0]?.replace(/[^a-z0-9_-]/g, '') ?? '';
    const carrier = /^[a-z][a-z0-9_-]{0,49}$/.test(code) ? code : 'other';

    const groups = new Map<string, { location: string | undefined; lines: { orderLineId: string; sku: string; quantity: number }[] }>();
    const lines = sublist(record, 'item', '/item');
    lines.forEach((line, i) => {
      const at = `/item/items/${i}`;
      if (line.itemReceive === false) return;
      const group = weftIdAt(line, settings.fulfilmentGroupField, 'ful', at);
      const sku = refName(line, 'item');
      if (sku === undefined) throw mappingError(`${at}/item/refName`, 'is missing: the item name/number is the SKU');
      const entry = groups.get(group) ?? { location: refId(line, 'location', `${at}/location`), lines: [] };
      entry.lines.push({ orderLineId: weftIdAt(line, settings.lineIdField, 'oln', at), sku, quantity: quantityAt(line, at) });
      groups.set(group, entry);
    });
    if (groups.size === 0) return { kind: 'ignored', reason: 'no line is fulfilled' };

    const events: MappedEvent[] = [];
    for (const [fulfilmentGroupId, group] of groups) {
      if (group.location === undefined) throw mappingError('/item/items/0/location', 'is missing: the shipment needs the location it left from');
      const shipmentId = await context.ids.ref('shipment', groups.size === 1 ? id : `${id}:${fulfilmentGroupId}`);
      events.push({
        type: 'weft.shipment.dispatched.v1',
        subject: shipmentId,
        time,
        data: {
          id: shipmentId,
          orderId,
          fulfilmentGroupId,
          fromLocationId: await context.ids.ref('location', group.location),
          carrier,
          ...(shipItem === undefined ? {} : { service: shipItem }),
          trackingNumbers: tracking,
          trackingUrls: [],
          lines: group.lines,
          status: 'dispatched',
          // The record has no shipped time, only the date; its last change (to Shipped) is the closest instant.
          shippedAt: time,
          externalRefs: [{ system: context.system, id }],
        },
      });
    }
    return { kind: 'events', events };
  },
};
