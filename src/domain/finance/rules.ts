import type { Money } from '../shared/primitives.ts';
import { addProblem, noProblems, type Problem, type Problems } from '../shared/problems.ts';
import type { Invoice } from './invoice.schema.ts';
import type { JournalEntry } from './journal-entry.schema.ts';

// An unbalanced entry is rejected by every ERP, usually hours later in a batch; catching it at the door
// keeps the ledger and the log in step. Invoices are legal documents: their arithmetic must hold.

/** Checks a journal entry: every line in the entry's currency, debits equal credits per currency, no empty lines. */
export function journalEntryProblems(entry: JournalEntry): Problems {
  let out: Problem[] | undefined;
  const lines = entry.lines;
  let mixed = false;
  let debit = 0;
  let credit = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.amount.currency !== entry.currency) {
      out = addProblem(out, `/lines/${i}/amount/currency`, `is ${line.amount.currency}, the entry is in ${entry.currency}`);
      mixed = true;
    }
    if (line.amount.amount === 0) out = addProblem(out, `/lines/${i}/amount/amount`, 'a journal line moves a non-zero amount');
    if (line.side === 'debit') debit += line.amount.amount;
    else credit += line.amount.amount;
  }
  if (!mixed) {
    if (debit !== credit) out = addProblem(out, '/lines', `debits (${debit}) must equal credits (${credit}) in ${entry.currency}`);
    return out ?? noProblems;
  }
  // Rare path: report the imbalance of each currency separately, so the message points at the real gap.
  const balances = new Map<string, number>();
  for (const line of lines) {
    const signed = line.side === 'debit' ? line.amount.amount : -line.amount.amount;
    balances.set(line.amount.currency, (balances.get(line.amount.currency) ?? 0) + signed);
  }
  for (const [currency, balance] of balances) {
    if (balance !== 0) out = addProblem(out, '/lines', `debits and credits in ${currency} differ by ${balance > 0 ? balance : -balance}`);
  }
  return out ?? noProblems;
}

/** Checks an invoice: one currency, line and document totals that add up, dates, credit note links. */
export function invoiceProblems(invoice: Invoice): Problems {
  let out: Problem[] | undefined;
  const c = invoice.currency;
  let subtotal = 0;
  for (let i = 0; i < invoice.lines.length; i++) {
    const line = invoice.lines[i]!;
    if (!same(line.unitPrice, c) || !same(line.discount, c) || !same(line.total, c)) {
      out = addProblem(out, `/lines/${i}`, `every amount on the line must be in ${c}`);
    }
    const expected = line.quantity * line.unitPrice.amount - line.discount.amount;
    if (line.total.amount !== expected) out = addProblem(out, `/lines/${i}/total/amount`, `line total must be quantity × unitPrice − discount = ${expected}, not ${line.total.amount}`);
    subtotal += line.total.amount;
  }
  let tax = 0;
  for (let i = 0; i < invoice.taxes.length; i++) {
    const t = invoice.taxes[i]!;
    if (!same(t.amount, c) || !same(t.taxableAmount, c)) out = addProblem(out, `/taxes/${i}`, `every amount in the tax summary must be in ${c}`);
    tax += t.amount.amount;
  }
  const totals = invoice.totals;
  if (!same(totals.subtotal, c) || !same(totals.taxTotal, c) || !same(totals.grandTotal, c)) out = addProblem(out, '/totals', `every total must be in ${c}`);
  if (totals.subtotal.amount !== subtotal) out = addProblem(out, '/totals/subtotal/amount', `subtotal must be the sum of line totals = ${subtotal}, not ${totals.subtotal.amount}`);
  if (totals.taxTotal.amount !== tax) out = addProblem(out, '/totals/taxTotal/amount', `taxTotal must be the sum of the tax summary = ${tax}, not ${totals.taxTotal.amount}`);
  const grand = totals.subtotal.amount + (invoice.pricesIncludeTax ? 0 : totals.taxTotal.amount);
  if (totals.grandTotal.amount !== grand) {
    out = addProblem(out, '/totals/grandTotal/amount', `grandTotal must be ${invoice.pricesIncludeTax ? 'subtotal' : 'subtotal + taxTotal'} = ${grand}, not ${totals.grandTotal.amount}`);
  }
  // YYYY-MM-DD strings compare like the dates they name.
  if (invoice.dueDate !== undefined && invoice.dueDate < invoice.issueDate) out = addProblem(out, '/dueDate', 'dueDate is before issueDate');
  if (invoice.kind === 'credit_note' && invoice.correctsInvoiceId === undefined) out = addProblem(out, '/correctsInvoiceId', 'a credit note names the invoice it corrects');
  if (invoice.kind === 'invoice' && invoice.correctsInvoiceId !== undefined) out = addProblem(out, '/correctsInvoiceId', 'only credit notes correct an invoice');
  return out ?? noProblems;
}

function same(money: Money, currency: string): boolean {
  return money.currency === currency;
}
