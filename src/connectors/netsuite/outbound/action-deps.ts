import type { ActionResult } from '../../sdk/index.ts';
import { idFromLocation, type NetSuiteClient } from '../client.ts';
import type { NetSuiteSettings } from '../settings.ts';
import type { HttpResponse } from '../../sdk/index.ts';

// What every NetSuite action is built from: the signed client and the validated settings.

/** Dependencies of a NetSuite action. */
export interface ActionDeps {
  client: NetSuiteClient;
  settings: NetSuiteSettings;
}

/** The receipt of a write NetSuite answered with 204 + Location: the new or upserted record's internal id. */
export function receiptOf(response: HttpResponse, status: string, xref?: ActionResult['xref']): ActionResult {
  const targetId = idFromLocation(response.headers.location);
  return { status, ...(targetId === undefined ? {} : { targetId }), ...(xref === undefined ? {} : { xref }) };
}

/** A record path: `/record/v1/<type>` or `/record/v1/<type>/eid:<externalId>`. */
export function recordPath(type: string, externalId?: string): string {
  return externalId === undefined ? `/record/v1/${type}` : `/record/v1/${type}/eid:${externalId}`;
}
