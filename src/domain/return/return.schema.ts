import Type, { type Static } from 'typebox';
import { ExternalRefs, Instant, Sku } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';

// A customer return of order lines, from request to close. Reason codes are a fixed list because
// merchandising reports return rates by reason; the free text keeps what the customer actually said.

/** Where a return stands. */
export const ReturnStatus = Type.Enum(['requested', 'authorized', 'received', 'inspected', 'closed', 'rejected'], {
  description: 'Where the return stands.',
});
/** Where a return stands. */
export type ReturnStatus = Static<typeof ReturnStatus>;

/** Why the customer returned an item (fixed list, comparable across channels). */
export const ReturnReason = Type.Enum(
  ['too_small', 'too_large', 'not_as_described', 'damaged', 'defective', 'wrong_item', 'arrived_late', 'changed_mind', 'better_price', 'other'],
  { description: 'Why the customer returned the item.' },
);
/** Why the customer returned an item. */
export type ReturnReason = Static<typeof ReturnReason>;

/** The state a returned item arrived in, as inspection found it. */
export const ItemCondition = Type.Enum(['new', 'opened', 'used', 'damaged'], { description: 'The state the item arrived in.' });
/** The state a returned item arrived in. */
export type ItemCondition = Static<typeof ItemCondition>;

/** What happens to a returned item; restock puts it back into available stock. */
export const ReturnDisposition = Type.Enum(['restock', 'refurbish', 'return_to_vendor', 'destroy'], {
  description: 'What happens to the returned item.',
});
/** What happens to a returned item. */
export type ReturnDisposition = Static<typeof ReturnDisposition>;

/** How the customer wants their money back. */
export const RefundMethod = Type.Enum(['original_payment', 'store_credit', 'gift_card', 'exchange'], {
  description: 'How the customer wants to be refunded.',
});
/** How the customer wants their money back. */
export type RefundMethod = Static<typeof RefundMethod>;

/** Units of one order line being returned. */
export const ReturnLine = Type.Object(
  {
    orderLineId: CanonicalId('orderLine', 'The order line the units were bought on.'),
    sku: Sku,
    quantity: Type.Integer({ minimum: 1, description: 'Units returned (integer).' }),
    reason: ReturnReason,
    reasonText: Type.Optional(Type.String({ maxLength: 2000, description: 'The customer\'s own words.' })),
    condition: Type.Optional(Type.With(ItemCondition, { description: 'The state the items arrived in, once inspected.' })),
    disposition: Type.Optional(Type.With(ReturnDisposition, { description: 'What happens to the items, once inspected.' })),
  },
  objectOptions('ReturnLine', 'Units of one order line being returned.'),
);
/** Units of one order line being returned. */
export type ReturnLine = Static<typeof ReturnLine>;

/** A customer return of order lines. */
export const Return = Type.Object(
  {
    id: CanonicalId('return'),
    orderId: CanonicalId('order', 'The order the items were bought on.'),
    rmaNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Return authorisation number the customer writes on the parcel.' })),
    status: ReturnStatus,
    method: Type.Enum(['mail', 'in_store'], { description: 'Sent back by parcel or brought to a store.' }),
    lines: Type.Array(ReturnLine, { minItems: 1, description: 'What the customer returns: units per order line; at least one.' }),
    returnLocationId: Type.Optional(CanonicalId('location', 'Where the items go back to (returns centre or store).')),
    refundMethod: RefundMethod,
    requestedAt: Instant('When the customer asked to return the items'),
    authorizedAt: Type.Optional(Instant('When the return was authorised')),
    receivedAt: Type.Optional(Instant('When the items arrived back')),
    closedAt: Type.Optional(Instant('When the return was closed')),
    externalRefs: ExternalRefs,
  },
  objectOptions('Return', 'A customer return of order lines.'),
);
/** A customer return of order lines. */
export type Return = Static<typeof Return>;
