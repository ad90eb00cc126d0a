import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exampleInvoice, exampleJournalEntry } from '../events/example-documents.ts';
import { invoiceProblems, journalEntryProblems } from './rules.ts';
import type { Invoice } from './invoice.schema.ts';
import type { JournalEntry } from './journal-entry.schema.ts';

const entryProblems = (change: (entry: JournalEntry) => void) => {
  const copy = structuredClone(exampleJournalEntry);
  change(copy);
  return journalEntryProblems(copy);
};
const invoicePointers = (change: (invoice: Invoice) => void): string[] => {
  const copy = structuredClone(exampleInvoice);
  change(copy);
  return invoiceProblems(copy).map((p) => p.pointer);
};

describe('journalEntryProblems', () => {
  it('accepts a balanced entry', () => {
    assert.deepEqual(journalEntryProblems(exampleJournalEntry), []);
  });

  it('rejects debits that differ from credits', () => {
    const problems = entryProblems((e) => { e.lines[0]!.amount.amount += 1; });
    assert.deepEqual(problems.map((p) => p.pointer), ['/lines']);
    assert.match(problems[0]!.message, /207704.*207703/);
  });

  it('balances per currency and flags lines outside the entry currency', () => {
    // The cash debit in EUR and an extra EUR credit: each currency is off by its own gap.
    const problems = entryProblems((e) => {
      e.lines[1]!.amount.currency = 'EUR';
      e.lines.push({ accountCode: '4000', side: 'credit', amount: { amount: 100, currency: 'EUR' } });
    });
    assert.deepEqual(problems.map((p) => p.pointer), ['/lines/1/amount/currency', '/lines/4/amount/currency', '/lines', '/lines']);
    assert.ok(problems.some((p) => /USD differ by 23470/.test(p.message)));
    assert.ok(problems.some((p) => /EUR differ by 23370/.test(p.message)));
  });

  it('rejects zero lines', () => {
    const problems = entryProblems((e) => { e.lines.push({ accountCode: '9999', side: 'debit', amount: { amount: 0, currency: 'USD' } }); });
    assert.deepEqual(problems.map((p) => p.pointer), ['/lines/4/amount/amount']);
  });
});

describe('invoiceProblems', () => {
  it('accepts a valid invoice', () => {
    assert.deepEqual(invoiceProblems(exampleInvoice), []);
  });

  it('checks line totals, subtotal, tax total and grand total', () => {
    assert.deepEqual(invoicePointers((i) => { i.lines[1]!.total.amount = 3998; }), ['/lines/1/total/amount', '/totals/subtotal/amount']);
    assert.deepEqual(invoicePointers((i) => { i.totals.taxTotal.amount = 2500; }), ['/totals/taxTotal/amount']);
    assert.deepEqual(invoicePointers((i) => { i.totals.grandTotal.amount = 15692 + 2505; }), ['/totals/grandTotal/amount']);
    assert.deepEqual(invoicePointers((i) => { i.pricesIncludeTax = false; i.totals.grandTotal.amount = 15692 + 2505; }), []);
  });

  it('keeps one currency', () => {
    assert.deepEqual(invoicePointers((i) => { i.lines[2]!.unitPrice.currency = 'USD'; }), ['/lines/2']);
  });

  it('checks the due date and credit note links', () => {
    assert.deepEqual(invoicePointers((i) => { i.dueDate = '2026-11-19'; }), ['/dueDate']);
    assert.deepEqual(invoicePointers((i) => { i.kind = 'credit_note'; }), ['/correctsInvoiceId']);
    assert.deepEqual(invoicePointers((i) => { i.correctsInvoiceId = i.id; }), ['/correctsInvoiceId']);
  });
});
