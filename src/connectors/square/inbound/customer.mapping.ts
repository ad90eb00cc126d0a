import type { Customer } from '../../../domain/customer/customer.schema.ts';
import { toUtc, type InboundMapping, type MappingContext } from '../../sdk/index.ts';
import { dataObject, envelopeOf, obj, optStr, sourceSettings, str, type Json } from './read.ts';

// Square customers → weft.customer.created.v1 / weft.customer.updated.v1. customer.deleted is
// ignored on purpose: Square deletes customers when the seller merges duplicates or tidies the
// directory, which is not a data subject's erasure request; erasing everywhere (customer.erased)
// must come from Weft's erasure flow, not from a POS directory clean-up.
// Values Weft's schema cannot hold as given (a phone not in E.164, an address without a country)
// are kept in attributes rather than dropped, so nobody loses them silently.

const E164 = /^\+[1-9]\d{1,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Profile fields of a Square customer, as Weft's customer holds them. */
export function profileOf(customer: Json, at: string, context: MappingContext, updatedAt: string) {
  const settings = sourceSettings(context);
  const attributes: Record<string, string> = {};
  const given = optStr(customer.given_name);
  const family = optStr(customer.family_name);
  const name = given === undefined && family === undefined ? undefined : { ...(given === undefined ? {} : { given: given.slice(0, 100) }), ...(family === undefined ? {} : { family: family.slice(0, 100) }) };
  const email = optStr(customer.email_address);
  const emails = email !== undefined && EMAIL.test(email) ? [{ address: email, primary: true, verified: false }] : [];
  if (email !== undefined && emails.length === 0) attributes.squareEmailAddress = email;
  const rawPhone = optStr(customer.phone_number);
  const phone = rawPhone?.replace(/[\s\-().]/g, '');
  const phones = phone !== undefined && E164.test(phone) ? [{ number: phone, primary: true, verified: false }] : [];
  if (rawPhone !== undefined && phones.length === 0) attributes.squarePhoneNumber = rawPhone;
  const addresses: Customer['addresses'] = [];
  if (customer.address !== undefined) {
    const a = obj(customer.address, `${at}/address`);
    const line1 = optStr(a.address_line_1);
    const city = optStr(a.locality);
    const country = optStr(a.country) ?? settings.defaultCountry;
    if (line1 !== undefined && city !== undefined && country !== undefined && /^[A-Z]{2}$/.test(country)) {
      const line2 = optStr(a.address_line_2);
      const region = optStr(a.administrative_district_level_1);
      const postalCode = optStr(a.postal_code);
      addresses.push({
        kind: 'home',
        isDefault: true,
        address: { line1, city, country, ...(line2 === undefined ? {} : { line2 }), ...(region === undefined ? {} : { region }), ...(postalCode === undefined ? {} : { postalCode }) },
      });
    } else {
      attributes.squareAddress = [a.address_line_1, a.address_line_2, a.postal_code, a.locality, a.administrative_district_level_1, a.country].filter((v) => typeof v === 'string' && v !== '').join(', ');
    }
  }
  const birthday = optStr(customer.birthday)?.slice(0, 10);
  const birthDate = birthday !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(birthday) && !birthday.startsWith('0000') ? birthday : undefined;
  const preferences = customer.preferences === undefined ? {} : obj(customer.preferences, `${at}/preferences`);
  const consents: Customer['consents'] =
    preferences.email_unsubscribed === true
      ? [{ channel: 'email', purpose: 'marketing', status: 'withdrawn', capturedAt: updatedAt, source: { system: context.system, touchpoint: 'square-directory' } }]
      : [];
  const referenceId = optStr(customer.reference_id);
  if (referenceId !== undefined) attributes.squareReferenceId = referenceId;
  const company = optStr(customer.company_name);
  if (company !== undefined) attributes.squareCompanyName = company;
  return { name, emails, phones, addresses, consents, birthDate, attributes };
}

// Square truncates updated_at to the second while created_at keeps milliseconds, so a new customer
// can look updated before it was created (the customer.created sample does); the later one wins.
function timesOf(customer: Json, envelope: Json, at: string): { createdAt: string; updatedAt: string } {
  const createdAt = customer.created_at === undefined ? toUtc(envelope.created_at, '/created_at') : toUtc(customer.created_at, `${at}/created_at`);
  const updatedAt = customer.updated_at === undefined ? createdAt : toUtc(customer.updated_at, `${at}/updated_at`);
  return { createdAt, updatedAt: updatedAt < createdAt ? createdAt : updatedAt };
}

/** A Square Customer object as a whole Weft customer. */
export async function mapSquareCustomer(customer: Json, at: string, envelope: Json, context: MappingContext): Promise<Customer> {
  const squareId = str(customer.id, `${at}/id`);
  const { createdAt, updatedAt } = timesOf(customer, envelope, at);
  const profile = profileOf(customer, at, context, updatedAt);
  return {
    id: await context.ids.ref('customer', squareId),
    status: 'active',
    externalRefs: [{ system: context.system, id: squareId }],
    ...(profile.name === undefined ? {} : { name: profile.name }),
    emails: profile.emails,
    phones: profile.phones,
    addresses: profile.addresses,
    consents: profile.consents,
    ...(profile.birthDate === undefined ? {} : { birthDate: profile.birthDate }),
    ...(Object.keys(profile.attributes).length === 0 ? {} : { attributes: profile.attributes }),
    createdAt,
    updatedAt,
  };
}

/** customer.created → weft.customer.created.v1. */
export const customerCreatedMapping: InboundMapping = {
  description: 'customer.created → weft.customer.created.v1',
  async map(payload, context) {
    const { envelope } = envelopeOf(payload);
    const at = '/data/object/customer';
    const data = await mapSquareCustomer(obj(dataObject(envelope).customer, at), at, envelope, context);
    return { kind: 'events', events: [{ type: 'weft.customer.created.v1', subject: data.id, time: data.createdAt, data }] };
  },
};

/** customer.updated → weft.customer.updated.v1 replacing the profile fields Square holds. */
export const customerUpdatedMapping: InboundMapping = {
  description: 'customer.updated → weft.customer.updated.v1 (name, emails, phones, addresses, birth date, Square id)',
  async map(payload, context) {
    const { envelope } = envelopeOf(payload);
    const at = '/data/object/customer';
    const customer = obj(dataObject(envelope).customer, at);
    const squareId = str(customer.id, `${at}/id`);
    const { updatedAt } = timesOf(customer, envelope, at);
    const profile = profileOf(customer, at, context, updatedAt);
    const customerId = await context.ids.ref('customer', squareId);
    const changes = {
      ...(profile.name === undefined ? {} : { name: profile.name }),
      emails: profile.emails,
      phones: profile.phones,
      addresses: profile.addresses,
      ...(profile.birthDate === undefined ? {} : { birthDate: profile.birthDate }),
      externalRefs: [{ system: context.system, id: squareId }],
    };
    return { kind: 'events', events: [{ type: 'weft.customer.updated.v1', subject: customerId, time: updatedAt, data: { customerId, changes, occurredAt: updatedAt } }] };
  },
};

/** customer.deleted → ignored (see the top of this file). */
export const customerDeletedMapping: InboundMapping = {
  description: 'customer.deleted → ignored: a Square directory deletion (often a merge) is not an erasure request',
  async map(payload) {
    const { envelope } = envelopeOf(payload);
    const id = optStr(obj(envelope.data, '/data').id) ?? 'unknown';
    return { kind: 'ignored', reason: `Square customer ${id} was deleted from the Square directory (merge or clean-up); Weft erases customers only through its erasure flow` };
  },
};

/** loyalty.account.created → weft.customer.updated.v1 with the loyalty membership of the account's customer. */
export const loyaltyAccountCreatedMapping: InboundMapping = {
  description: 'loyalty.account.created → weft.customer.updated.v1 (loyalty: account id, programme id)',
  async map(payload, context) {
    const { envelope } = envelopeOf(payload);
    const at = '/data/object/loyalty_account';
    const account = obj(dataObject(envelope).loyalty_account, at);
    const accountId = str(account.id, `${at}/id`);
    const squareCustomerId = optStr(account.customer_id);
    if (squareCustomerId === undefined) return { kind: 'ignored', reason: `Square loyalty account ${accountId} is not linked to a customer yet` };
    const customerId = await context.ids.ref('customer', squareCustomerId);
    const occurredAt = toUtc(account.enrolled_at ?? account.created_at ?? envelope.created_at, account.enrolled_at === undefined ? `${at}/created_at` : `${at}/enrolled_at`);
    const programme = optStr(account.program_id);
    const loyalty = { memberId: accountId, ...(programme === undefined ? {} : { programme }) };
    return { kind: 'events', events: [{ type: 'weft.customer.updated.v1', subject: customerId, time: occurredAt, data: { customerId, changes: { loyalty }, occurredAt } }] };
  },
};
