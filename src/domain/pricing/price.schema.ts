import Type, { type Static } from 'typebox';
import { ExternalRefs, Instant, NonNegativeMoney, SalesChannel, Sku } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';

// A price of one SKU in one scope for one period. Several prices can apply to a SKU at once; the most
// specific scope wins (channel + location, then location, then channel, then global).

/** Where a price applies; no channel and no location means everywhere (the global price). */
export const PriceScope = Type.Object(
  {
    channel: Type.Optional(Type.With(SalesChannel, { description: 'The sales channel the price applies in; absent means every channel.' })),
    locationId: Type.Optional(CanonicalId('location', 'The store the price applies in (store-specific pricing).')),
  },
  objectOptions('PriceScope', 'Where a price applies; empty means globally.'),
);
/** Where a price applies. */
export type PriceScope = Static<typeof PriceScope>;

/** The price of one SKU in one scope and period. */
export const Price = Type.Object(
  {
    id: CanonicalId('price'),
    sku: Sku,
    scope: PriceScope,
    listPrice: Type.With(NonNegativeMoney, { description: 'Regular selling price of one unit.' }),
    salePrice: Type.Optional(Type.With(NonNegativeMoney, { description: 'Reduced price of one unit, shown against the list price.' })),
    taxIncluded: Type.Boolean({ description: 'Whether the amounts include sales tax / VAT (EU consumer prices do, US prices do not).' }),
    effectiveFrom: Instant('When the price starts to apply'),
    effectiveTo: Type.Optional(Instant('When the price stops applying, exclusive; absent means until replaced')),
    externalRefs: ExternalRefs,
  },
  objectOptions('Price', 'The price of one SKU in one scope and period.'),
);
/** The price of one SKU in one scope and period. */
export type Price = Static<typeof Price>;
