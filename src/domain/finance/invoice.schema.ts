import Type, { type Static } from 'typebox';
import { Address, BasisPoints, CurrencyCode, ExternalRefs, LocalDate, NonNegativeMoney, Sku } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';

// An invoice or credit note as the legal document the customer receives. Dates are calendar dates,
// as the law reads them; amounts follow the order's convention:
//   line total = quantity × unit price − discount;  grand total = subtotal + (pricesIncludeTax ? 0 : tax)
// Shipping is a line of its own on an invoice, as on the printed document.

/** One line of an invoice. */
export const InvoiceLine = Type.Object(
  {
    orderLineId: Type.Optional(CanonicalId('orderLine', 'The order line invoiced; absent for lines that are not one (shipping, fees).')),
    sku: Type.Optional(Sku),
    description: Type.String({ minLength: 1, maxLength: 300, description: 'Text printed on the line.' }),
    quantity: Type.Integer({ minimum: 1, description: 'Units invoiced (integer).' }),
    unitPrice: Type.With(NonNegativeMoney, { description: 'Price of one unit before discounts, in the invoice\'s tax basis.' }),
    discount: Type.With(NonNegativeMoney, { description: 'All discounts on the line, including its share of order discounts.' }),
    taxRate: Type.With(BasisPoints, { description: 'Tax rate of the line in basis points: 1900 = 19 %.' }),
    total: Type.With(NonNegativeMoney, { description: 'quantity × unitPrice − discount.' }),
  },
  objectOptions('InvoiceLine', 'One line of an invoice.'),
);
/** One line of an invoice. */
export type InvoiceLine = Static<typeof InvoiceLine>;

/** Tax per rate and jurisdiction, as printed in the invoice's tax summary. */
export const InvoiceTax = Type.Object(
  {
    jurisdiction: Type.String({
      pattern: '^[A-Z]{2}(-[A-Z0-9]{1,3})?(-[A-Z0-9_]{1,40})*$',
      description: 'Country, subdivision and local levels (DE, US-TX, US-TX-AUSTIN).',
      examples: ['DE', 'US-TX'],
    }),
    rate: Type.With(BasisPoints, { description: 'Tax rate in basis points: 1900 = 19 %.' }),
    taxableAmount: Type.With(NonNegativeMoney, { description: 'Net amount the tax was computed on.' }),
    amount: Type.With(NonNegativeMoney, { description: 'Tax at this rate in this jurisdiction.' }),
  },
  objectOptions('InvoiceTax', 'Tax per rate and jurisdiction.'),
);
/** Tax per rate and jurisdiction. */
export type InvoiceTax = Static<typeof InvoiceTax>;

/** The totals of an invoice. */
export const InvoiceTotals = Type.Object(
  {
    subtotal: Type.With(NonNegativeMoney, { description: 'Σ line totals.' }),
    taxTotal: Type.With(NonNegativeMoney, { description: 'Σ taxes.' }),
    grandTotal: Type.With(NonNegativeMoney, { description: 'subtotal (+ taxTotal when prices exclude tax).' }),
  },
  objectOptions('InvoiceTotals', 'The totals of an invoice.'),
);
/** The totals of an invoice. */
export type InvoiceTotals = Static<typeof InvoiceTotals>;

/** Where an invoice stands. */
export const InvoiceStatus = Type.Enum(['issued', 'partially_paid', 'paid', 'overdue', 'void'], { description: 'Where the invoice stands.' });
/** Where an invoice stands. */
export type InvoiceStatus = Static<typeof InvoiceStatus>;

/** An invoice or credit note. */
export const Invoice = Type.Object(
  {
    id: CanonicalId('invoice'),
    number: Type.String({ minLength: 1, maxLength: 64, description: 'The legal, gapless invoice number from the issuing system.' }),
    kind: Type.Enum(['invoice', 'credit_note'], { description: 'A credit note reverses (part of) an earlier invoice; its amounts are positive.' }),
    correctsInvoiceId: Type.Optional(CanonicalId('invoice', 'Credit notes: the invoice they correct.')),
    orderId: Type.Optional(CanonicalId('order', 'The order invoiced, when the invoice is for one.')),
    customerId: Type.Optional(CanonicalId('customer', 'The customer invoiced, when Weft knows them.')),
    billingAddress: Type.Optional(Type.With(Address, { description: 'The address printed on the invoice.' })),
    currency: Type.With(CurrencyCode, { description: 'ISO 4217 currency code of the invoice; every amount on it is in it.' }),
    pricesIncludeTax: Type.Boolean({ description: 'Whether unit prices and totals include tax.' }),
    lines: Type.Array(InvoiceLine, { minItems: 1, description: 'The lines of the invoice as printed, shipping included; at least one.' }),
    taxes: Type.Array(InvoiceTax, { description: 'The tax summary: one entry per rate and jurisdiction.' }),
    totals: InvoiceTotals,
    issueDate: Type.With(LocalDate, { description: 'The legal date of issue (YYYY-MM-DD).' }),
    dueDate: Type.Optional(Type.With(LocalDate, { description: 'The date payment is due (YYYY-MM-DD).' })),
    status: InvoiceStatus,
    externalRefs: ExternalRefs,
  },
  objectOptions('Invoice', 'An invoice or credit note.'),
);
/** An invoice or credit note. */
export type Invoice = Static<typeof Invoice>;
