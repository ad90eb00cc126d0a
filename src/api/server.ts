import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { requireScope, type ApiKeyService, type Principal, type Scope } from '../access/api-keys.ts';
import { AccessError, InputError } from '../errors/index.ts';
import type { AppendEvents } from '../ingest/append-events.ts';
import type { Store } from '../ports/store.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { createAdmission } from './admission.ts';
import { fromRequestError, sendProblem } from './problem.ts';
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

declare module 'fastify' {
  interface FastifySchema {
    /** One line for the OpenAPI document. */
    summary?: string;
    /** What the route does, for the OpenAPI document. */
    description?: string;
    /** OpenAPI tags. */
    tags?: string[];
  }
  interface FastifyContextConfig {
    /** Scope a caller needs; `public` routes need no credentials (health only). */
    scope?: Scope | 'any' | 'public';
    /** Whether admission control may shed this route (health and metrics stay reachable). */
    shed?: boolean;
  }
  interface FastifyRequest {
    /** The authenticated caller, set before the handler runs. */
    principal: Principal | null;
    /** The body as received, for idempotency fingerprints. */
    rawBody: string | null;
  }
}

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
export interface ApiOptions {
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  trustProxy: boolean;
  maxPendingEvents: number;
  maxInFlightRequests: number;
  maxEventLoopDelayMs: number;
  retryAfterSeconds: number;
  /** Weft's version, reported by /health and the OpenAPI document. */
  version: string;
}

/** A running API: the Fastify instance plus what graceful shutdown needs. */
export interface Api {
  app: FastifyInstance;
  /** Starts refusing new requests with 503 shutting_down (in-flight ones finish). */
  beginShutdown(): void;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the HTTP API: routes, credentials, admission control, problem+json errors, metrics. */
export async function buildApi(deps: ApiDeps, options: ApiOptions): Promise<Api> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Per-request log lines would cost more than the request at ingest rates; rejections are logged with their reason.
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request (a pino child costs a few µs on every check and ingest): the two
    // places that log about a request name its request id themselves.
    childLoggerFactory: (logger) => logger,
    bodyLimit: options.bodyLimitBytes,
    requestTimeout: options.requestTimeoutMs,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    trustProxy: options.trustProxy,
    return503OnClosing: true,
    genReqId: (raw) => {
      const given = raw.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true } },
  });
  app.decorateRequest('principal', null);
  app.decorateRequest('rawBody', null);

  const admission = createAdmission(options, { pendingEvents: () => deps.store.pendingEvents(), metrics: deps.metrics });
  app.addHook('onClose', async () => admission.stop());
  // A request counted in flight is released exactly once, whether it ends with a response, an
  // abort, or both (a response written to a connection the client already closed).
  const inFlight = new WeakSet<object>();
  const release = (request: object): void => {
    if (inFlight.delete(request)) admission.release();
  };

  // One hook for everything before the body is read: admission first (cheapest), then credentials.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const config = request.routeOptions.config;
    inFlight.add(request);
    admission.admit(config.shed === false ? 'exempt' : request.method === 'POST' ? 'write' : 'read');
    const scope = config.scope ?? 'any';
    if (scope === 'public') return;
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : header === undefined ? undefined : '';
    if (header !== undefined && token === '') throw new AccessError('invalid_credentials', 'Send the API key as "Authorization: Bearer <key>".');
    const principal = await deps.keys.verify(token);
    if (scope !== 'any') requireScope(principal, scope);
    request.principal = principal;
  });
  app.addHook('onResponse', async (request, reply) => {
    release(request);
    deps.metrics.httpDuration.observe({ route: request.routeOptions.url ?? 'unmatched', method: request.method, status: reply.statusCode }, reply.elapsedTime / 1000);
  });
  app.addHook('onRequestAbort', (request, done) => {
    release(request);
    done();
  });

  app.setErrorHandler((error, request, reply) => {
    const weftError = fromRequestError(error);
    deps.metrics.rejected.inc({ code: weftError.code });
    const context = { requestId: request.id, route: request.routeOptions.url, keyId: request.principal?.keyId, code: weftError.code };
    if (weftError.httpStatus >= 500 && weftError.code !== 'overloaded' && weftError.code !== 'shutting_down') {
      request.log.error({ ...context, err: error }, weftError.message);
    } else {
      const pointers = weftError.problems.slice(0, 10).map((problem) => `${problem.pointer} ${problem.message}`);
      request.log.info({ ...context, problems: pointers.length ? pointers : undefined }, `request rejected: ${weftError.message}`);
    }
    return sendProblem(reply, weftError);
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new InputError('not_found', `No route ${request.method} ${request.url.split('?')[0]}. See /openapi.json for the API.`);
    deps.metrics.rejected.inc({ code: error.code });
    return sendProblem(reply, error);
  });

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
