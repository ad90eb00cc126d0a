import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { exampleCustomer } from '../events/example-objects.ts';
import { customerProblems } from './rules.ts';
import type { Customer } from './customer.schema.ts';

const edit = (change: (customer: Customer) => void): Customer => {
  const copy = structuredClone(exampleCustomer);
  change(copy);
  return copy;
};
const pointers = (customer: Customer): string[] => customerProblems(customer).map((p) => p.pointer);

describe('customerProblems', () => {
  it('accepts a valid customer', () => {
    assert.deepEqual(customerProblems(exampleCustomer), []);
  });

  it('allows only one primary email and one primary phone', () => {
    const customer = edit((c) => {
      c.emails.push({ address: 'anna@example.com', primary: true, verified: false });
      c.phones.push({ number: '+4930901820', primary: true, verified: false });
    });
    assert.deepEqual(pointers(customer), ['/emails/1/primary', '/phones/1/primary']);
  });

  it('allows one default address per kind', () => {
    const customer = edit((c) => {
      c.addresses.push({ kind: 'shipping', isDefault: true, address: c.addresses[0]!.address });
      c.addresses.push({ kind: 'home', isDefault: true, address: c.addresses[0]!.address });
    });
    assert.deepEqual(pointers(customer), ['/addresses/2/isDefault']);
  });

  it('keeps one consent per channel and purpose', () => {
    const customer = edit((c) => {
      c.consents.push({ ...c.consents[0]!, status: 'withdrawn' });
    });
    assert.deepEqual(pointers(customer), ['/consents/1']);
  });

  it('links merged records to another customer, and only merged ones', () => {
    assert.deepEqual(pointers(edit((c) => { c.status = 'merged'; })), ['/mergedInto']);
    assert.deepEqual(pointers(edit((c) => { c.status = 'merged'; c.mergedInto = c.id; })), ['/mergedInto']);
    assert.deepEqual(pointers(edit((c) => { c.mergedInto = 'cus_01JD3E28JT97KB6CQ643DZVMXX'; })), ['/mergedInto']);
    assert.deepEqual(pointers(edit((c) => { c.status = 'merged'; c.mergedInto = 'cus_01JD3E28JT97KB6CQ643DZVMXX'; })), []);
  });

  it('keeps no personal data on an erased customer', () => {
    const erased = edit((c) => { c.status = 'erased'; });
    const found = pointers(erased);
    for (const field of ['/name', '/emails', '/phones', '/addresses', '/consents', '/loyalty', '/birthDate']) assert.ok(found.includes(field), field);
    const clean: Customer = {
      id: exampleCustomer.id,
      status: 'erased',
      externalRefs: exampleCustomer.externalRefs,
      emails: [],
      phones: [],
      addresses: [],
      consents: [],
      createdAt: exampleCustomer.createdAt,
      updatedAt: '2026-11-25T10:00:00Z',
    };
    assert.deepEqual(customerProblems(clean), []);
  });

  it('rejects an update before creation, comparing instants rather than strings', () => {
    assert.deepEqual(pointers(edit((c) => { c.updatedAt = '2026-03-02T18:21:39.999Z'; })), ['/updatedAt']);
    // As strings '…:40Z' > '…:40.5Z', as instants it is earlier.
    assert.deepEqual(pointers(edit((c) => { c.updatedAt = '2026-03-02T18:21:40.5Z'; })), []);
  });
});
