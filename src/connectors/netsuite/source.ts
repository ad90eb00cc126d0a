import type { InboundSource } from '../sdk/index.ts';
import { invoiceMapping } from './inbound/invoice.mapping.ts';
import { itemFulfillmentMapping } from './inbound/item-fulfillment.mapping.ts';
import { createNetSuitePoller } from './inbound/poller.ts';
import type { SigningSources } from './oauth1.ts';
import { parseNetSuiteSettings } from './settings.ts';
import { verifyNetSuiteWebhook } from './webhooks.ts';

// A configured NetSuite source: polled, its changes mapped by record type.

/** Builds a NetSuite source from `sources.<name>` settings; throws a ConfigError naming each bad field. */
export function createNetSuiteSource(name: string, input: unknown, signing?: Partial<SigningSources>): InboundSource {
  const settings = parseNetSuiteSettings(`sources.${name}`, input);
  return {
    name,
    connector: 'netsuite',
    verify: verifyNetSuiteWebhook,
    mappings: { itemFulfillment: itemFulfillmentMapping, invoice: invoiceMapping },
    poll: createNetSuitePoller(name, settings, signing),
    settings,
  };
}
