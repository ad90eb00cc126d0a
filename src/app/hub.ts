import { mkdirSync, readFileSync } from 'node:fs';
import { createApiKeyService } from '../access/api-keys.ts';
import { buildApi } from '../api/server.ts';
import type { Config } from '../config/schema.ts';
import { precompileEventValidators } from '../domain/events/validate.ts';
import { createAppendEvents } from '../ingest/append-events.ts';
import { createIdGenerator, systemClock, type Clock } from '../ports/clock.ts';
import type { Store, StoreOptions } from '../ports/store.ts';
import { createPostgresStore } from '../store/postgres/store.ts';
import { createSqliteStore } from '../store/sqlite/store.ts';
import { createLogger, type Logger } from '../telemetry/logger.ts';
import { createMetrics } from '../telemetry/metrics.ts';

/** Weft's version, from package.json. */
export const version: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Opens the store the configuration names. The only place that picks a store adapter. */
export async function openStore(config: Config, options: StoreOptions & { clock?: Clock } = {}): Promise<Store> {
  if (config.store.kind === 'postgres') {
    return createPostgresStore({ ...options, ...config.store.postgres, maxBatchUnits: config.store.maxBatchUnits });
  }
  mkdirSync(config.dataDir, { recursive: true });
  return createSqliteStore({ ...options, path: config.store.sqlite.path, busyTimeoutMs: config.store.sqlite.busyTimeoutMs, maxBatchUnits: config.store.maxBatchUnits });
}

/** A running hub. */
export interface Hub {
  /** Base URL of the API. */
  url: string;
  store: Store;
  logger: Logger;
  /** Graceful stop: refuse new requests, finish in-flight ones (up to the grace period), flush the store. */
  close(): Promise<void>;
}

/** How the hub reports what an operator must see once (the first admin key), outside the log. */
export type Announce = (text: string) => void;

/** Starts the hub: store, API, maintenance. Prints the URL, and on first start an admin key, through `announce`. */
export async function startHub(config: Config, options: { announce?: Announce; clock?: Clock } = {}): Promise<Hub> {
  const clock = options.clock ?? systemClock;
  // Compile every event validator now, so no early request pays for it.
  precompileEventValidators();
  const logger = createLogger({ level: config.log.level });
  const ids = createIdGenerator(clock);
  const metrics = createMetrics();
  const store = await openStore(config, { clock, onCommit: (stats) => metrics.observeCommit(stats) });
  metrics.watchPendingEvents(() => store.pendingEvents());
  const keys = createApiKeyService({ store, clock, ids }, { cacheMs: config.auth.keyCacheMs });
  const appendEvents = createAppendEvents(
    { store, clock, ids },
    { maxBatchEvents: config.http.maxBatchEvents, idempotencyTtlHours: config.ingest.idempotencyTtlHours },
  );

  const api = await buildApi(
    { store, keys, appendEvents, metrics, logger },
    {
      bodyLimitBytes: config.http.bodyLimitBytes,
      requestTimeoutMs: config.http.requestTimeoutMs,
      keepAliveTimeoutMs: config.http.keepAliveTimeoutMs,
      trustProxy: config.http.trustProxy,
      maxPendingEvents: config.ingest.maxPendingEvents,
      maxInFlightRequests: config.ingest.maxInFlightRequests,
      maxEventLoopDelayMs: config.ingest.maxEventLoopDelayMs,
      retryAfterSeconds: config.ingest.retryAfterSeconds,
      version,
    },
  ).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  try {
    await api.app.listen({ host: config.http.host, port: config.http.port });
  } catch (error) {
    await store.close();
    throw error;
  }
  const address = api.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const url = config.http.publicUrl || `http://${config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host}:${port}`;

  const announce = options.announce ?? ((text: string) => process.stdout.write(`${text}\n`));
  if ((await store.listApiKeys()).length === 0) {
    const issued = await keys.create('admin (created at first start)', ['admin']);
    announce(
      [
        '',
        `Weft is running at ${url}`,
        '',
        'First start: an admin API key was created. It is shown only this once; Weft keeps only its hash:',
        '',
        `  ${issued.token}`,
        '',
        `Try:  curl -H "Authorization: Bearer ${issued.token}" ${url}/v1/events`,
        '',
      ].join('\n'),
    );
  } else {
    announce(`Weft is running at ${url} (store: ${store.kind})`);
  }
  logger.info({ url, store: store.kind, version }, 'weft started');

  const maintenance = setInterval(() => {
    store.expireIdempotencyKeys(new Date(clock.now()).toISOString()).catch((error: unknown) => logger.warn({ err: error }, 'idempotency key expiry failed'));
  }, 15 * 60_000);
  maintenance.unref();

  let closing: Promise<void> | undefined;
  return {
    url,
    store,
    logger,
    close() {
      closing ??= (async () => {
        clearInterval(maintenance);
        api.beginShutdown();
        const grace = setTimeout(() => {
          logger.warn({ graceMs: config.http.shutdownGraceMs }, 'shutdown grace period over; closing remaining connections');
          api.app.server.closeAllConnections();
        }, config.http.shutdownGraceMs);
        grace.unref();
        await api.app.close();
        clearTimeout(grace);
        await store.close();
        logger.info('weft stopped');
      })();
      return closing;
    },
  };
}
