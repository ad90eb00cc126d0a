import type { FastifyInstance } from 'fastify';
import { buildOpenApi, collectRoutes } from '../openapi.ts';

/** `GET /openapi.json`: the OpenAPI 3.1 document of every route registered after this one. Needs any valid key. */
export function registerOpenApiRoute(app: FastifyInstance, version: string, extraSchemas: () => Record<string, unknown> = () => ({})): void {
  const routes = collectRoutes(app);
  let document: Record<string, unknown> | undefined;
  app.get('/openapi.json', { config: { scope: 'any', shed: false }, schema: { summary: 'This OpenAPI document', tags: ['operations'] } }, async () => {
    document ??= buildOpenApi(routes, version, extraSchemas());
    return document;
  });
}
