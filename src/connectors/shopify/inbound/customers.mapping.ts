// customers/create → weft.customer.created.v1, customers/update → weft.customer.updated.v1,
// customers/delete → ignored (see below). Shopify's customer: names, one email, an E.164 phone,
// `addresses` plus `default_address` (shipping addresses), and marketing consent objects.

import type { Consent, Customer, CustomerAddress } from '../../../domain/customer/customer.schema.ts';
import { toUtc, type InboundMapping, type MappingContext, type MappingOutcome } from '../../sdk/index.ts';
import { addressOf, arrayAt, e164, idAt, isObject, optObject, optString, rootObject, type Json } from './payload.ts';

type Profile = Pick<Customer, 'emails' | 'phones' | 'addresses' | 'consents'> & { name?: NonNullable<Customer['name']> };

function addressesOf(customer: Json): CustomerAddress[] {
  const defaultRaw = optObject(customer.default_address, '/default_address');
  const defaultId = defaultRaw?.id === undefined || defaultRaw.id === null ? undefined : String(defaultRaw.id);
  const seen = new Set<string>();
  const out: CustomerAddress[] = [];
  const candidates: [unknown, string][] = arrayAt(customer.addresses, '/addresses').map((raw, i) => [raw, `/addresses/${i}`]);
  if (defaultRaw !== undefined) candidates.push([defaultRaw, '/default_address']);
  for (const [raw, pointer] of candidates) {
    const id = isObject(raw) && raw.id !== undefined && raw.id !== null ? String(raw.id) : pointer;
    if (seen.has(id)) continue;
    seen.add(id);
    const address = addressOf(raw, pointer);
    if (address !== undefined) out.push({ kind: 'shipping', isDefault: defaultId !== undefined && id === defaultId, address });
  }
  return out;
}

// Shopify's marketing states: subscribed, not_subscribed, unsubscribed, pending, redacted, invalid.
function consentOf(raw: unknown, channel: 'email' | 'sms', fallbackTime: string, system: string, pointer: string): Consent | undefined {
  const consent = optObject(raw, pointer);
  const state = optString(consent?.state);
  if (consent === undefined || state === undefined) return undefined;
  const status = state === 'subscribed' ? 'granted' : state === 'unsubscribed' ? 'withdrawn' : state === 'not_subscribed' ? 'denied' : undefined;
  if (status === undefined) return undefined;
  const at = optString(consent.consent_updated_at);
  return { channel, purpose: 'marketing', status, capturedAt: at === undefined ? fallbackTime : toUtc(at, `${pointer}/consent_updated_at`), source: { system, touchpoint: 'shopify' } };
}

function profileOf(customer: Json, updatedAt: string, system: string): Profile {
  const profile: Profile = { emails: [], phones: [], addresses: addressesOf(customer), consents: [] };
  const given = optString(customer.first_name);
  const family = optString(customer.last_name);
  if (given !== undefined || family !== undefined) profile.name = { ...(given ? { given: given.slice(0, 100) } : {}), ...(family ? { family: family.slice(0, 100) } : {}) };
  const email = optString(customer.email);
  if (email !== undefined && email.includes('@')) profile.emails.push({ address: email, primary: true, verified: customer.verified_email === true });
  const phone = e164(customer.phone);
  if (phone !== undefined) profile.phones.push({ number: phone, primary: true, verified: false });
  for (const consent of [
    consentOf(customer.email_marketing_consent, 'email', updatedAt, system, '/email_marketing_consent'),
    consentOf(customer.sms_marketing_consent, 'sms', updatedAt, system, '/sms_marketing_consent'),
  ]) {
    if (consent !== undefined) profile.consents.push(consent);
  }
  return profile;
}

/** Maps customers/create to weft.customer.created.v1 (the whole record). */
export async function mapCustomerCreated(payload: unknown, context: MappingContext): Promise<MappingOutcome> {
  const customer = rootObject(payload, 'customers/create');
  const vendorId = idAt(customer.id, '/id');
  const createdAt = toUtc(customer.created_at, '/created_at');
  const updatedAt = customer.updated_at === null || customer.updated_at === undefined ? createdAt : toUtc(customer.updated_at, '/updated_at');
  const id = await context.ids.ref('customer', vendorId);
  const data: Customer = { id, status: 'active', externalRefs: [{ system: context.system, id: vendorId }], ...profileOf(customer, updatedAt, context.system), createdAt, updatedAt };
  const locale = optString(customer.locale);
  if (locale !== undefined && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale)) data.locale = locale;
  const note = optString(customer.note);
  const tags = optString(customer.tags);
  if (note !== undefined || tags !== undefined) data.attributes = { ...(note ? { note: note.slice(0, 4000) } : {}), ...(tags ? { shopifyTags: tags.slice(0, 4000) } : {}) };
  return { kind: 'events', events: [{ type: 'weft.customer.created.v1', subject: id, time: updatedAt, data }] };
}

/**
 * Maps customers/update to weft.customer.updated.v1: the profile lists Shopify holds (emails, phones,
 * addresses) replace Weft's, as the event defines. Consent changes are not taken from updates: the
 * payload shows the current state, not what changed, and re-sending it as consent_changed on every
 * edit would rewrite consent history.
 */
export async function mapCustomerUpdated(payload: unknown, context: MappingContext): Promise<MappingOutcome> {
  const customer = rootObject(payload, 'customers/update');
  const vendorId = idAt(customer.id, '/id');
  const occurredAt = toUtc(customer.updated_at, '/updated_at');
  const customerId = await context.ids.ref('customer', vendorId);
  const { consents: _consents, ...changes } = profileOf(customer, occurredAt, context.system);
  return { kind: 'events', events: [{ type: 'weft.customer.updated.v1', subject: customerId, time: occurredAt, data: { customerId, changes, occurredAt } }] };
}

/** customers/create → weft.customer.created.v1. */
export const customersCreateMapping: InboundMapping = {
  description: 'customers/create → weft.customer.created.v1: name, email, E.164 phone, shipping addresses, email/SMS marketing consent.',
  map: mapCustomerCreated,
};

/** customers/update → weft.customer.updated.v1. */
export const customersUpdateMapping: InboundMapping = {
  description: 'customers/update → weft.customer.updated.v1: name, emails, phones and addresses replace the current lists.',
  map: mapCustomerUpdated,
};

/**
 * customers/delete is recorded as ignored. A merchant deleting a customer in Shopify is not an
 * erasure request (those arrive on the mandatory customers/redact compliance topic), so
 * weft.customer.erased.v1 would wipe the person from every system wrongly. The fitting event,
 * weft.xref.unlinked.v1, needs an occurredAt and Shopify's body ({id}) carries no time.
 */
export const customersDeleteMapping: InboundMapping = {
  description: 'customers/delete → ignored: a deletion in one shop is not an erasure, and the body carries no time for weft.xref.unlinked.v1.',
  async map(payload: unknown): Promise<MappingOutcome> {
    const customer = rootObject(payload, 'customers/delete');
    const vendorId = idAt(customer.id, '/id');
    return { kind: 'ignored', reason: `Shopify deleted customer ${vendorId}; a deletion in one shop is not an erasure request (customers/redact is), and the body has no time to record an unlink with` };
  },
};
