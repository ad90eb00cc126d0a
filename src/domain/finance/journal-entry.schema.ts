import Type, { type Static } from 'typebox';
import { CurrencyCode, ExternalRefs, Instant, LocalDate, NonNegativeMoney, SystemName, VendorId } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { objectOptions } from '../shared/schema-options.ts';

// A financial posting: the journal entry Weft sends to the ERP's general ledger for a business
// document (an order's revenue, an invoice, a refund, a store's daily POS takings). Amounts are
// positive; the side says debit or credit, as accountants read it.

/** The order a posting books. */
export const PostedOrderRef = Type.Object(
  { kind: Type.Literal('order', { description: 'Says which document this is.' }), id: CanonicalId('order') },
  objectOptions('PostedOrderRef', 'The order the entry books.'),
);
/** The invoice a posting books. */
export const PostedInvoiceRef = Type.Object(
  { kind: Type.Literal('invoice', { description: 'Says which document this is.' }), id: CanonicalId('invoice') },
  objectOptions('PostedInvoiceRef', 'The invoice the entry books.'),
);
/** The refund a posting books. */
export const PostedRefundRef = Type.Object(
  { kind: Type.Literal('refund', { description: 'Says which document this is.' }), id: CanonicalId('refund') },
  objectOptions('PostedRefundRef', 'The refund the entry books.'),
);
/** The return a posting books (stock back into inventory value). */
export const PostedReturnRef = Type.Object(
  { kind: Type.Literal('return', { description: 'Says which document this is.' }), id: CanonicalId('return') },
  objectOptions('PostedReturnRef', 'The return the entry books.'),
);
/** A store's POS batch (end-of-day takings); POS batches have no canonical id, only the POS's own. */
export const PostedPosBatchRef = Type.Object(
  {
    kind: Type.Literal('pos_batch', { description: 'Says which document this is.' }),
    system: Type.With(SystemName, { description: 'The POS system the batch comes from, by its configured name (lowercase, digits, dashes).' }),
    batchId: Type.With(VendorId, { description: 'The POS\'s id of the batch.' }),
    locationId: CanonicalId('location', 'The store whose takings the batch holds.'),
    businessDate: Type.With(LocalDate, { description: 'The store\'s trading day the batch covers (YYYY-MM-DD, local to the store).' }),
  },
  objectOptions('PostedPosBatchRef', 'The POS batch the entry books.'),
);

/** The business document a journal entry books. */
export const PostingReference = Type.Union([PostedOrderRef, PostedInvoiceRef, PostedRefundRef, PostedReturnRef, PostedPosBatchRef], {
  description: 'The business document the entry books; `kind` says which.',
});
/** The business document a journal entry books. */
export type PostingReference = Static<typeof PostingReference>;

/** One line of a journal entry: an amount on one side of one account. */
export const JournalLine = Type.Object(
  {
    accountCode: Type.String({ minLength: 1, maxLength: 50, description: 'General ledger account in the ERP\'s chart of accounts.', examples: ['8400', '4000-100'] }),
    side: Type.Enum(['debit', 'credit'], { description: 'Which side of the account the amount is booked on.' }),
    amount: Type.With(NonNegativeMoney, { description: 'Positive amount; the side gives the direction.' }),
    costCentre: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'Cost centre in the ERP the amount is booked to.' })),
    locationId: Type.Optional(CanonicalId('location', 'The store or warehouse the amount belongs to, for location P&L.')),
    taxCode: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'The ERP\'s tax code for the line.' })),
    description: Type.Optional(Type.String({ maxLength: 300, description: 'Line text for the ledger (e.g. "Revenue DE-100234").' })),
  },
  objectOptions('JournalLine', 'One line of a journal entry.'),
);
/** One line of a journal entry. */
export type JournalLine = Static<typeof JournalLine>;

/** A journal entry: balanced debits and credits for one business document, in one currency. */
export const JournalEntry = Type.Object(
  {
    id: CanonicalId('posting'),
    postingDate: Type.With(LocalDate, { description: 'The accounting date the entry belongs to (YYYY-MM-DD).' }),
    currency: Type.With(CurrencyCode, { description: 'ISO 4217 currency code of the entry; every line is in it.' }),
    reference: PostingReference,
    description: Type.Optional(Type.String({ maxLength: 300, description: 'Header text of the entry in the ledger (e.g. "Order DE-100234").' })),
    lines: Type.Array(JournalLine, { minItems: 2, description: 'The debit and credit lines; at least two, debits equal to credits.' }),
    recordedAt: Instant('When Weft recorded the entry'),
    externalRefs: ExternalRefs,
  },
  objectOptions('JournalEntry', 'A balanced journal entry for one business document.'),
);
/** A balanced journal entry for one business document. */
export type JournalEntry = Static<typeof JournalEntry>;
