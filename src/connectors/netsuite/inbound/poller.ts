import { TargetError } from '../../../errors/index.ts';
import { parseJsonExact, toUtc, type EnrichContext, type Poller, type WebhookDelivery } from '../../sdk/index.ts';
import { createNetSuiteClient } from '../client.ts';
import type { NetSuiteSettings } from '../settings.ts';

// NetSuite does not push, so the source polls: a SuiteQL query for item fulfilments and invoices
// modified after the cursor (last modified time, then internal id as the tiebreak, so two records
// modified in the same second are neither skipped nor read twice), then each record in full
// through the record API. Each change becomes a delivery whose id is type + id + modification
// time: the same change read twice is deduplicated, a later change of the record is new.

/** REST record type → SuiteQL transaction.recordtype, of the records the source maps. */
export const POLLED_TYPES: Readonly<Record<string, string>> = { itemFulfillment: 'itemfulfillment', invoice: 'invoice' };

/** Where a poll starts: after this modification time (`YYYY-MM-DD HH:MM:SS`, NetSuite's clock) and, at that time, this internal id. */
export interface PollCursor {
  modified: string;
  id: string;
}

/** The cursor as stored: `<modified>|<id>`. */
export function formatCursor(cursor: PollCursor): string {
  return `${cursor.modified}|${cursor.id}`;
}

/** A stored cursor, or the settings' start when there is none. A cursor Weft did not write is an error, not a silent restart. */
export function parseCursor(text: string | undefined, settings: NetSuiteSettings): PollCursor {
  if (text === undefined) return { modified: settings.pollStart, id: '0' };
  const match = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\|(\d+)$/.exec(text);
  if (!match) throw new TargetError('target_rejected', `The NetSuite poll cursor "${text}" is not <YYYY-MM-DD HH:MM:SS>|<id>`);
  return { modified: match[1] as string, id: match[2] as string };
}

/** The SuiteQL of one poll (the simulator matches this exact shape). */
export function changesQuery(cursor: PollCursor): string {
  const types = Object.values(POLLED_TYPES).map((type) => `'${type}'`).join(', ');
  const at = (value: string) => `TO_DATE('${value}', 'YYYY-MM-DD HH24:MI:SS')`;
  return (
    `SELECT t.id, t.recordtype, TO_CHAR(t.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS modified FROM transaction t ` +
    `WHERE t.recordtype IN (${types}) AND (t.lastmodifieddate > ${at(cursor.modified)} OR (t.lastmodifieddate = ${at(cursor.modified)} AND t.id > ${Number(cursor.id)})) ` +
    'ORDER BY t.lastmodifieddate, t.id'
  );
}

/** The poller of a NetSuite source. */
export function createNetSuitePoller(system: string, settings: NetSuiteSettings, signing?: Parameters<typeof createNetSuiteClient>[2]['signing']): Poller {
  return {
    intervalMs: settings.pollIntervalMs,
    async run(cursorText, context: EnrichContext) {
      const client = createNetSuiteClient(system, settings, { http: context.http, ...(signing === undefined ? {} : { signing }) });
      let cursor = parseCursor(cursorText, settings);
      const page = await client.suiteql(changesQuery(cursor), { limit: settings.pollPageSize, offset: 0 }, context.signal);
      const deliveries: WebhookDelivery[] = [];
      for (const row of page.items) {
        const id = String(row.id);
        const recordtype = String(row.recordtype);
        const modified = String(row.modified);
        const topic = Object.entries(POLLED_TYPES).find(([, sqlType]) => sqlType === recordtype)?.[0];
        if (topic === undefined || !/^\d+$/.test(id)) {
          cursor = { modified, id: /^\d+$/.test(id) ? id : cursor.id };
          continue;
        }
        const response = await client.send({ method: 'GET', path: `/record/v1/${topic}/${id}`, query: { expandSubResources: 'true' }, what: `GET ${topic}` }, context.signal);
        const payload = parseJsonExact(response.body) as Record<string, unknown>;
        let occurredAt: string | undefined;
        try {
          occurredAt = toUtc(payload.lastModifiedDate, '/lastModifiedDate');
        } catch {
          occurredAt = undefined;
        }
        deliveries.push({ topic, deliveryId: `${recordtype}:${id}:${modified}`, payload, ...(occurredAt === undefined ? {} : { occurredAt }) });
        cursor = { modified, id };
      }
      return { deliveries, cursor: formatCursor(cursor), more: page.hasMore };
    },
  };
}
