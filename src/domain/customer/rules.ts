import { addProblem, noProblems, type Problem, type Problems } from '../shared/problems.ts';
import { isBefore } from '../shared/time.ts';
import type { Customer } from './customer.schema.ts';

// What the customer schema cannot say: one primary contact, one default address per kind, one consent
// state per channel × purpose, consistent merge links, and no personal data left on an erased record.

/** Checks a customer record's business rules; empty when valid. */
export function customerProblems(customer: Customer): Problems {
  let out: Problem[] | undefined;

  if (customer.status === 'merged') {
    if (customer.mergedInto === undefined) out = addProblem(out, '/mergedInto', 'a merged customer must name the customer it was merged into');
    else if (customer.mergedInto === customer.id) out = addProblem(out, '/mergedInto', 'a customer cannot be merged into itself');
  } else if (customer.mergedInto !== undefined) {
    out = addProblem(out, '/mergedInto', `only a merged customer has mergedInto (status is ${customer.status})`);
  }

  if (customer.status === 'erased') out = erasedProblems(customer, out);

  let primaryEmails = 0;
  for (let i = 0; i < customer.emails.length; i++) {
    if (customer.emails[i]!.primary && ++primaryEmails > 1) out = addProblem(out, `/emails/${i}/primary`, 'only one email can be primary');
  }
  let primaryPhones = 0;
  for (let i = 0; i < customer.phones.length; i++) {
    if (customer.phones[i]!.primary && ++primaryPhones > 1) out = addProblem(out, `/phones/${i}/primary`, 'only one phone can be primary');
  }

  for (let i = 0; i < customer.addresses.length; i++) {
    const a = customer.addresses[i]!;
    if (!a.isDefault) continue;
    for (let j = 0; j < i; j++) {
      const b = customer.addresses[j]!;
      if (b.isDefault && b.kind === a.kind) {
        out = addProblem(out, `/addresses/${i}/isDefault`, `only one ${a.kind} address can be the default (see /addresses/${j})`);
        break;
      }
    }
  }

  for (let i = 0; i < customer.consents.length; i++) {
    const c = customer.consents[i]!;
    for (let j = 0; j < i; j++) {
      const d = customer.consents[j]!;
      if (d.channel === c.channel && d.purpose === c.purpose) {
        out = addProblem(out, `/consents/${i}`, `consent ${c.channel}/${c.purpose} is listed twice (see /consents/${j}); keep only the current state`);
        break;
      }
    }
  }

  if (isBefore(customer.updatedAt, customer.createdAt)) out = addProblem(out, '/updatedAt', 'updatedAt is before createdAt');
  return out ?? noProblems;
}

// Erasure (GDPR art. 17) keeps the id so references from orders stay intact, and nothing that identifies the person.
function erasedProblems(customer: Customer, out: Problem[] | undefined): Problem[] | undefined {
  const message = 'an erased customer keeps no personal data';
  if (customer.name !== undefined) out = addProblem(out, '/name', message);
  if (customer.emails.length > 0) out = addProblem(out, '/emails', message);
  if (customer.phones.length > 0) out = addProblem(out, '/phones', message);
  if (customer.addresses.length > 0) out = addProblem(out, '/addresses', message);
  if (customer.consents.length > 0) out = addProblem(out, '/consents', message);
  if (customer.loyalty !== undefined) out = addProblem(out, '/loyalty', message);
  if (customer.birthDate !== undefined) out = addProblem(out, '/birthDate', message);
  if (customer.attributes !== undefined) out = addProblem(out, '/attributes', message);
  return out;
}
