import { mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createApiKeyService } from '../access/api-keys.ts';
import { buildApi } from '../api/server.ts';
import type { Config } from '../config/schema.ts';
import { precompileEventValidators } from '../domain/events/validate.ts';
import { createAppendEvents } from '../ingest/append-events.ts';
import { createHttpClient } from '../connectors/sdk/http-client.ts';
import { createDeadLetters, type DeadLetters } from '../delivery/dead-letters.ts';
import { createDeliveryEngine } from '../delivery/engine.ts';
import { createRouter, type Router } from '../delivery/router.ts';
import { buildRoutes, buildSources, buildTargets } from './targets.ts';
import { connectorModules } from './connectors.ts';
import { createProcessRunner } from '../processes/engine/runner.ts';
import type { ProcessDefinition } from '../processes/engine/definition.ts';
import { buildProcesses } from './processes.ts';
import { createInbound } from '../ingest/inbound.ts';
import { createInventory } from '../inventory/service.ts';
import { createInventoryTarget, INVENTORY_TARGET } from '../inventory/target.ts';
import { createAvailabilityPublisher } from '../inventory/publisher.ts';
import { createDriftWatch } from '../inventory/drift-watch.ts';
import { createOrderChecks } from '../catalogue/checks.ts';
import { buildPublishRules, inventoryChannels } from './inventory.ts';
import { createPollLoops } from '../ingest/poll-loop.ts';
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

