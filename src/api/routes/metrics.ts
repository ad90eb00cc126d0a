import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../telemetry/metrics.ts';

/** `GET /metrics`: Prometheus text exposition. Needs the metrics:read scope (Prometheus sends it as a bearer token). */
export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', { config: { scope: 'metrics:read', shed: false }, schema: { summary: 'Prometheus metrics', tags: ['operations'] } }, async (_request, reply) => {
    // The availability reader threads' counts are summed in (they send snapshots to the hub).
    const body = await metrics.render();
    return reply.type(metrics.registry.contentType).send(body);
  });
}
