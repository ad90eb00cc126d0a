import type { ConnectorManifest } from '../sdk/index.ts';
import { actionManifests } from './actions.ts';
import { DEFAULT_BREAKER, DEFAULT_MAX_CONCURRENCY, DEFAULT_RETRY, NetSuiteSettings, parseNetSuiteSettings } from './settings.ts';
import { createNetSuiteClient } from './client.ts';

// What the NetSuite connector is, declared once for `weft connectors`, the docs and the console.

// The manifest's action list comes from the actions themselves; this client is never called.
const inert = parseNetSuiteSettings('manifest', {
  connector: 'netsuite',
  accountId: '0',
  auth: { consumerKey: 'x', consumerSecret: 'x', tokenId: 'x', tokenSecret: 'x' },
});
const client = createNetSuiteClient('manifest', inert, {
  http: { request: () => Promise.reject(new Error('the manifest sends nothing')), close: () => Promise.resolve() },
});

/** The NetSuite connector's manifest. */
export const netsuiteManifest: ConnectorManifest = {
  name: 'netsuite',
  displayName: 'Oracle NetSuite (SuiteTalk REST web services, record v1 + SuiteQL)',
  systemType: 'erp',
  reads: ['shipment', 'invoice'],
  writes: ['customer', 'product', 'order', 'shipment', 'invoice', 'payment', 'return', 'refund', 'inventory'],
  auth: { method: 'Token-based authentication: OAuth 1.0a, HMAC-SHA256, realm = account id' },
  settings: NetSuiteSettings,
  // NetSuite governs concurrency per account, not a request rate; 5 is a standard account's limit.
  rateLimit: { requestsPerSecond: 10, burst: DEFAULT_MAX_CONCURRENCY, maxConcurrency: DEFAULT_MAX_CONCURRENCY },
  retry: DEFAULT_RETRY,
  breaker: DEFAULT_BREAKER,
  topics: { itemFulfillment: 'weft.shipment.dispatched.v1', invoice: 'weft.invoice.issued.v1' },
  actions: actionManifests({ client, settings: inert }),
};
