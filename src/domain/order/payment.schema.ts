import Type, { type Static } from 'typebox';
import { ExternalRefs, Instant, NonNegativeMoney, VendorId } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';

// A payment on an order as the payment service provider sees it. Amounts authorised, captured and
// refunded are kept apart because order-to-cash acts on the difference (capture on shipment, refund
// on return) and finance reconciles each against the provider's settlement report.

/** How the customer paid. */
export const PaymentMethod = Type.Enum(
  ['card', 'paypal', 'klarna', 'apple_pay', 'google_pay', 'gift_card', 'store_credit', 'bank_transfer', 'direct_debit', 'invoice', 'cash', 'cash_on_delivery', 'marketplace', 'other'],
  { description: 'How the customer paid; `marketplace` when the marketplace collects the money.' },
);
/** How the customer paid. */
export type PaymentMethod = Static<typeof PaymentMethod>;

/** Where a payment stands with its provider. */
export const PaymentStatus = Type.Enum(['pending', 'authorized', 'captured', 'declined', 'under_review', 'voided', 'refunded'], {
  description: 'Where the payment stands with its provider; under_review = held by the provider\'s fraud screening.',
});
/** Where a payment stands with its provider. */
export type PaymentStatus = Static<typeof PaymentStatus>;

/** A payment on an order. */
export const Payment = Type.Object(
  {
    id: CanonicalId('payment'),
    method: PaymentMethod,
    provider: Type.String({
      pattern: '^[a-z][a-z0-9_-]{0,49}$',
      description: 'Payment service provider or tender type.',
      examples: ['adyen', 'stripe', 'paypal', 'pos-terminal'],
    }),
    providerReference: Type.Optional(Type.With(VendorId, { description: 'The provider\'s id of the payment (PSP reference), needed to capture and refund.' })),
    amountAuthorized: Type.With(NonNegativeMoney, { description: 'Amount the provider authorised (reserved on the customer\'s account).' }),
    amountCaptured: Type.With(NonNegativeMoney, { description: 'Amount charged so far; at most the authorised amount.' }),
    amountRefunded: Type.With(NonNegativeMoney, { description: 'Amount paid back so far; at most the captured amount.' }),
    status: PaymentStatus,
    cardBrand: Type.Optional(Type.String({ maxLength: 30, description: 'Card scheme, for card payments.', examples: ['visa', 'mastercard'] })),
    cardLast4: Type.Optional(Type.String({ pattern: '^\\d{4}$', description: 'Last four digits only; Weft never holds card numbers.' })),
    createdAt: Instant('When the payment was started at the provider'),
    externalRefs: Type.Optional(ExternalRefs),
  },
  objectOptions('Payment', 'A payment on an order.'),
);
/** A payment on an order. */
export type Payment = Static<typeof Payment>;
