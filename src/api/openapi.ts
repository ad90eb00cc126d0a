import type { FastifyInstance, RouteOptions } from 'fastify';
import { ProblemSchema } from './schemas.ts';

// The OpenAPI 3.1 document is generated from the route schemas (TypeBox, i.e. JSON Schema), so it
// cannot drift from what the server validates and serialises.

interface CollectedRoute {
  method: string;
  url: string;
  schema: Record<string, unknown>;
  scope: string;
}

const plain = (schema: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(schema ?? {}));

/** Records every route registered after this call, for the document. */
export function collectRoutes(app: FastifyInstance): CollectedRoute[] {
  const routes: CollectedRoute[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    if (route.method === 'HEAD' || (Array.isArray(route.method) && route.method.includes('HEAD'))) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      routes.push({
        method: method.toLowerCase(),
        url: route.url,
        schema: (route.schema ?? {}) as Record<string, unknown>,
        scope: String((route.config as { scope?: string } | undefined)?.scope ?? 'any'),
      });
    }
  });
  return routes;
}

const problemStatuses = (route: CollectedRoute): number[] => {
  if (route.scope === 'public') return [503];
  const statuses = [401, 403, 429, 503];
  if (route.method === 'post' || route.method === 'put' || route.method === 'patch') statuses.push(400, 413, 415, 422);
  if (route.url.startsWith('/v1/events') && route.method === 'post') statuses.push(409);
  if (route.url.includes(':')) statuses.push(404);
  return statuses.sort();
};

/** Builds the OpenAPI 3.1 document of the collected routes. */
export function buildOpenApi(routes: readonly CollectedRoute[], version: string, extraSchemas: Record<string, unknown> = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    if (route.url === '/openapi.json' && route.method !== 'get') continue;
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const { summary, description, tags, querystring, params, body, response } = route.schema as Record<string, unknown>;
    const parameters: unknown[] = [];
    for (const [location, schema] of [['query', querystring], ['path', params]] as const) {
      const properties = (plain(schema).properties ?? {}) as Record<string, Record<string, unknown>>;
      const required = new Set((plain(schema).required ?? []) as string[]);
      for (const [name, property] of Object.entries(properties)) {
        parameters.push({ name, in: location, required: location === 'path' || (required.has(name) && property.default === undefined), schema: property, ...(property.description ? { description: property.description } : {}) });
      }
    }
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries((response ?? {}) as Record<string, unknown>)) {
      responses[status] = { description: status.startsWith('2') ? 'Success' : 'Error', content: { 'application/json': { schema: plain(schema) } } };
    }
    if (Object.keys(responses).length === 0) responses['200'] = { description: 'Success' };
    for (const status of problemStatuses(route)) responses[String(status)] = { $ref: `#/components/responses/Problem${status}` };
    const operation: Record<string, unknown> = {
      operationId: `${route.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      ...(summary ? { summary } : {}),
      ...(description ? { description } : {}),
      ...(tags ? { tags } : {}),
      ...(parameters.length ? { parameters } : {}),
      responses,
      security: route.scope === 'public' ? [] : [{ bearerAuth: [] }],
      ...(route.scope !== 'public' && route.scope !== 'any' ? { 'x-weft-scope': route.scope } : {}),
    };
    if (body) {
      const types = path === '/v1/events' ? ['application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json'] : ['application/json'];
      operation.requestBody = { required: true, content: Object.fromEntries(types.map((type) => [type, { schema: plain(body) }])) };
    }
    (paths[path] ??= {})[route.method] = operation;
  }
  const problem = plain(ProblemSchema);
  const statusText: Record<number, string> = {
    400: 'Malformed request',
    401: 'Missing, invalid or revoked credentials',
    403: 'The key lacks the scope',
    404: 'Not found',
    409: 'Conflicts with what the log holds',
    413: 'Body or batch too large',
    415: 'Unsupported media type',
    422: 'Schema violation or reused idempotency key',
    429: 'Rate limited (see Retry-After)',
    503: 'Over capacity, shutting down, or store unavailable (see Retry-After)',
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Weft API',
      version,
      description: 'Retail integration hub. Errors are RFC 9457 problem+json with a stable `code` (docs/errors.md).',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key: `weft_key_…`. Create one with `weft keys create`.' } },
      schemas: { Problem: problem, ...extraSchemas },
      responses: Object.fromEntries(
        Object.entries(statusText).map(([status, description]) => [
          `Problem${status}`,
          { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
        ]),
      ),
    },
  };
}
