import type { ApiKeyService } from '../access/api-keys.ts';
import type { Store } from '../ports/store.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { createPipeline } from './pipeline.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerAvailabilityRoute, type AvailabilitySource } from './routes/v1/inventory/availability.ts';
import type { Api, ApiOptions } from './server.ts';

// The listener of an availability reader thread: `GET /v1/availability` and the health routes, with
// the same pipeline as the hub's API (keys, scopes, admission, problem+json), and nothing that writes.

/** What a reader's listener needs. */
export interface ReaderApiDeps {
  /** The reader's own store connection (health checks, API keys). */
  store: Store;
  keys: ApiKeyService;
  metrics: Metrics;
  logger: Logger;
  /** The reader's availability view. */
  availability: AvailabilitySource;
}

/** Builds a reader's HTTP listener (not listening yet). */
export async function buildReaderApi(deps: ReaderApiDeps, options: ApiOptions): Promise<Api> {
  // It takes no writes: nothing is pending for write admission to weigh.
  const { app, admission } = createPipeline({ keys: deps.keys, metrics: deps.metrics, logger: deps.logger, pendingEvents: () => 0 }, { ...options, notFoundHint: 'This port answers GET /v1/availability and /health only; the rest of the API (and /openapi.json) is on the hub\'s main port.' });
  let closing = false;
  registerHealthRoutes(app, { store: deps.store, version: options.version, isClosing: () => closing });
  registerAvailabilityRoute(app, { availability: deps.availability });
  await app.ready();
  return {
    app,
    beginShutdown() {
      closing = true;
      admission.close();
    },
  };
}
