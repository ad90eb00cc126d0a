import Type, { type Static } from 'typebox';
import { CurrencyCode, ExternalRefs, Instant, NonNegativeMoney, VendorId } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';

// Money going back to a customer through one payment. The amount is split the way the order was
// built, so finance can reverse revenue, shipping and tax separately. Convention (same as orders):
//   amount = Σ line amounts + shipping + adjustment + (pricesIncludeTax ? 0 : tax)

/** Why money goes back. */
export const RefundReason = Type.Enum(['return', 'cancellation', 'price_adjustment', 'goodwill', 'duplicate_payment', 'other'], {
  description: 'Why money goes back to the customer.',
});
/** Why money goes back. */
export type RefundReason = Static<typeof RefundReason>;

/** Where a refund stands with the payment provider. */
export const RefundStatus = Type.Enum(['pending', 'succeeded', 'failed'], { description: 'Where the refund stands with the payment provider.' });
/** Where a refund stands with the payment provider. */
export type RefundStatus = Static<typeof RefundStatus>;

/** The part of a refund for units of one order line. */
export const RefundLine = Type.Object(
  {
    orderLineId: CanonicalId('orderLine', 'The order line the money is for.'),
    quantity: Type.Integer({ minimum: 0, description: 'Units refunded; 0 for a price adjustment on kept units.' }),
    amount: Type.With(NonNegativeMoney, { description: 'Amount for these units, in the order\'s tax basis.' }),
  },
  objectOptions('RefundLine', 'The part of a refund for units of one order line.'),
);
/** The part of a refund for units of one order line. */
export type RefundLine = Static<typeof RefundLine>;

/** Money returned to a customer through one payment. */
export const Refund = Type.Object(
  {
    id: CanonicalId('refund'),
    orderId: CanonicalId('order', 'The order the money was paid for.'),
    returnId: Type.Optional(CanonicalId('return', 'The return the refund settles, when there is one.')),
    currency: Type.With(CurrencyCode, { description: 'ISO 4217 currency code, the order\'s; every amount in the refund is in it.' }),
    pricesIncludeTax: Type.Boolean({ description: 'As on the order: whether line and shipping amounts include tax.' }),
    amount: Type.With(NonNegativeMoney, { description: 'Total paid back: Σ lines + shipping + adjustment (+ tax when prices exclude tax).' }),
    lines: Type.Array(RefundLine, { description: 'What the refund pays back per order line, one entry per line; empty when it pays back only shipping or an adjustment.' }),
    shipping: Type.With(NonNegativeMoney, { description: 'Shipping charges paid back.' }),
    tax: Type.With(NonNegativeMoney, { description: 'Tax paid back; the included share when prices include tax.' }),
    adjustment: Type.With(NonNegativeMoney, { description: 'Paid back without a line (goodwill, price match).' }),
    paymentId: CanonicalId('payment', 'The order payment the money goes back through.'),
    providerReference: Type.Optional(Type.With(VendorId, { description: 'The payment provider\'s id of the refund.' })),
    reason: RefundReason,
    status: RefundStatus,
    failureReason: Type.Optional(Type.String({ maxLength: 500, description: 'The provider\'s reason, when the refund failed.' })),
    requestedAt: Instant('When the refund was sent to the payment provider'),
    issuedAt: Type.Optional(Instant('When the provider confirmed the refund')),
    externalRefs: ExternalRefs,
  },
  objectOptions('Refund', 'Money returned to a customer through one payment.'),
);
/** Money returned to a customer through one payment. */
export type Refund = Static<typeof Refund>;
