import type { FastifyInstance } from 'fastify';
import type { ApiKeyService } from '../access/api-keys.ts';
import type { AppendEvents } from '../ingest/append-events.ts';
import type { Store } from '../ports/store.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { createPipeline, type PipelineOptions } from './pipeline.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerMetricsRoute } from './routes/metrics.ts';
import { registerOpenApiRoute } from './routes/openapi.ts';
import { registerGetEvents } from './routes/v1/events/get.ts';
import { registerPostEvents } from './routes/v1/events/post.ts';
import { registerKeyRoutes } from './routes/v1/keys/keys.ts';
import { registerDeadLetterRoutes } from './routes/v1/dead-letters/dead-letters.ts';
import { registerTargetRoutes } from './routes/v1/targets/get.ts';
import { registerCommandRoutes } from './routes/v1/commands/get.ts';
import type { DeadLetters } from '../delivery/dead-letters.ts';
import type { Inbound } from '../ingest/inbound.ts';
import type { Clock } from '../ports/clock.ts';
import { registerWebhookRoute } from './routes/webhooks.ts';
import { registerConnectorRoutes } from './routes/v1/connectors/get.ts';
import { registerTaskRoutes } from './routes/v1/tasks/tasks.ts';
import { registerOrderRoutes } from './routes/v1/orders/get.ts';
import { registerPostOrders } from './routes/v1/orders/post.ts';
import { registerInventoryRoutes } from './routes/v1/inventory/inventory.ts';
import type { Inventory } from '../inventory/service.ts';
import type { DriftWatch } from '../inventory/drift-watch.ts';
import type { IdGenerator } from '../ports/clock.ts';
import type { ProcessRunner } from '../processes/engine/runner.ts';
import type { ConnectorManifest } from '../ports/connector.ts';
import { registerInboundRejectionRoutes } from './routes/v1/inbound/rejections.ts';
import type { TargetStatus } from '../delivery/engine.ts';

/** What the API needs from the rest of Weft. */
export interface ApiDeps {
  store: Store;
  keys: ApiKeyService;
  appendEvents: AppendEvents;
  metrics: Metrics;
  logger: Logger;
  /** Dead-letter operations (replay, discard) for /v1/dead-letters. */
  deadLetters: DeadLetters;
  /** Current delivery state of each target. */
  deliveryStatus: () => TargetStatus[];
  /** Webhooks and inbound rejections. */
  inbound: Inbound;
  /** Each source's webhook URL as configured at the vendor, where set (Square signs it). */
  notificationUrls: ReadonlyMap<string, string>;
  clock: Clock;
  /** Manifests of the connectors Weft ships. */
  connectors: readonly ConnectorManifest[];
  /** The processes, for the tasks people resolve. */
  processes: ProcessRunner;
  /** Names of the configured systems (sources and targets), where an order's id may come from. */
  systems: () => readonly string[];
  /** The availability view and its reservations. */
  inventory: Inventory;
  /** Drift between Weft's stock and the systems' counts. */
  driftWatch: DriftWatch;
  ids: IdGenerator;
}

/** Tuning of the API server; the composition root fills it from config. */
export interface ApiOptions extends PipelineOptions {
  /** Weft's version, reported by /health and the OpenAPI document. */
  version: string;
}

/** A running API: the Fastify instance plus what graceful shutdown needs. */
export interface Api {
  app: FastifyInstance;
  /** Starts refusing new requests with 503 shutting_down (in-flight ones finish). */
  beginShutdown(): void;
}

/** Builds the HTTP API: routes, credentials, admission control, problem+json errors, metrics. */
export async function buildApi(deps: ApiDeps, options: ApiOptions): Promise<Api> {
  const { app, admission } = createPipeline({ keys: deps.keys, metrics: deps.metrics, logger: deps.logger, pendingEvents: () => deps.store.pendingEvents() }, options);

  registerOpenApiRoute(app, options.version);
  let closing = false;
  registerHealthRoutes(app, { store: deps.store, version: options.version, isClosing: () => closing });
  registerMetricsRoute(app, deps.metrics);
  registerPostEvents(app, deps.appendEvents);
  registerGetEvents(app, deps.store);
  registerKeyRoutes(app, deps.keys);
  registerDeadLetterRoutes(app, deps.deadLetters);
  registerTargetRoutes(app, { store: deps.store, status: deps.deliveryStatus });
  registerCommandRoutes(app, deps.store);
  registerWebhookRoute(app, { inbound: deps.inbound, clock: deps.clock, notificationUrls: deps.notificationUrls });
  registerInboundRejectionRoutes(app, deps.inbound);
  registerConnectorRoutes(app, deps.connectors);
  registerTaskRoutes(app, { store: deps.store, processes: deps.processes });
  registerOrderRoutes(app, { store: deps.store, systems: deps.systems });
  registerPostOrders(app, { appendEvents: deps.appendEvents, ids: deps.ids });
  registerInventoryRoutes(app, { inventory: deps.inventory, driftWatch: deps.driftWatch, ids: deps.ids });

  await app.ready();
  return {
    app,
    beginShutdown() {
      closing = true;
      admission.close();
    },
  };
}
