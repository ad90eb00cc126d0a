import Type, { type Static } from 'typebox';
import { Instant } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';
import { defineEvent } from '../events/define-event.ts';
import { eventRule } from '../events/event-rules.ts';
import { Product } from './product.schema.ts';
import { productProblems } from './rules.ts';

// Product events. Subject: the product id. Catalogue feeds (PIM, ERP) send whole products, so the
// common event is an upsert; discontinuation gets its own event because replenishment acts on it.

/** Data of `weft.product.discontinued.v1`. */
export const ProductDiscontinued = Type.Object(
  {
    productId: CanonicalId('product'),
    itemIds: Type.Optional(Type.Array(CanonicalId('item'), {
      minItems: 1,
      uniqueItems: true,
      description: 'Only these items are discontinued; absent means the whole product.',
    })),
    occurredAt: Instant('When the product or items stopped being offered'),
  },
  objectOptions('ProductDiscontinued', 'A product, or some of its items, was discontinued.'),
);
/** Data of `weft.product.discontinued.v1`. */
export type ProductDiscontinued = Static<typeof ProductDiscontinued>;

/** `weft.product.upserted.v1`. */
export const productUpserted = defineEvent({
  type: 'weft.product.upserted.v1',
  area: 'product',
  description: 'A product was created or changed; the data is the whole product with all its items.',
  data: Product,
  subjectOf: (data) => data.id,
});

/** `weft.product.discontinued.v1`. */
export const productDiscontinued = defineEvent({
  type: 'weft.product.discontinued.v1',
  area: 'product',
  description: 'A product, or some of its items, was discontinued: sell through, do not reorder.',
  data: ProductDiscontinued,
  subjectOf: (data) => data.productId,
});

/** The product area's catalogue entries. */
export const productEvents = [productUpserted, productDiscontinued] as const;

/** Business rules of the product area's events. */
export const productEventRules = [eventRule(productUpserted, productProblems)] as const;
