// noteOrder: keeps the order's record in Salesforce showing where the order stands in Weft (held,
// released from hold, cancelled, completed), so service agents see it without leaving the CRM.
// One record per Weft order in a custom object, upserted by its external id (the Weft order id).
// An upsert cannot be made conditional, so the record is read first and an older change than the
// one it shows is skipped as `stale`; a validation rule in the org (README.md) closes the short
// window between the read and the write, and its refusal is taken as `stale` too.

import { TargetError } from '../../../errors/index.ts';
import type { ActionCommand, ActionContext, ActionResult, ConnectorAction, HttpResponse, RequestPreview } from '../../sdk/index.ts';
import type { SalesforceClient, SalesforceRequest } from '../client.ts';
import { errorEntriesOf } from '../errors.ts';
import { isOlder, salesforceTime, statusChangeOf, type StatusChange } from './order-status.ts';

/** Text the org's validation rule puts in its error message when a write would go back in time (README.md). */
export const STALE_RULE_MARKER = 'WEFT_STALE_STATUS';

/** Where noteOrder writes. */
export interface NoteOrderOptions {
  client: SalesforceClient;
  /** Custom object API name (`Weft_Order__c`). */
  object: string;
  /** Its External ID + Unique field holding the Weft order id. */
  externalIdField: string;
  /** API names of the status fields. */
  fields: { status: string; reason: string; note: string; changedAt: string };
}

/** The fields an upsert sets: null clears what an earlier status left (a hold's reason after it is lifted). */
export function recordFields(change: StatusChange, fields: NoteOrderOptions['fields']): Record<string, string | null> {
  return {
    [fields.status]: change.status,
    [fields.reason]: change.reason,
    [fields.note]: change.note,
    [fields.changedAt]: new Date(change.changedAtMs).toISOString(),
  };
}

const isStaleRefusal = (response: HttpResponse): boolean =>
  response.status === 400 && errorEntriesOf(response.body).some((entry) => entry.errorCode === 'FIELD_CUSTOM_VALIDATION_EXCEPTION' && entry.message.includes(STALE_RULE_MARKER));

function parseObject(body: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Builds the noteOrder action of a target. */
export function createNoteOrderAction(options: NoteOrderOptions): ConnectorAction {
  const { client, object, externalIdField, fields } = options;
  const recordPath = (orderId: string) => `/sobjects/${object}/${externalIdField}/${encodeURIComponent(orderId)}`;
  const read = (orderId: string): SalesforceRequest => ({ method: 'GET', path: recordPath(orderId), what: `GET ${object} by ${externalIdField}`, expect: (response) => response.status === 404 });
  const upsert = (change: StatusChange): SalesforceRequest => ({
    method: 'PATCH',
    path: recordPath(change.orderId),
    body: recordFields(change, fields),
    what: `PATCH ${object} by ${externalIdField}`,
    expect: (response) => response.status === 404 || isStaleRefusal(response),
  });

  // Unchanged when every field already says what this change says: a replay writes nothing.
  function sameAs(record: Record<string, unknown>, change: StatusChange): boolean {
    const text = (value: unknown) => (value === undefined || value === null || value === '' ? null : value);
    const storedMs = salesforceTime(record[fields.changedAt]);
    return (
      text(record[fields.status]) === change.status &&
      text(record[fields.reason]) === change.reason &&
      text(record[fields.note]) === change.note &&
      storedMs !== undefined &&
      Math.floor(storedMs / 1000) === Math.floor(change.changedAtMs / 1000)
    );
  }

  return {
    description: `Upserts the order's ${object} record (by ${externalIdField} = Weft order id) with where it stands in Weft, from weft.order.held/hold_lifted/cancelled/completed.v1; an older change than the record shows is skipped as stale.`,
    idempotency: 'natural',
    priority: 'normal',
    async run(context: ActionContext): Promise<ActionResult> {
      const change = statusChangeOf(context.command);
      const now = context.clock.now();
      const xref = { entity: 'order', canonicalId: change.orderId };
      const found = await client.send(read(change.orderId), context.signal, now);
      const existing = found.status === 200 ? parseObject(found.body) : undefined;
      const existingId = typeof existing?.Id === 'string' ? existing.Id : undefined;
      if (existing !== undefined) {
        const storedMs = salesforceTime(existing[fields.changedAt]);
        if (isOlder(change.changedAtMs, storedMs)) {
          context.log.info({ orderId: change.orderId, status: change.status, changedAt: new Date(change.changedAtMs).toISOString(), shown: existing[fields.changedAt] }, 'Salesforce already shows a newer status of this order; the older one is not written');
          return { ...(existingId === undefined ? {} : { targetId: existingId, xref }), status: 'stale' };
        }
        if (sameAs(existing, change)) return { ...(existingId === undefined ? {} : { targetId: existingId, xref }), status: 'unchanged' };
      }

      const response = await client.send(upsert(change), context.signal, context.clock.now());
      if (response.status === 404) {
        const said = errorEntriesOf(response.body).map((entry) => `${entry.errorCode}: ${entry.message}`).join('; ') || 'no error body';
        throw new TargetError(
          'target_rejected',
          `PATCH ${object} by ${externalIdField} to ${context.command.target}: Salesforce has no custom object ${object} with the External ID field ${externalIdField} that the integration user can see (404 ${said}); create them as the salesforce connector's README describes, grant the integration user access to them, or correct orderObject / externalIdField (or apiVersion, if the org does not offer it)`,
          { targetStatus: 404 },
        );
      }
      if (response.status === 400) {
        context.log.info({ orderId: change.orderId, status: change.status }, 'the org\'s validation rule refused an older status than the record shows; not written');
        return { ...(existingId === undefined ? {} : { targetId: existingId, xref }), status: 'stale' };
      }
      // 201 created; 200 with {created} (API 46.0 and later) or 204 for an update.
      const result = response.status === 204 ? undefined : parseObject(response.body);
      const created = response.status === 201 || result?.created === true;
      const targetId = typeof result?.id === 'string' ? result.id : existingId;
      return { ...(targetId === undefined ? {} : { targetId, xref }), status: created ? 'created' : 'updated' };
    },
    async preview(command: ActionCommand): Promise<RequestPreview[]> {
      const change = statusChangeOf(command);
      return [client.preview(read(change.orderId)), client.preview(upsert(change))];
    },
  };
}
