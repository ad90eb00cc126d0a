import type { DeliveryTarget, HttpClient } from '../sdk/index.ts';
import { buildActions } from './actions.ts';
import { createNetSuiteClient } from './client.ts';
import type { SigningSources } from './oauth1.ts';
import { DEFAULT_BREAKER, DEFAULT_RETRY, parseNetSuiteSettings } from './settings.ts';

// A configured NetSuite target: the account's concurrency limit is the delivery budget's
// maxConcurrency (NetSuite answers 429 above it), so Weft queues rather than being turned away.

/** What building a NetSuite target needs. */
export interface NetSuiteTargetDeps {
  http: HttpClient;
  /** Nonce and clock of signatures (tests pass fixed ones). */
  signing?: Partial<SigningSources>;
}

/** Builds a NetSuite delivery target from `targets.<name>` settings; throws a ConfigError naming each bad field. */
export function createNetSuiteTarget(name: string, input: unknown, deps: NetSuiteTargetDeps): DeliveryTarget {
  const settings = parseNetSuiteSettings(`targets.${name}`, input);
  const client = createNetSuiteClient(name, settings, deps);
  return {
    name,
    connector: 'netsuite',
    rateLimit: { requestsPerSecond: settings.requestsPerSecond, burst: settings.maxConcurrency, maxConcurrency: settings.maxConcurrency },
    retry: { ...DEFAULT_RETRY, ...settings.retry },
    breaker: { ...DEFAULT_BREAKER, ...settings.breaker },
    // A sales order makes up to three requests per attempt (items, customer, upsert).
    timeoutMs: settings.timeoutMs * 3,
    actions: buildActions({ client, settings }),
    async close() {
      // The HTTP client belongs to the caller.
    },
  };
}
