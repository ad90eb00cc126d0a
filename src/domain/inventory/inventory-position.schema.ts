import Type, { type Static } from 'typebox';
import { Instant, NonNegativeQuantity, Quantity, Sku } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';

// The stock of one SKU at one location at one instant. Channels ask for `available`; the other
// quantities explain it. Rule (see rules.ts): available = max(0, onHand − reserved − safetyStock).

/** The stock position of one SKU at one location, as of an instant. */
export const InventoryPosition = Type.Object(
  {
    sku: Sku,
    locationId: CanonicalId('location', 'The location the position is for.'),
    onHand: Type.With(Quantity, {
      description: 'Units physically at the location. Can be negative when sales are booked before the receipt that covers them.',
    }),
    reserved: Type.With(NonNegativeQuantity, { description: 'Units allocated to orders that have not left yet.' }),
    inTransit: Type.With(NonNegativeQuantity, { description: 'Units on their way to this location; not available until received.' }),
    safetyStock: Type.With(NonNegativeQuantity, { description: 'Units held back from channels to absorb inaccurate counts.' }),
    available: Type.With(NonNegativeQuantity, { description: 'Units channels may promise: max(0, onHand − reserved − safetyStock).' }),
    asOf: Instant('The instant the position describes'),
  },
  objectOptions('InventoryPosition', 'The stock position of one SKU at one location.'),
);
/** The stock position of one SKU at one location. */
export type InventoryPosition = Static<typeof InventoryPosition>;