/** The store and the dead-letter service over the configured targets, for the CLI (no target is contacted). */
export async function openDeadLetters(config: Config, clock: Clock = systemClock): Promise<{ deadLetters: DeadLetters; close(): Promise<void> }> {
  const http = createHttpClient();
  const targets = buildTargets(config, { http });
  const store = await openStore(config, { clock });
  return {
    deadLetters: createDeadLetters({ store, targets, clock, ids: createIdGenerator(clock) }),
    async close() {
      await store.close();
      await http.close();
    },
  };
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
export async function startHub(config: Config, options: { announce?: Announce; clock?: Clock; processes?: readonly ProcessDefinition<unknown>[] } = {}): Promise<Hub> {
  const clock = options.clock ?? systemClock;
  // Compile every event validator now, so no early request pays for it.
  precompileEventValidators();
  const logger = createLogger({ level: config.log.level });
  const ids = createIdGenerator(clock);
  const metrics = createMetrics();
  // Targets and routes are checked before anything opens: a bad one stops the start with its field named.
  const http = createHttpClient();
  const targets = buildTargets(config, { http });
  const routes = buildRoutes(config, targets);
  const sources = await buildSources(config);
  const channels = inventoryChannels(config);
  const publishRules = buildPublishRules(config, targets);
  // The router exists only once the store does; commits before that have nothing to wake.
  let wakeRouter = (): void => undefined;
  const store = await openStore(config, {
    clock,
    onCommit: (stats) => {
      metrics.observeCommit(stats);
      if (stats.events > 0) wakeRouter();
    },
  });
  metrics.watchOutbox(() => store.outboxStats());
  // Weft's own stock: a view the log keeps, and a target processes reserve through.
  const drift = config.inventory.drift;
  const inventory = createInventory({ store, ids, clock, log: logger }, { channels, pollMs: config.inventory.pollMs, observe: drift.observe });
  const driftWatch = createDriftWatch({ inventory, clock, log: logger }, { mode: drift.mode, intervalMs: drift.intervalSeconds * 1000, settleMs: drift.settleSeconds * 1000, staleReservationMs: drift.staleReservationHours * 3_600_000 });
  targets.set(INVENTORY_TARGET, createInventoryTarget(inventory));
  const checks = config.processes.orderToCash.checks;
  const orderChecks = createOrderChecks({ store, log: logger, ids }, { skus: checks.skus, priceTolerancePercent: checks.priceTolerancePercent < 0 ? undefined : checks.priceTolerancePercent, taxRates: checks.taxRates, requireTax: checks.requireTax, customers: checks.customers });
  targets.set(orderChecks.target.name, orderChecks.target);
  const engine = createDeliveryEngine(
    { store, targets, clock, ids, log: logger, metrics, http },
    {
      owner: `${config.delivery.workerId || hostname()}:${process.pid}:${ids.next('command').slice(-8)}`,
      reclaimPrefix: `${config.delivery.workerId || hostname()}:`,
      pollMs: config.delivery.pollMs,
      maxHeld: config.delivery.maxHeldPerTarget,
      stopGraceMs: config.delivery.stopGraceMs,
      ...(config.delivery.leaseMs > 0 ? { leaseMs: config.delivery.leaseMs } : {}),
    },
  );
  const wakeTargets = (names: ReadonlySet<string>): void => names.forEach((name) => engine.wake(name));
  const router: Router = createRouter(
    { store, ids, clock, log: logger, onRouted: wakeTargets },
    { routes, priorities: (target, action) => targets.get(target)?.actions[action]?.priority, pollMs: config.delivery.routerPollMs },
  );
  const publisher = createAvailabilityPublisher({ store, ids, clock, log: logger, inventory, onCommands: (names) => names.forEach((name) => engine.wake(name)) }, { rules: publishRules, channelLocations: (channel) => channels[channel]?.locations ?? [], pollMs: config.inventory.pollMs });
  const processes = createProcessRunner({ store, ids, clock, log: logger, onCommands: wakeTargets }, { definitions: [...buildProcesses(config, targets), ...(options.processes ?? [])] });
  wakeRouter = () => {
    router.wake();
    processes.wake();
    inventory.wake();
    orderChecks.follower.wake();
    publisher.wake();
  };
  const deadLetters = createDeadLetters({ store, targets, clock, ids, onReplayed: wakeTargets });
  metrics.watchPendingEvents(() => store.pendingEvents());
  const keys = createApiKeyService({ store, clock, ids }, { cacheMs: config.auth.keyCacheMs });
  const appendEvents = createAppendEvents(
    { store, clock, ids },
    { maxBatchEvents: config.http.maxBatchEvents, idempotencyTtlHours: config.ingest.idempotencyTtlHours },
  );

  const inbound = createInbound(
    { store, clock, ids, http, log: logger, sources: config.inbound.enabled ? sources : new Map(), onOutcome: (source, outcome) => metrics.inbound(source, outcome) },
    { enrichTimeoutMs: config.inbound.fetchTimeoutMs },
  );
  const pollLoops = createPollLoops({ inbound, sources: config.inbound.enabled ? sources : new Map(), log: logger }, { failureBackoffMs: config.inbound.pollFailureBackoffMs });
  const notificationUrls = new Map(Object.entries(config.sources).flatMap(([name, source]) => (source.notificationUrl ? [[name, source.notificationUrl] as const] : [])));

  const api = await buildApi(
    { store, keys, appendEvents, metrics, logger, deadLetters, deliveryStatus: () => engine.status(), inbound, notificationUrls, clock, connectors: [...connectorModules.values()].map((module) => module.manifest), processes, systems: () => [...new Set([...sources.keys(), ...targets.keys()])], inventory, driftWatch, ids },
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
    // Availability is answered from memory: fold the log before the first check can arrive.
    await inventory.start();
    await orderChecks.follower.start();
    await publisher.start();
    driftWatch.start();
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
  if (config.delivery.routing) router.start();
  if (config.delivery.enabled) engine.start();
  pollLoops.start();
  processes.start();
  logger.info({ url, store: store.kind, version, targets: [...targets.keys()], sources: [...sources.keys()], routes: routes.length, delivery: config.delivery.enabled }, 'weft started');

  const maintenance = setInterval(() => {
    store.expireIdempotencyKeys(new Date(clock.now()).toISOString()).catch((error: unknown) => logger.warn({ err: error }, 'idempotency key expiry failed'));
    if (config.delivery.retentionDays > 0) void pruneCommands(new Date(clock.now() - config.delivery.retentionDays * 86_400_000).toISOString());
  }, 15 * 60_000);
  maintenance.unref();

  /** Deletes finished commands in slices, so no one transaction holds the writer for long. */
  async function pruneCommands(before: string): Promise<void> {
    try {
      let pruned = 0;
      for (let slice = await store.pruneCommands(before, 1000); slice > 0; slice = await store.pruneCommands(before, 1000)) pruned += slice;
      if (pruned > 0) logger.info({ pruned, before }, 'deleted finished commands past retention');
    } catch (error) {
      logger.warn({ err: error }, 'pruning finished commands failed');
    }
  }

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
        await pollLoops.stop();
        await processes.stop();
        await inventory.stop();
        await orderChecks.follower.stop();
        await publisher.stop();
        driftWatch.stop();
        await router.stop();
        await engine.stop();
        await Promise.all([...targets.values()].map((target) => target.close()));
        await http.close();
        await store.close();
        logger.info('weft stopped');
      })();
      return closing;
    },
  };
}
