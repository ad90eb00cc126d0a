import type { FastifyInstance } from 'fastify';
import type { ConnectorManifest } from '../../../../ports/connector.ts';

// `GET /v1/connectors`: every connector Weft ships, from its manifest — the system it speaks to,
// what it reads and writes, how it authenticates, its limits and retry defaults, its webhook topics
// and actions, and the JSON Schema of its settings — so a console or an integrator can configure a
// target or a source without reading code. `GET /v1/connectors/{name}` is one of them.

/** Registers the connector routes (any valid key may read them: they hold no secrets). */
export function registerConnectorRoutes(app: FastifyInstance, manifests: readonly ConnectorManifest[]): void {
  const byName = new Map(manifests.map((manifest) => [manifest.name, manifest]));
  const summary = (manifest: ConnectorManifest) => ({
    name: manifest.name,
    displayName: manifest.displayName,
    systemType: manifest.systemType,
    reads: manifest.reads,
    writes: manifest.writes,
    auth: manifest.auth,
    rateLimit: manifest.rateLimit,
    topics: Object.keys(manifest.topics),
    actions: Object.keys(manifest.actions),
  });
  app.get('/v1/connectors', { config: { scope: 'any' }, schema: { summary: 'The connectors Weft ships, from their manifests', tags: ['connectors'] } }, async () => ({
    connectors: manifests.map(summary),
  }));
  app.get<{ Params: { name: string } }>(
    '/v1/connectors/:name',
    { config: { scope: 'any' }, schema: { summary: 'One connector\'s manifest: topics, actions, defaults and the JSON Schema of its settings', tags: ['connectors'] } },
    async (request, reply) => {
      const manifest = byName.get(request.params.name);
      if (!manifest) return reply.callNotFound();
      return { connector: manifest };
    },
  );
}
