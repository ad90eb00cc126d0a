import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { requireScope, type ApiKeyService, type Principal, type Scope } from '../access/api-keys.ts';
import { AccessError, InputError } from '../errors/index.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { createAdmission, type Admission } from './admission.ts';
import { fromRequestError, sendProblem } from './problem.ts';

// What every Weft HTTP listener does around its routes, whichever routes it serves (the hub's API,
// an availability reader thread): admission control, API keys and scopes, request ids, metrics,
// and errors answered as problem+json. One copy, so a reader answers a bad key exactly as the API does.

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

/** What the request pipeline needs. */
export interface PipelineDeps {
  keys: ApiKeyService;
  metrics: Metrics;
  logger: Logger;
  /** Events accepted but not yet durable (write admission); a listener that takes no writes answers 0. */
  pendingEvents: () => number;
}

/** Tuning of an HTTP listener; the composition root fills it from config. */
export interface PipelineOptions {
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  trustProxy: boolean;
  maxPendingEvents: number;
  maxInFlightRequests: number;
  maxEventLoopDelayMs: number;
  retryAfterSeconds: number;
}

/** A Fastify instance with the pipeline in place, and its admission control (closed at shutdown). */
export interface Pipeline {
  app: FastifyInstance;
  admission: Admission;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Creates a Fastify instance with Weft's request pipeline; the caller registers its routes. */
export function createPipeline(deps: PipelineDeps, options: PipelineOptions & { notFoundHint?: string }): Pipeline {
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

  const admission = createAdmission(options, { pendingEvents: deps.pendingEvents, metrics: deps.metrics });
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
    const error = new InputError('not_found', `No route ${request.method} ${request.url.split('?')[0]}. ${options.notFoundHint ?? 'See /openapi.json for the API.'}`);
    deps.metrics.rejected.inc({ code: error.code });
    return sendProblem(reply, error);
  });
  return { app, admission };
}
