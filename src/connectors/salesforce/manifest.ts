import type { ConnectorManifest } from '../sdk/index.ts';
import { DEFAULT_API_VERSION, DEFAULT_BREAKER, DEFAULT_RATE_LIMIT, DEFAULT_RETRY, SalesforceTargetSettings } from './settings.ts';

// What the Salesforce connector is, declared once: `weft connectors`, the docs and the console read it.

/** Manifest of the Salesforce (REST API) connector. */
export const salesforceManifest: ConnectorManifest = {
  name: 'salesforce',
  displayName: `Salesforce (REST API v${DEFAULT_API_VERSION}, sObject upsert by external id)`,
  systemType: 'crm',
  reads: [],
  writes: ['order'],
  auth: { method: 'OAuth 2.0 client credentials flow against the org\'s My Domain (consumer key and secret of an external client app); bearer token kept until Salesforce answers 401 INVALID_SESSION_ID' },
  settings: SalesforceTargetSettings,
  rateLimit: DEFAULT_RATE_LIMIT,
  retry: DEFAULT_RETRY,
  breaker: DEFAULT_BREAKER,
  topics: {},
  actions: {
    noteOrder: {
      description: 'weft.order.held/hold_lifted/cancelled/completed.v1 → GET, then PATCH /sobjects/<orderObject>/<externalIdField>/<ord_…> with status, reason, note and change time; an older change than the record shows is stale',
      writes: 'order',
      idempotency: 'natural',
      priority: 'normal',
    },
  },
};
