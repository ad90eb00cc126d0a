import Type, { type Static } from 'typebox';
import { Address, Attributes, ExternalRefs, LocalTime, SalesChannel, TimeZone } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';

// Anywhere stock can be: stores, distribution centres, goods in transit, suppliers (drop ship) and
// virtual locations (marketplace consignment, write-off bins). Order routing reads kind and capabilities.

/** What kind of place a location is; routing and availability treat each differently. */
export const LocationKind = Type.Enum(['store', 'distribution_centre', 'in_transit', 'supplier', 'virtual'], {
  description: 'Kind of location: in_transit holds stock between locations, virtual holds stock that is not physically anywhere.',
});
/** What kind of place a location is. */
export type LocationKind = Static<typeof LocationKind>;

/** An omnichannel service a location offers. */
export const LocationCapability = Type.Enum(['ship_from_store', 'pickup_in_store', 'returns_accepted'], {
  description: 'Omnichannel service the location offers.',
});
/** An omnichannel service a location offers. */
export type LocationCapability = Static<typeof LocationCapability>;

/** A day of the week, for opening hours. */
export const Weekday = Type.Enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], { description: 'Day of the week.' });
/** A day of the week. */
export type Weekday = Static<typeof Weekday>;

/** Hours on one weekday during which customers can collect, in the location's local time. */
export const PickupHours = Type.Object(
  {
    day: Weekday,
    opens: Type.With(LocalTime, { description: 'When collection opens, local time (HH:MM).' }),
    closes: Type.With(LocalTime, { description: 'When collection closes, local time (HH:MM); after opens.' }),
  },
  objectOptions('PickupHours', 'Pickup hours on one weekday, local time of the location.'),
);
/** Pickup hours on one weekday. */
export type PickupHours = Static<typeof PickupHours>;

/** A location that holds, sells, ships or receives stock. */
export const Location = Type.Object(
  {
    id: CanonicalId('location'),
    code: Type.String({ minLength: 1, maxLength: 50, description: 'The retailer\'s own code (store number, DC code).', examples: ['B001', 'DC-ERF'] }),
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Name of the location as customers and staff know it (store name).' }),
    kind: LocationKind,
    status: Type.Enum(['active', 'inactive'], { description: 'Inactive locations keep their history but receive no new orders or stock.' }),
    address: Type.Optional(Type.With(Address, { description: 'Street address; required for stores and distribution centres.' })),
    timezone: Type.With(TimeZone, { description: 'IANA time zone of the location; pickup hours and business dates are in it.' }),
    capabilities: Type.Array(LocationCapability, { uniqueItems: true, description: 'Omnichannel services the location offers; only stores ship from store or offer pickup.' }),
    pickupHours: Type.Array(PickupHours, { maxItems: 21, description: 'When pickup orders can be collected; empty when pickup is not offered.' }),
    channels: Type.Array(SalesChannel, { uniqueItems: true, description: 'Channels whose orders this location can fulfil or serve.' }),
    externalRefs: ExternalRefs,
    attributes: Type.Optional(Attributes),
  },
  objectOptions('Location', 'A store, distribution centre or other place stock can be.'),
);
/** A place stock can be. */
export type Location = Static<typeof Location>;
