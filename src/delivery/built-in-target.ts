import type { ConnectorAction, DeliveryTarget } from '../ports/connector.ts';

// Weft's own services as delivery targets (weft-inventory, weft-order-checks), so processes reach
// them as they reach any system: a command in the outbox, delivered at least once, its result an
// event. In-process: no vendor limits to respect, but retries and a breaker still cover a store that
// hiccups.

/** A built-in target with these actions; its name starts with `weft-` (configured targets may not). */
export function builtInTarget(name: string, actions: Readonly<Record<string, ConnectorAction>>): DeliveryTarget {
  return {
    name,
    connector: 'weft',
    rateLimit: { requestsPerSecond: 100_000, burst: 10_000, maxConcurrency: 64 },
    retry: { maxAttempts: 20, maxAgeMs: 24 * 3_600_000, baseDelayMs: 200, maxDelayMs: 30_000 },
    breaker: { failureThreshold: 50, openMs: 5_000, halfOpenProbes: 1 },
    timeoutMs: 30_000,
    actions,
    async close() {},
  };
}
