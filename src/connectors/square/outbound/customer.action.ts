import type { ActionCommand, ActionContext, ConnectorAction, RequestPreview } from '../../sdk/index.ts';
import { buildRequest, previewOf, send, type SquareApiSettings } from '../client.ts';
import { commandData, invalid } from './command.ts';

// weft.customer.created.v1 → Square CreateCustomer (POST /v2/customers) with Square's
// `idempotency_key` set to the command's key, and `reference_id` set to Weft's customer id so the
// Square record can be traced back. The receipt links Square's customer id to the Weft customer.

const PATH = '/v2/customers';

function first<T extends { primary?: boolean }>(list: unknown): T | undefined {
  if (!Array.isArray(list)) return undefined;
  return (list.find((entry: T) => entry?.primary) ?? list[0]) as T | undefined;
}

/** The CreateCustomer body of a Weft customer. */
export function customerBody(command: ActionCommand, idempotencyKey: string): Record<string, unknown> {
  const { data } = commandData(command, ['weft.customer.created.v1']);
  if (typeof data.id !== 'string') throw invalid(command, 'the customer has no id');
  const name = (data.name ?? {}) as { given?: string; family?: string; full?: string };
  const email = first<{ address: string; primary?: boolean }>(data.emails)?.address;
  const phone = first<{ number: string; primary?: boolean }>(data.phones)?.number;
  const address = first<{ address: Record<string, string>; isDefault?: boolean; primary?: boolean }>(data.addresses)?.address;
  const body: Record<string, unknown> = { idempotency_key: idempotencyKey, reference_id: data.id };
  if (name.given !== undefined) body.given_name = name.given;
  if (name.family !== undefined) body.family_name = name.family;
  if (name.given === undefined && name.family === undefined && name.full !== undefined) body.given_name = name.full;
  if (email !== undefined) body.email_address = email;
  if (phone !== undefined) body.phone_number = phone;
  if (typeof data.birthDate === 'string') body.birthday = data.birthDate;
  if (address !== undefined) {
    body.address = {
      address_line_1: address.line1,
      ...(address.line2 === undefined ? {} : { address_line_2: address.line2 }),
      locality: address.city,
      ...(address.region === undefined ? {} : { administrative_district_level_1: address.region }),
      ...(address.postalCode === undefined ? {} : { postal_code: address.postalCode }),
      country: address.country,
    };
  }
  if (body.given_name === undefined && body.family_name === undefined && body.email_address === undefined && body.phone_number === undefined) {
    throw invalid(command, 'Square needs a name, an email address or a phone number to create a customer, and the customer has none');
  }
  return body;
}

/** createCustomer: weft.customer.created.v1 → a Square customer. */
export function createCustomerAction(api: SquareApiSettings, keyOf: (commandId: string) => string): ConnectorAction {
  return {
    description: 'Creates the customer in Square\'s customer directory from weft.customer.created.v1 (reference_id = Weft customer id)',
    idempotency: 'key',
    priority: 'normal',
    async run(context: ActionContext) {
      const body = customerBody(context.command, context.idempotencyKey);
      const answer = (await send(context.http, api, buildRequest(api, 'POST', PATH, body), `POST ${PATH}`, () => context.clock.now(), context.signal)) as { customer?: { id?: unknown } };
      const id = answer.customer?.id;
      if (typeof id !== 'string') throw invalid(context.command, 'Square answered without a customer id');
      return { status: 'created', targetId: id, xref: { entity: 'customer', canonicalId: body.reference_id as string } };
    },
    async preview(command: ActionCommand): Promise<RequestPreview[]> {
      return [previewOf(buildRequest(api, 'POST', PATH, customerBody(command, keyOf(command.id))))];
    },
  };
}
