import Type, { type Static } from 'typebox';
import { BasisPoints, ExternalRefs, Instant, NonNegativeMoney, SalesChannel, Sku } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';

// A promotion as the promotion engine, the web shop and the POS must all apply it. Rates are basis
// points and amounts are Money so every system computes the same discount to the cent.

/** A percentage off the qualifying items. */
export const PercentOff = Type.Object(
  {
    kind: Type.Literal('percent_off', { description: 'Says which benefit this is.' }),
    percentOff: Type.With(BasisPoints, { maximum: 10_000, description: 'Discount rate in basis points: 1000 = 10 % off.' }),
  },
  objectOptions('PercentOff', 'A percentage off the qualifying items.'),
);

/** A fixed amount off the qualifying items or basket. */
export const AmountOff = Type.Object(
  {
    kind: Type.Literal('amount_off', { description: 'Says which benefit this is.' }),
    amountOff: Type.With(NonNegativeMoney, { description: 'Amount taken off once per qualifying basket.' }),
  },
  objectOptions('AmountOff', 'A fixed amount off.'),
);

/** The qualifying items sell at a fixed price. */
export const FixedPrice = Type.Object(
  {
    kind: Type.Literal('fixed_price', { description: 'Says which benefit this is.' }),
    price: Type.With(NonNegativeMoney, { description: 'Price of one qualifying unit while the promotion runs.' }),
  },
  objectOptions('FixedPrice', 'The qualifying items sell at a fixed price.'),
);

/** Buy X qualifying units, get Y more at a discount (100 % = free). */
export const BuyXGetY = Type.Object(
  {
    kind: Type.Literal('buy_x_get_y', { description: 'Says which benefit this is.' }),
    buyQuantity: Type.Integer({ minimum: 1, description: 'Units the customer pays for.' }),
    getQuantity: Type.Integer({ minimum: 1, description: 'Units that get the discount.' }),
    getPercentOff: Type.With(BasisPoints, { maximum: 10_000, description: 'Discount on the "get" units: 10000 = free.' }),
  },
  objectOptions('BuyXGetY', 'Buy X, get Y at a discount.'),
);

/** What a promotion gives, by kind. */
export const PromotionBenefit = Type.Union([PercentOff, AmountOff, FixedPrice, BuyXGetY], {
  description: 'What the promotion gives; `kind` says which.',
});
/** What a promotion gives. */
export type PromotionBenefit = Static<typeof PromotionBenefit>;

/** What a basket must satisfy for the promotion to apply; all given conditions must hold. */
export const PromotionConditions = Type.Object(
  {
    skus: Type.Optional(Type.Array(Sku, { minItems: 1, uniqueItems: true, description: 'Qualifying SKUs.' })),
    categories: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), {
      minItems: 1,
      uniqueItems: true,
      description: 'Qualifying hierarchy codes (department, category or class of the product).',
    })),
    minBasket: Type.Optional(Type.With(NonNegativeMoney, { description: 'Least basket value (after line discounts) that qualifies.' })),
    customerTiers: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), {
      minItems: 1,
      uniqueItems: true,
      description: 'Loyalty tiers that qualify; absent means every customer.',
    })),
  },
  objectOptions('PromotionConditions', 'What a basket must satisfy for the promotion to apply.'),
);
/** What a basket must satisfy for the promotion to apply. */
export type PromotionConditions = Static<typeof PromotionConditions>;

/** Where a promotion runs; absent lists mean everywhere. */
export const PromotionScope = Type.Object(
  {
    channels: Type.Optional(Type.Array(SalesChannel, { minItems: 1, uniqueItems: true, description: 'Sales channels the promotion runs in; absent means every channel.' })),
    locationIds: Type.Optional(Type.Array(CanonicalId('location'), { minItems: 1, uniqueItems: true, description: 'Stores the promotion runs in; absent means every location.' })),
  },
  objectOptions('PromotionScope', 'Where a promotion runs.'),
);
/** Where a promotion runs. */
export type PromotionScope = Static<typeof PromotionScope>;

/** A promotion: what it gives, to which baskets, where and when. */
export const Promotion = Type.Object(
  {
    id: CanonicalId('promotion'),
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Name of the promotion for staff and reports (e.g. "Outerwear 10 % off").' }),
    description: Type.Optional(Type.String({ maxLength: 2000, description: 'Customer-facing text (receipt, basket).' })),
    benefit: PromotionBenefit,
    conditions: PromotionConditions,
    scope: PromotionScope,
    effectiveFrom: Instant('When the promotion starts to apply'),
    effectiveTo: Type.Optional(Instant('When the promotion stops applying, exclusive; absent means until ended')),
    couponCodes: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
      uniqueItems: true,
      description: 'Codes that unlock the promotion; empty means it applies automatically.',
    }),
    stackable: Type.Boolean({ description: 'Whether it combines with other stackable promotions on the same items.' }),
    priority: Type.Integer({ minimum: 0, description: 'Lower numbers apply first; decides between promotions that do not stack.' }),
    externalRefs: ExternalRefs,
  },
  objectOptions('Promotion', 'A promotion: what it gives, to which baskets, where and when.'),
);
/** A promotion. */
export type Promotion = Static<typeof Promotion>;
