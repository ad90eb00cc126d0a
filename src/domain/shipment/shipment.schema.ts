import Type, { type Static } from 'typebox';
import { Address, ExternalRefs, Instant, Sku } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';

// A parcel (or several under one consignment) that left a location for one fulfilment group. A group
// can ship in several shipments when stock is split, so lines carry quantities.

/** Where a shipment stands with its carrier. */
export const ShipmentStatus = Type.Enum(['pending', 'dispatched', 'in_transit', 'delivered', 'delivery_failed', 'returned_to_sender'], {
  description: 'Where the shipment stands with its carrier.',
});
/** Where a shipment stands with its carrier. */
export type ShipmentStatus = Static<typeof ShipmentStatus>;

/** Units of one order line in a shipment. */
export const ShipmentLine = Type.Object(
  {
    orderLineId: CanonicalId('orderLine', 'The order line the units belong to.'),
    sku: Sku,
    quantity: Type.Integer({ minimum: 1, description: 'Units of the line in this shipment (integer).' }),
  },
  objectOptions('ShipmentLine', 'Units of one order line in a shipment.'),
);
/** Units of one order line in a shipment. */
export type ShipmentLine = Static<typeof ShipmentLine>;

/** A shipment of order lines from one location. */
export const Shipment = Type.Object(
  {
    id: CanonicalId('shipment'),
    orderId: CanonicalId('order', 'The order the shipment delivers.'),
    fulfilmentGroupId: CanonicalId('fulfillmentGroup', 'The fulfilment group of the order the shipment is for.'),
    fromLocationId: CanonicalId('location', 'The warehouse or store the shipment left from.'),
    carrier: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,49}$', description: 'Carrier code.', examples: ['dhl', 'ups', 'fedex', 'usps'] }),
    service: Type.Optional(Type.String({ maxLength: 100, description: 'Carrier service level.', examples: ['paket', 'ground'] })),
    trackingNumbers: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
      uniqueItems: true,
      description: 'The carrier\'s tracking numbers, one per parcel; empty when the carrier gave none.',
    }),
    trackingUrls: Type.Array(Type.String({ format: 'uri', maxLength: 2000 }), {
      uniqueItems: true,
      description: 'Links to the carrier\'s tracking pages, for messages to the customer; may be empty.',
    }),
    shipTo: Type.Optional(Type.With(Address, { description: 'Where the carrier delivers the shipment.' })),
    lines: Type.Array(ShipmentLine, { minItems: 1, description: 'What is in the shipment: units per order line; at least one.' }),
    status: ShipmentStatus,
    shippedAt: Type.Optional(Instant('When the carrier took the parcel')),
    deliveredAt: Type.Optional(Instant('When the carrier reported delivery')),
    externalRefs: ExternalRefs,
  },
  objectOptions('Shipment', 'A shipment of order lines from one location.'),
);
/** A shipment of order lines from one location. */
export type Shipment = Static<typeof Shipment>;
