import { MappingError } from '../../../errors/index.ts';
import { toUtc, type InboundMapping, type MappedEvent } from '../../sdk/index.ts';
import { arr, dataObject, envelopeOf, obj, skuOf, sourceSettings, str } from './read.ts';

// Square inventory.count.updated → weft.inventory.position_reported.v1. Square's count is the
// computed quantity of a variation in one state at one location after any change (a sale, a receipt,
// an adjustment), not a physical count, so it is a position report, not weft.inventory.counted.v1.
// Only IN_STOCK counts are on-hand stock; the other states (SOLD, WASTE, RESERVED_FOR_SALE,
// IN_TRANSIT_TO, ...) are ignored: Weft keeps its own reservations, and Square's in-transit is not
// reported with the on-hand count. Reserved, in-transit and safety stock are therefore reported as 0.

/** A Square quantity that may be negative (sales booked before the receipt): whole units only. */
function signedUnits(value: unknown, pointer: string): number {
  const match = typeof value === 'string' ? /^(-?\d+)(?:\.0+)?$/.exec(value.trim()) : null;
  const n = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(n)) throw new MappingError(`${pointer} is not a whole number of units`, [{ pointer, message: `"${String(value)}" is not a whole number: Weft counts units as integers` }]);
  return n;
}

/** inventory.count.updated → one position report per IN_STOCK count. */
export const inventoryCountMapping: InboundMapping = {
  description: 'inventory.count.updated → weft.inventory.position_reported.v1 per IN_STOCK count (other states ignored)',
  async map(payload, context) {
    const { envelope, enrichment } = envelopeOf(payload);
    const settings = sourceSettings(context);
    const at = '/data/object/inventory_counts';
    const counts = arr(dataObject(envelope).inventory_counts, at);
    const events: MappedEvent[] = [];
    for (let i = 0; i < counts.length; i++) {
      const p = `${at}/${i}`;
      const count = obj(counts[i], p);
      if (count.state !== 'IN_STOCK') continue;
      const sku = skuOf(str(count.catalog_object_id, `${p}/catalog_object_id`), `${p}/catalog_object_id`, settings, enrichment);
      const locationId = await context.ids.ref('location', str(count.location_id, `${p}/location_id`));
      const onHand = signedUnits(count.quantity, `${p}/quantity`);
      const asOf = toUtc(count.calculated_at ?? envelope.created_at, count.calculated_at === undefined ? '/created_at' : `${p}/calculated_at`);
      events.push({
        type: 'weft.inventory.position_reported.v1',
        subject: `${sku}@${locationId}`,
        time: asOf,
        data: { sku, locationId, onHand, reserved: 0, inTransit: 0, safetyStock: 0, available: Math.max(0, onHand), asOf },
      });
    }
    return events.length === 0 ? { kind: 'ignored', reason: 'no IN_STOCK count in this update: other Square states are not on-hand stock' } : { kind: 'events', events };
  },
};
