// An availability reader: a worker thread of the hub that answers GET /v1/availability on the
// readers' port, so channels' checks never wait behind ingest, delivery or the followers on the
// hub's main thread. It opens the store read-only, folds the log into a view of its own (the same
// projection and channel rules as the hub's), follows it when the hub says something was committed
// (a counter in shared memory) and every inventory.pollMs in any case, and writes nothing.
// Started by availability-readers.ts; it never runs on its own.
import type { FastifyListenOptions } from 'fastify';
import { parentPort, workerData } from 'node:worker_threads';
import { createApiKeyService } from '../access/api-keys.ts';
import { buildReaderApi } from '../api/reader-server.ts';
import { createAvailabilityView } from '../inventory/availability.ts';
import { createIdGenerator, systemClock } from '../ports/clock.ts';
import { createLogger } from '../telemetry/logger.ts';
import { createMetrics } from '../telemetry/metrics.ts';
import { apiOptions } from './api-options.ts';
import type { HubMessage, ReaderData, ReaderMessage } from './availability-reader-messages.ts';
import { inventoryChannels } from './inventory.ts';
import { openStore, version } from './open-store.ts';

const hub = parentPort;
if (!hub) throw new Error('availability-reader-thread.ts runs as a worker thread of the hub');
const data = workerData as ReaderData;
const { config } = data;
const say = (message: ReaderMessage): void => hub.postMessage(message);
const logger = createLogger({ level: config.log.level }).child({ reader: data.index });
const clock = systemClock;
const metrics = createMetrics({ defaultMetrics: false });

const store = await openStore(config, { clock, readOnly: true });
const view = createAvailabilityView({ store, log: logger }, { channels: inventoryChannels(config), pollMs: config.inventory.pollMs, observe: config.inventory.drift.observe });
const keys = createApiKeyService({ store, clock, ids: createIdGenerator(clock) }, { cacheMs: config.auth.keyCacheMs });
const api = await buildReaderApi({ store, keys, metrics, logger, availability: view }, apiOptions(config, version));
// Answers come from memory: fold the log before the listener takes a connection.
await view.start();
// Every reader binds the same port: SO_REUSEPORT (Node ≥ 23.1 on Linux), which Fastify hands on to
// server.listen although its types do not name it.
const listenOptions: FastifyListenOptions & { reusePort: boolean } = { host: data.host, port: data.port, reusePort: true };
await api.app.listen(listenOptions);

// The hub bumps the counter after each commit with events; one wait covers any number of bumps.
const commits = new Int32Array(data.wake);
let stopping = false;
void (async () => {
  let seen = Atomics.load(commits, 0);
  while (!stopping) {
    const waiting = Atomics.waitAsync(commits, 0, seen);
    if (waiting.async) await waiting.value;
    seen = Atomics.load(commits, 0);
    if (!stopping) view.wake();
  }
})();

const sendMetrics = setInterval(() => {
  void metrics.snapshot().then((snapshot) => say({ kind: 'metrics', snapshot }));
}, data.metricsIntervalMs);

hub.on('message', (message: HubMessage) => {
  if (message.kind === 'close') void close(message.graceMs);
});

let closing: Promise<void> | undefined;
/** Stops taking connections, lets in-flight checks finish (up to the grace period), closes the store, then ends the thread. */
function close(graceMs: number): Promise<void> {
  closing ??= (async () => {
    clearInterval(sendMetrics);
    api.beginShutdown();
    const grace = setTimeout(() => api.app.server.closeAllConnections(), graceMs);
    await api.app.close();
    clearTimeout(grace);
    stopping = true;
    // Ends this thread's wait on the counter (the other readers take it as one more look at the log).
    Atomics.notify(commits, 0);
    await view.stop();
    await store.close();
    say({ kind: 'closed', snapshot: await metrics.snapshot() });
    hub?.close();
  })();
  return closing;
}

say({ kind: 'ready', position: view.position() });
