import type { ApiOptions } from '../api/server.ts';
import type { Config } from '../config/schema.ts';

/** The HTTP listener's tuning from config: the hub's API and the availability readers share it. */
export function apiOptions(config: Config, version: string): ApiOptions {
  return {
    bodyLimitBytes: config.http.bodyLimitBytes,
    requestTimeoutMs: config.http.requestTimeoutMs,
    keepAliveTimeoutMs: config.http.keepAliveTimeoutMs,
    trustProxy: config.http.trustProxy,
    maxPendingEvents: config.ingest.maxPendingEvents,
    maxInFlightRequests: config.ingest.maxInFlightRequests,
    maxEventLoopDelayMs: config.ingest.maxEventLoopDelayMs,
    retryAfterSeconds: config.ingest.retryAfterSeconds,
    version,
  };
}
