import type { FastifyInstance } from 'fastify';
import type { TargetStatus } from '../../../../delivery/engine.ts';
import type { Store } from '../../../../ports/store.ts';

/** `GET /v1/targets`: each target's breaker, current rate budget and outbox counts (deliveries:read). */
export function registerTargetRoutes(app: FastifyInstance, deps: { store: Store; status: () => TargetStatus[] }): void {
  app.get('/v1/targets', { config: { scope: 'deliveries:read' }, schema: { summary: 'Delivery state of every target', tags: ['dead letters'] } }, async () => {
    const stats = await deps.store.outboxStats();
    const status = deps.status();
    const names = [...new Set([...status.map((s) => s.target), ...stats.map((s) => s.target)])].sort();
    return {
      targets: names.map((name) => {
        const lane = status.find((s) => s.target === name);
        const outbox = Object.fromEntries(stats.filter((s) => s.target === name).map((s) => [s.status, { count: s.count, oldestCreatedAt: s.oldestCreatedAt }]));
        return { target: name, configured: lane !== undefined, breaker: lane?.breaker ?? null, ratePerSecond: lane?.ratePerSecond ?? null, held: lane?.held ?? 0, inFlight: lane?.inFlight ?? 0, outbox };
      }),
    };
  });
}
