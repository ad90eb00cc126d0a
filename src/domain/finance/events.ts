import { defineEvent } from '../events/define-event.ts';
import { eventRule } from '../events/event-rules.ts';
import { Invoice } from './invoice.schema.ts';
import { JournalEntry } from './journal-entry.schema.ts';
import { invoiceProblems, journalEntryProblems } from './rules.ts';

// Finance events. Subjects: the invoice id and the posting id. Both are documents that never change
// once issued: corrections are new documents (a credit note, a reversing entry).

/** `weft.invoice.issued.v1`. */
export const invoiceIssued = defineEvent({
  type: 'weft.invoice.issued.v1',
  area: 'invoice',
  description: 'An invoice or credit note was issued; the data is the whole document.',
  data: Invoice,
  subjectOf: (data) => data.id,
});

/** `weft.posting.recorded.v1`. */
export const postingRecorded = defineEvent({
  type: 'weft.posting.recorded.v1',
  area: 'posting',
  description: 'A balanced journal entry was recorded for a business document, to be posted to the general ledger.',
  data: JournalEntry,
  subjectOf: (data) => data.id,
});

/** The finance areas' catalogue entries. */
export const financeEvents = [invoiceIssued, postingRecorded] as const;

/** Business rules of the finance areas' events. */
export const financeEventRules = [eventRule(invoiceIssued, invoiceProblems), eventRule(postingRecorded, journalEntryProblems)] as const;
