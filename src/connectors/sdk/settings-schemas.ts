import Type from 'typebox';
import type { BreakerPolicy, RateLimit, RetryPolicy } from '../../ports/connector.ts';

// The settings every target shares, written once: overrides of the connector's request budget,
// retry policy and circuit breaker, each field documented with the connector's default.

/** `rateLimit` of a target's settings: overrides of the connector's budget. */
export function rateLimitOverrides(defaults: RateLimit) {
  return Type.Object(
    {
      requestsPerSecond: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: `Sustained requests per second (default ${defaults.requestsPerSecond}).` })),
      burst: Type.Optional(Type.Integer({ minimum: 1, description: `Requests that may go at once after a quiet period (default ${defaults.burst}).` })),
      maxConcurrency: Type.Optional(Type.Integer({ minimum: 1, description: `Requests in flight at once (default ${defaults.maxConcurrency}).` })),
    },
    { additionalProperties: false, description: 'Overrides of the request budget.' },
  );
}

/** `retry` of a target's settings: overrides of the connector's retry policy. */
export function retryOverrides(defaults: RetryPolicy) {
  return Type.Object(
    {
      maxAttempts: Type.Optional(Type.Integer({ minimum: 1, description: `Most attempts in all, the first included (default ${defaults.maxAttempts}).` })),
      maxAgeMs: Type.Optional(Type.Integer({ minimum: 0, description: `Oldest a command may be and still be retried, in ms (default ${defaults.maxAgeMs}).` })),
      baseDelayMs: Type.Optional(Type.Integer({ minimum: 0, description: `Backoff cap of the first retry, in ms (default ${defaults.baseDelayMs}).` })),
      maxDelayMs: Type.Optional(Type.Integer({ minimum: 0, description: `Largest backoff between attempts, in ms (default ${defaults.maxDelayMs}).` })),
    },
    { additionalProperties: false, description: 'Overrides of the retry policy.' },
  );
}

/** `breaker` of a target's settings: overrides of the connector's circuit breaker. */
export function breakerOverrides(defaults: BreakerPolicy) {
  return Type.Object(
    {
      failureThreshold: Type.Optional(Type.Integer({ minimum: 1, description: `Consecutive retryable failures that open the breaker (default ${defaults.failureThreshold}).` })),
      openMs: Type.Optional(Type.Integer({ minimum: 0, description: `How long the breaker stays open before a probe, in ms (default ${defaults.openMs}).` })),
      halfOpenProbes: Type.Optional(Type.Integer({ minimum: 1, description: `Probes that must succeed to close the breaker (default ${defaults.halfOpenProbes}).` })),
    },
    { additionalProperties: false, description: 'Overrides of the circuit breaker.' },
  );
}
