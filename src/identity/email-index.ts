import type { Customer } from '../domain/customer/customer.schema.ts';
import type { CustomerMerged, CustomerUpdated } from '../domain/customer/events.ts';

// The customers Weft knows by email address, folded from customer events: what order checks resolve a
// guest checkout to. An exact match of a normalised address, nothing fuzzier: a verified-or-not email
// shared by two people is rare enough in retail that identity matching proper (golden records,
// stewardship) can come later without this answering wrongly in between. Merged records point at
// their survivor; erased ones are forgotten.

/** The customer event types the index folds. */
export const CUSTOMER_EVENT_TYPES = ['weft.customer.created.v1', 'weft.customer.updated.v1', 'weft.customer.merged.v1', 'weft.customer.erased.v1'] as const;

/** Customers by email address. */
export interface EmailIndex {
  /** Normalised address → customer id. */
  byEmail: Map<string, string>;
  /** Customer id → its normalised addresses. */
  emailsOf: Map<string, Set<string>>;
  /** Sequence folded per subject (a customer id). */
  versions: Map<string, number>;
}

/** An empty index. */
export function emptyEmailIndex(): EmailIndex {
  return { byEmail: new Map(), emailsOf: new Map(), versions: new Map() };
}

/** The form addresses are compared in: trimmed, lower case. */
export function normaliseEmail(address: string): string {
  return address.trim().toLowerCase();
}

function forget(index: EmailIndex, customerId: string): void {
  for (const email of index.emailsOf.get(customerId) ?? []) if (index.byEmail.get(email) === customerId) index.byEmail.delete(email);
  index.emailsOf.delete(customerId);
}

function remember(index: EmailIndex, customerId: string, addresses: readonly string[]): void {
  const emails = new Set(addresses.map(normaliseEmail));
  index.emailsOf.set(customerId, emails);
  for (const email of emails) index.byEmail.set(email, customerId);
}

/** Folds one event; false when it is not a customer event or its subject has folded it already. */
export function applyCustomerEvent(index: EmailIndex, event: { type: string; subject: string; sequence: number; data: unknown }): boolean {
  if (!(CUSTOMER_EVENT_TYPES as readonly string[]).includes(event.type)) return false;
  if (event.sequence <= (index.versions.get(event.subject) ?? 0)) return false;
  index.versions.set(event.subject, event.sequence);
  if (event.type === 'weft.customer.created.v1') {
    const customer = event.data as Customer;
    if (customer.status === 'active') remember(index, customer.id, customer.emails.map((email) => email.address));
  } else if (event.type === 'weft.customer.updated.v1') {
    const update = event.data as CustomerUpdated;
    if (update.changes.emails !== undefined) {
      forget(index, update.customerId);
      remember(index, update.customerId, update.changes.emails.map((email) => email.address));
    }
  } else if (event.type === 'weft.customer.merged.v1') {
    const merged = event.data as CustomerMerged;
    const emails = [...(index.emailsOf.get(merged.customerId) ?? [])];
    forget(index, merged.customerId);
    // The survivor answers for the merged record's addresses it does not have already.
    const survivor = index.emailsOf.get(merged.mergedInto) ?? new Set<string>();
    for (const email of emails) if (!index.byEmail.has(email)) survivor.add(email);
    remember(index, merged.mergedInto, [...survivor]);
  } else {
    forget(index, (event.data as { customerId: string }).customerId);
  }
  return true;
}
