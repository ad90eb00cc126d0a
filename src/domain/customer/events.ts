import Type, { type Static } from 'typebox';
import { Attributes, ExternalRefs, Instant, LanguageTag, LocalDate } from '../shared/primitives.ts';
import { CanonicalId } from '../shared/ids.ts';
import { asField, objectOptions } from '../shared/schema-options.ts';
import { defineEvent } from '../events/define-event.ts';
import { eventRule } from '../events/event-rules.ts';
import { addProblem, noProblems, type Problem, type Problems } from '../shared/problems.ts';
import { Consent, CustomerAddress, Customer, EmailContact, LoyaltyMembership, PersonName, PhoneContact } from './customer.schema.ts';
import { customerProblems } from './rules.ts';

// Customer events. Subject: the customer id. Consents change on their own event because they decide
// what every other system may do with the customer, and auditors ask for exactly that history.

const CustomerId = CanonicalId('customer');
const OccurredAt = Instant('When the change happened in the source system');

/** Profile fields that can be removed outright by an update. */
export const RemovableCustomerField = Type.Enum(['name', 'loyalty', 'birthDate', 'locale', 'attributes'], {
  description: 'A profile field the update clears.',
});

/** Profile fields an update replaces; absent fields stay as they are, lists are replaced whole. */
export const CustomerChanges = Type.Object(
  {
    name: Type.Optional(asField(PersonName, 'The new name.')),
    emails: Type.Optional(Type.Array(EmailContact, { maxItems: 50, description: 'All email addresses of the customer; replaces the current list.' })),
    phones: Type.Optional(Type.Array(PhoneContact, { maxItems: 50, description: 'All phone numbers of the customer; replaces the current list.' })),
    addresses: Type.Optional(Type.Array(CustomerAddress, { maxItems: 100, description: 'All postal addresses of the customer; replaces the current list.' })),
    loyalty: Type.Optional(asField(LoyaltyMembership, 'The new loyalty membership.')),
    birthDate: Type.Optional(Type.With(LocalDate, { description: 'The new date of birth (YYYY-MM-DD).' })),
    locale: Type.Optional(Type.With(LanguageTag, { description: 'The new preferred language (BCP 47).' })),
    attributes: Type.Optional(Type.With(Attributes, { description: 'Retailer-specific attributes; replace the current ones whole.' })),
    externalRefs: Type.Optional(Type.With(ExternalRefs, { description: 'The customer\'s ids in external systems; replaces the current list.' })),
    removed: Type.Optional(Type.Array(RemovableCustomerField, { uniqueItems: true, description: 'Fields to clear.' })),
  },
  {
    ...objectOptions('CustomerChanges', 'Profile fields an update replaces: absent fields stay as they are, a list that is given replaces the whole list.'),
    minProperties: 1,
  },
);
/** Profile fields an update replaces. */
export type CustomerChanges = Static<typeof CustomerChanges>;

/** Data of `weft.customer.updated.v1`. */
export const CustomerUpdated = Type.Object(
  { customerId: CustomerId, changes: CustomerChanges, occurredAt: OccurredAt },
  objectOptions('CustomerUpdated', 'Profile fields of a customer changed.'),
);
/** Data of `weft.customer.updated.v1`. */
export type CustomerUpdated = Static<typeof CustomerUpdated>;

/** Data of `weft.customer.merged.v1`; the subject is the record merged away, whose stream ends here. */
export const CustomerMerged = Type.Object(
  {
    customerId: Type.With(CustomerId, { description: 'The duplicate record that now points at the survivor.' }),
    mergedInto: Type.With(CustomerId, { description: 'The surviving record.' }),
    occurredAt: OccurredAt,
  },
  objectOptions('CustomerMerged', 'A duplicate customer record was merged into another.'),
);
/** Data of `weft.customer.merged.v1`. */
export type CustomerMerged = Static<typeof CustomerMerged>;

/** Data of `weft.customer.consent_changed.v1`: the new state of one channel × purpose consent. */
export const CustomerConsentChanged = Type.Object(
  { customerId: CustomerId, consent: Consent, occurredAt: OccurredAt },
  objectOptions('CustomerConsentChanged', 'A customer granted, denied or withdrew one consent.'),
);
/** Data of `weft.customer.consent_changed.v1`. */
export type CustomerConsentChanged = Static<typeof CustomerConsentChanged>;

/** Data of `weft.customer.erased.v1`: carries no personal data, only why and when. */
export const CustomerErased = Type.Object(
  {
    customerId: CustomerId,
    reason: Type.Enum(['erasure_request', 'retention_expired'], {
      description: 'A data subject request (GDPR art. 17, CCPA) or the retailer\'s retention policy.',
    }),
    occurredAt: OccurredAt,
  },
  objectOptions('CustomerErased', 'A customer\'s personal data was erased.'),
);
/** Data of `weft.customer.erased.v1`. */
export type CustomerErased = Static<typeof CustomerErased>;

/** `weft.customer.created.v1`. */
export const customerCreated = defineEvent({
  type: 'weft.customer.created.v1',
  area: 'customer',
  description: 'A customer became known to Weft, with their whole record.',
  data: Customer,
  subjectOf: (data) => data.id,
});

/** `weft.customer.updated.v1`. */
export const customerUpdated = defineEvent({
  type: 'weft.customer.updated.v1',
  area: 'customer',
  description: 'Profile fields of a customer changed (name, contacts, addresses, loyalty, ...).',
  data: CustomerUpdated,
  subjectOf: (data) => data.customerId,
});

/** `weft.customer.merged.v1`. */
export const customerMerged = defineEvent({
  type: 'weft.customer.merged.v1',
  area: 'customer',
  description: 'A duplicate customer record was merged into a surviving record.',
  data: CustomerMerged,
  subjectOf: (data) => data.customerId,
});

/** `weft.customer.consent_changed.v1`. */
export const customerConsentChanged = defineEvent({
  type: 'weft.customer.consent_changed.v1',
  area: 'customer',
  description: 'A customer granted, denied or withdrew consent for one channel and purpose.',
  data: CustomerConsentChanged,
  subjectOf: (data) => data.customerId,
});

/** `weft.customer.erased.v1`. */
export const customerErased = defineEvent({
  type: 'weft.customer.erased.v1',
  area: 'customer',
  description: 'A customer\'s personal data was erased; every system holding it must erase it too.',
  data: CustomerErased,
  subjectOf: (data) => data.customerId,
});

/** The customer area's catalogue entries. */
export const customerEvents = [customerCreated, customerUpdated, customerMerged, customerConsentChanged, customerErased] as const;

// A field both replaced and removed in one update has no clear result.
function updateProblems(data: CustomerUpdated): Problems {
  const removed = data.changes.removed;
  if (removed === undefined) return noProblems;
  let out: Problem[] | undefined;
  for (let i = 0; i < removed.length; i++) {
    const field = removed[i]!;
    if (data.changes[field] !== undefined) out = addProblem(out, `/changes/removed/${i}`, `${field} is both changed and removed`);
  }
  return out ?? noProblems;
}

/** Business rules of the customer area's events. */
export const customerEventRules = [
  eventRule(customerCreated, customerProblems),
  eventRule(customerUpdated, updateProblems),
  eventRule(customerMerged, (data) =>
    data.mergedInto === data.customerId ? [{ pointer: '/mergedInto', message: 'a customer cannot be merged into itself' }] : []),
] as const;
