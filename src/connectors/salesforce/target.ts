import type { DeliveryTarget, TargetDeps } from '../sdk/index.ts';
import { createSalesforceClient } from './client.ts';
import { createNoteOrderAction } from './outbound/note-order.action.ts';
import { DEFAULT_BREAKER, DEFAULT_RATE_LIMIT, DEFAULT_RETRY, parseSalesforceTargetSettings } from './settings.ts';

// A Salesforce org as a delivery target: settings checked once, one token cache shared by the
// target's actions (every attempt reuses the session until Salesforce ends it).

/** Builds a Salesforce target from `targets.<name>`; throws a ConfigError naming each bad field. */
export function createSalesforceTarget(name: string, input: unknown, deps: TargetDeps): DeliveryTarget {
  const settings = parseSalesforceTargetSettings(name, input);
  const client = createSalesforceClient({
    http: deps.http,
    loginUrl: settings.loginUrl,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    apiVersion: settings.apiVersion,
    timeoutMs: settings.timeoutMs,
    target: name,
  });
  return {
    name,
    connector: 'salesforce',
    rateLimit: { ...DEFAULT_RATE_LIMIT, ...settings.rateLimit },
    retry: { ...DEFAULT_RETRY, ...settings.retry },
    breaker: { ...DEFAULT_BREAKER, ...settings.breaker },
    // At worst one attempt is a token, the read, a refused read, a new token, the read again and the upsert.
    timeoutMs: settings.timeoutMs * 6,
    actions: {
      noteOrder: createNoteOrderAction({ client, object: settings.orderObject, externalIdField: settings.externalIdField, fields: settings.fields }),
    },
    // The client already words Salesforce's answers as TargetErrors with the right retryability.
    classify: () => undefined,
    async close() {
      // The HTTP client belongs to the hub; the token cache needs no release.
    },
  };
}
