import type { FastifyInstance } from 'fastify';
import { CapacityError, DependencyError } from '../../errors/index.ts';
import type { Store } from '../../ports/store.ts';

/** `/health/live` (the process answers) and `/health/ready` (it can take traffic). No credentials, never shed. */
export function registerHealthRoutes(app: FastifyInstance, deps: { store: Store; version: string; isClosing: () => boolean }): void {
  const config = { scope: 'public', shed: false } as const;
  app.get('/health/live', { config, schema: { summary: 'Liveness', tags: ['health'] } }, async () => ({ status: 'live', version: deps.version }));
  app.get('/health/ready', { config, schema: { summary: 'Readiness: the store answers and Weft is not shutting down', tags: ['health'] } }, async () => {
    if (deps.isClosing()) throw new CapacityError('shutting_down', 'Weft is shutting down.', { retryAfterSeconds: 1 });
    try {
      await deps.store.ping();
    } catch (error) {
      throw new DependencyError('store_unavailable', `The ${deps.store.kind} store does not answer.`, { cause: error });
    }
    return { status: 'ready', version: deps.version, store: deps.store.kind };
  });
}
