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
import type { Store } from '../ports/store.ts';
import { openStore, version } from './open-store.ts';
import { apiOptions } from './api-options.ts';
import { startAvailabilityReaders, type AvailabilityReaders } from './availability-readers.ts';
import { createLogger, type Logger } from '../telemetry/logger.ts';
import { createMetrics } from '../telemetry/metrics.ts';

export { openStore, version };

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
  /** Base URL of the availability reader threads (inventory.readers), when they run. */
  readersUrl: string | undefined;
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
  // Reader threads follow the log too; they start once the store has been opened (and migrated).
  let readers: AvailabilityReaders | undefined;
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
    readers?.wake();
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
    apiOptions(config, version),
  ).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const readersConfig = config.inventory.readers;
  const readersHost = readersConfig.host || config.http.host;
  // They fold the log in threads of their own meanwhile.
  const readersStarting =
    readersConfig.threads > 0
      ? startAvailabilityReaders({ config, logger, metrics }, { threads: readersConfig.threads, host: readersHost, port: readersConfig.port, shutdownGraceMs: config.http.shutdownGraceMs })
      : undefined;
  readersStarting?.catch(() => undefined);
  try {
    // Availability is answered from memory: fold the log before the first check can arrive.
    await inventory.start();
    await orderChecks.follower.start();
    await publisher.start();
    driftWatch.start();
    readers = await readersStarting;
    await api.app.listen({ host: config.http.host, port: config.http.port });
  } catch (error) {
    // Nothing started may outlive a start that failed (the readers' port taken, the API's port taken).
    await readersStarting?.then((started) => started.close()).catch(() => undefined);
    await Promise.all([inventory.stop(), orderChecks.follower.stop(), publisher.stop(), api.app.close()]).catch(() => undefined);
    driftWatch.stop();
    await store.close();
    throw error;
  }
  const address = api.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const baseUrl = (host: string, listening: number): string => `http://${host.includes(':') ? `[${host}]` : host}:${listening}`;
  const url = config.http.publicUrl || baseUrl(config.http.host, port);
  const readersUrl = readers && (readersConfig.publicUrl || baseUrl(readersHost, readers.port));
  const readersLine = readersUrl === undefined ? '' : `availability readers (${readersConfig.threads} thread${readersConfig.threads === 1 ? '' : 's'}) at ${readersUrl}`;

  const announce = options.announce ?? ((text: string) => process.stdout.write(`${text}\n`));
  if ((await store.listApiKeys()).length === 0) {
    const issued = await keys.create('admin (created at first start)', ['admin']);
    announce(
      [
        '',
        `Weft is running at ${url}`,
        ...(readersLine ? [`With ${readersLine}`] : []),
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
    announce(`Weft is running at ${url} (store: ${store.kind})${readersLine ? `; ${readersLine}` : ''}`);
  }
  if (config.delivery.routing) router.start();
  if (config.delivery.enabled) engine.start();
  pollLoops.start();
  processes.start();
  logger.info({ url, ...(readersUrl === undefined ? {} : { readersUrl, readerThreads: readersConfig.threads }), store: store.kind, version, targets: [...targets.keys()], sources: [...sources.keys()], routes: routes.length, delivery: config.delivery.enabled }, 'weft started');

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
    readersUrl,
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
        // The readers finish their in-flight checks within the same grace period.
        await Promise.all([api.app.close(), readers?.close()]);
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
