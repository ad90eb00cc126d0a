import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exampleCustomer } from '../domain/events/example-objects.ts';
import { validateEventData } from '../domain/events/validate.ts';
import { createIdGenerator } from '../ports/clock.ts';
import { applyCustomerEvent, emptyEmailIndex } from './email-index.ts';

// The email index order checks resolve guest orders with: created, changed, merged and erased
// customers, addresses compared trimmed and in lower case, each event folded once.

const ids = createIdGenerator();
const at = '2026-11-24T10:00:00.000Z';

function customer(email: string) {
  const id = ids.next('customer');
  return { ...exampleCustomer, id, emails: [{ address: email, primary: true, verified: true }] };
}

describe('the email index', () => {
  it('finds a created customer by an address in any case, and folds an event once', () => {
    const index = emptyEmailIndex();
    const anna = customer('Anna.Schmidt@example.org');
    assert.ok(validateEventData('weft.customer.created.v1', anna.id, anna).ok);
    assert.equal(applyCustomerEvent(index, { type: 'weft.customer.created.v1', subject: anna.id, sequence: 1, data: anna }), true);
    assert.equal(index.byEmail.get('anna.schmidt@example.org'), anna.id);
    assert.equal(applyCustomerEvent(index, { type: 'weft.customer.created.v1', subject: anna.id, sequence: 1, data: customer('other@example.org') }), false, 'the same sequence again is skipped');
  });

  it('moves a customer to new addresses, points a merged record\'s addresses at the survivor, and forgets an erased one', () => {
    const index = emptyEmailIndex();
    const anna = customer('anna@example.org');
    const dup = customer('a.schmidt@example.org');
    applyCustomerEvent(index, { type: 'weft.customer.created.v1', subject: anna.id, sequence: 1, data: anna });
    applyCustomerEvent(index, { type: 'weft.customer.created.v1', subject: dup.id, sequence: 1, data: dup });
    const update = { customerId: anna.id, changes: { emails: [{ address: 'anna@new.example', primary: true, verified: false }] }, occurredAt: at };
    assert.ok(validateEventData('weft.customer.updated.v1', anna.id, update).ok);
    applyCustomerEvent(index, { type: 'weft.customer.updated.v1', subject: anna.id, sequence: 2, data: update });
    assert.deepEqual([index.byEmail.get('anna@example.org'), index.byEmail.get('anna@new.example')], [undefined, anna.id]);
    applyCustomerEvent(index, { type: 'weft.customer.merged.v1', subject: dup.id, sequence: 2, data: { customerId: dup.id, mergedInto: anna.id, occurredAt: at } });
    assert.equal(index.byEmail.get('a.schmidt@example.org'), anna.id, 'the survivor answers for the merged record');
    applyCustomerEvent(index, { type: 'weft.customer.erased.v1', subject: anna.id, sequence: 3, data: { customerId: anna.id, reason: 'data_subject_request', occurredAt: at } });
    assert.equal(index.byEmail.size, 0);
  });
});
