import Type, { type Static } from 'typebox';
import { Address, Email, Instant, PhoneE164 } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { asField, objectOptions } from '../shared/schema-options.ts';

// A fulfilment group is the set of order lines that leave together, the same way, from the same place:
// one parcel route, one pickup, one download. Routing assigns groups, not single lines.

/** How a group of lines reaches the customer. */
export const FulfilmentKind = Type.Enum(['ship', 'ship_from_store', 'pickup_in_store', 'in_store', 'digital'], {
  description: 'ship: from a DC; ship_from_store: parcel from a store; pickup_in_store: customer collects; in_store: taken at the till (POS); digital: delivered electronically.',
});
/** How a group of lines reaches the customer. */
export type FulfilmentKind = Static<typeof FulfilmentKind>;

/** Where a fulfilment group stands. */
export const FulfilmentStatus = Type.Enum(
  ['pending', 'reserved', 'released', 'partially_shipped', 'shipped', 'delivered', 'ready_for_pickup', 'collected', 'cancelled'],
  { description: 'Where the group stands; released = handed to the warehouse or store to pick.' },
);
/** Where a fulfilment group stands. */
export type FulfilmentStatus = Static<typeof FulfilmentStatus>;

/** The person allowed to collect a pickup order, when it is not the buyer. */
export const PickupPerson = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Name of the person who collects.' }),
    email: Type.Optional(Type.With(Email, { description: 'Email address the ready-for-pickup message goes to.' })),
    phone: Type.Optional(Type.With(PhoneE164, { description: 'Phone number for the store to call or text (E.164).' })),
  },
  objectOptions('PickupPerson', 'The person who collects a pickup order.'),
);
/** The person who collects a pickup order. */
export type PickupPerson = Static<typeof PickupPerson>;

/** The window promised for collection or delivery. */
export const TimeWindow = Type.Object(
  { from: Instant('Start of the window, inclusive'), to: Instant('End of the window, exclusive; after from') },
  objectOptions('TimeWindow', 'A promised window, from inclusive to exclusive.'),
);
/** A promised window. */
export type TimeWindow = Static<typeof TimeWindow>;

/** The carrier and service the customer chose at checkout. */
export const ShippingMethod = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 50, description: 'The channel\'s method code.', examples: ['standard', 'express'] }),
    carrier: Type.Optional(Type.String({ maxLength: 50, description: 'The carrier chosen, when the method names one.', examples: ['dhl', 'ups'] })),
    service: Type.Optional(Type.String({ maxLength: 100, description: 'The carrier\'s service level, when the method names one.', examples: ['express', 'ground'] })),
  },
  objectOptions('ShippingMethod', 'The shipping method chosen at checkout.'),
);
/** The shipping method chosen at checkout. */
export type ShippingMethod = Static<typeof ShippingMethod>;

/** Order lines that are fulfilled together, the same way, from the same place. */
export const FulfilmentGroup = Type.Object(
  {
    id: CanonicalId('fulfillmentGroup'),
    kind: FulfilmentKind,
    locationId: Type.Optional(CanonicalId('location', 'Where the lines leave from or are collected; required except for ship and digital.')),
    shippingAddress: Type.Optional(Type.With(Address, { description: 'Where to deliver; ship kinds only.' })),
    shippingMethod: Type.Optional(asField(ShippingMethod, 'The shipping method chosen at checkout; ship kinds only.')),
    pickupPerson: Type.Optional(asField(PickupPerson, 'Who collects the order, when not the buyer; pickup_in_store only.')),
    pickupWindow: Type.Optional(asField(TimeWindow, 'When the customer may collect, as promised at checkout; pickup_in_store only.')),
    deliveryEmail: Type.Optional(Type.With(Email, { description: 'Email address the digital goods are sent to.' })),
    lineIds: Type.Array(CanonicalId('orderLine'), { minItems: 1, uniqueItems: true, description: 'The order lines in the group; each names this group as its fulfilmentGroupId.' }),
    status: FulfilmentStatus,
  },
  objectOptions('FulfilmentGroup', 'Order lines fulfilled together, the same way, from the same place.'),
);
/** Order lines fulfilled together. */
export type FulfilmentGroup = Static<typeof FulfilmentGroup>;
