import type { ActionCommand, ConnectorAction } from '../../sdk/index.ts';
import { commandData, externalIdAt, stringAt } from './command-data.ts';
import { receiptOf, recordPath, type ActionDeps } from './action-deps.ts';
import type { NetSuiteRequest } from '../client.ts';

// upsertCustomer: a Weft customer as a NetSuite customer record, keyed by NetSuite's external id
// (the canonical customer id). `PUT /record/v1/customer/eid:<id>` is NetSuite's upsert: it creates
// the record when no customer has that external id and updates it otherwise, so a retry is harmless.
// Accepts the data of weft.customer.created.v1 and weft.customer.updated.v1 when it is a whole Customer.

function primary(list: unknown, key: string): string | undefined {
  if (!Array.isArray(list)) return undefined;
  const entries = list as Record<string, unknown>[];
  const chosen = entries.find((entry) => entry.primary === true) ?? entries[0];
  return typeof chosen?.[key] === 'string' ? (chosen[key] as string) : undefined;
}

function customerRequest(command: ActionCommand, deps: ActionDeps): NetSuiteRequest {
  const data = commandData(command);
  const id = externalIdAt(command, data, 'id');
  const status = stringAt(command, data, 'status');
  const body: Record<string, unknown> = { externalId: id, isPerson: true, isInactive: status !== 'active' };
  // An erased customer keeps its record (transactions point at it) without personal data.
  if (status !== 'erased') {
    const name = (data.name ?? {}) as Record<string, unknown>;
    const full = typeof name.full === 'string' ? name.full.trim() : '';
    const given = typeof name.given === 'string' ? name.given : full.split(/\s+/).slice(0, -1).join(' ');
    const family = typeof name.family === 'string' ? name.family : full.split(/\s+/).slice(-1)[0] ?? '';
    const email = primary(data.emails, 'address');
    const phone = primary(data.phones, 'number');
    if (given !== '') body.firstName = given;
    // NetSuite wants a last name on a person; the email (or the id) stands in when the source had none.
    body.lastName = family !== '' ? family : (email ?? id);
    if (typeof name.salutation === 'string') body.salutation = name.salutation;
    if (email !== undefined) body.email = email;
    if (phone !== undefined) body.phone = phone;
  } else {
    body.firstName = '';
    body.lastName = id;
    body.email = '';
    body.phone = '';
  }
  if (deps.settings.subsidiaryId !== undefined) body.subsidiary = { id: deps.settings.subsidiaryId };
  return { method: 'PUT', path: recordPath('customer', id), body, what: 'PUT customer/eid' };
}

/** Creates or updates the customer record whose external id is the Weft customer id. */
export function upsertCustomerAction(deps: ActionDeps): ConnectorAction {
  return {
    description: 'Creates or updates a NetSuite customer keyed by the Weft customer id (external id upsert). Accepts Customer data (weft.customer.created.v1 / updated.v1).',
    idempotency: 'natural',
    priority: 'normal',
    async run(context) {
      const request = customerRequest(context.command, deps);
      const response = await deps.client.send(request, context.signal);
      const canonicalId = (request.body as { externalId: string }).externalId;
      return receiptOf(response, 'upserted', { entity: 'customer', canonicalId });
    },
    async preview(command) {
      return [deps.client.preview(customerRequest(command, deps))];
    },
  };
}
