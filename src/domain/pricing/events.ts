import Type, { type Static } from 'typebox';
import { Instant } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';
import { defineEvent } from '../events/define-event.ts';
import { eventRule } from '../events/event-rules.ts';
import { Price } from './price.schema.ts';
import { Promotion } from './promotion.schema.ts';
import { priceProblems, promotionProblems } from './rules.ts';

// Price and promotion events. Subjects: the price id and the promotion id. Prices are set whole (a
// new price for a new period is a new price id); promotions are defined whole and may end early.

/** Data of `weft.promotion.ended.v1`. */
export const PromotionEnded = Type.Object(
  {
    promotionId: CanonicalId('promotion'),
    reason: Type.Enum(['expired', 'cancelled', 'budget_exhausted'], { description: 'Why it stopped applying.' }),
    occurredAt: Instant('From this instant the promotion no longer applies'),
  },
  objectOptions('PromotionEnded', 'A promotion stopped applying.'),
);
/** Data of `weft.promotion.ended.v1`. */
export type PromotionEnded = Static<typeof PromotionEnded>;

/** `weft.price.set.v1`. */
export const priceSet = defineEvent({
  type: 'weft.price.set.v1',
  area: 'price',
  description: 'A price of a SKU was set for a scope and period; the data is the whole price.',
  data: Price,
  subjectOf: (data) => data.id,
});

/** `weft.promotion.defined.v1`. */
export const promotionDefined = defineEvent({
  type: 'weft.promotion.defined.v1',
  area: 'promotion',
  description: 'A promotion was defined or changed; the data is the whole promotion.',
  data: Promotion,
  subjectOf: (data) => data.id,
});

/** `weft.promotion.ended.v1`. */
export const promotionEnded = defineEvent({
  type: 'weft.promotion.ended.v1',
  area: 'promotion',
  description: 'A promotion stopped applying, at its planned end or earlier.',
  data: PromotionEnded,
  subjectOf: (data) => data.promotionId,
});

/** The pricing areas' catalogue entries. */
export const pricingEvents = [priceSet, promotionDefined, promotionEnded] as const;

/** Business rules of the pricing areas' events. */
export const pricingEventRules = [eventRule(priceSet, priceProblems), eventRule(promotionDefined, promotionProblems)] as const;
