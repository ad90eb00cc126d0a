import { createServer, type AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { HubMessage, ReaderData, ReaderMessage } from './availability-reader-messages.ts';

// The availability readers (inventory.readers): worker threads that answer channels' availability
// checks on a port of their own, so a check never waits behind what the hub's main thread does
// (ingest, folding the log for delivery and processes, reservations). All threads listen on the
// same port with SO_REUSEPORT and the kernel spreads connections over them. Each keeps its own
// view of stock; the hub wakes them after every commit with events through a counter in shared
// memory (no message per commit), and they look at the log every inventory.pollMs in any case, so a
// missed wake costs latency, never correctness. A thread that ends unasked is logged and started
// again, with a growing delay if it keeps ending; the hub goes on meanwhile. Their request counts
// reach the hub's /metrics as snapshots they send every second.

/** Where and how the readers run. */
export interface ReadersOptions {
  threads: number;
  /** Interface to listen on. */
  host: string;
  /** Port every thread listens on; 0 picks a free one. */
  port: number;
  /** How long in-flight checks may take to finish at close. */
  shutdownGraceMs: number;
  /** How often each thread sends its metrics (default 1000 ms). */
  metricsIntervalMs?: number;
  /** Delay before starting a thread that ended unasked again; doubles while it keeps ending, up to 30 s (default 1000 ms). */
  restartDelayMs?: number;
}

/** What the readers need from the hub. */
export interface ReadersDeps {
  /** The hub's configuration: each thread opens the same store with it. */
  config: Config;
  logger: Logger;
  /** The hub's metrics, into which the threads' counts are summed. */
  metrics: Metrics;
  /** Called with each thread as it starts (a test ends one to see it started again). */
  onThread?: (worker: Worker, index: number) => void;
}

/** Running availability readers. */
export interface AvailabilityReaders {
  /** The port they share. */
  port: number;
  /** Tells every thread that events were committed (cheap; call it after every commit with events). */
  wake(): void;
  /** Stops every thread: no new connections, in-flight checks finish, each closes its store. */
  close(): Promise<void>;
}

const THREAD = new URL('./availability-reader-thread.ts', import.meta.url);
const MAX_RESTART_DELAY_MS = 30_000;
/** A thread that ran this long before ending is restarted after the first delay again. */
const STABLE_MS = 60_000;

/** One running thread. */
interface Slot {
  worker: Worker;
  exited: Promise<number>;
  readyAt: number;
}

/** Binds `port` on `host` for a moment, alone (without SO_REUSEPORT): fails if anything holds it, else gives the port (the free one picked for 0). */
async function claimPort(host: string, port: number): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen({ host, port, exclusive: true }, resolve);
  });
  const bound = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return bound;
}

/** Starts the reader threads; resolves once every one has folded the log and listens. */
export async function startAvailabilityReaders(deps: ReadersDeps, options: ReadersOptions): Promise<AvailabilityReaders> {
  const { logger, metrics } = deps;
  // Another process on the port (another hub's readers included) would silently share its connections under SO_REUSEPORT: refuse.
  const port = await claimPort(options.host, options.port);
  const commits = new Int32Array(new SharedArrayBuffer(4));
  const slots = new Map<number, Slot>();
  const timers = new Set<NodeJS.Timeout>();
  const delays = new Map<number, number>();
  const firstDelayMs = options.restartDelayMs ?? 1000;
  let closing = false;
  const source = (index: number): string => `reader-${index}`;

  /** Starts thread `index`; resolves when it is ready, rejects if it ends before. */
  function spawn(index: number): Promise<void> {
    const data: ReaderData = { config: deps.config, index, host: options.host, port, wake: commits.buffer as SharedArrayBuffer, metricsIntervalMs: options.metricsIntervalMs ?? 1000 };
    // The name shows as the thread's name in /proc/<pid>/task/<tid>/comm (top -H, the benchmark's CPU by thread).
    const worker = new Worker(THREAD, { name: `weft-reader-${index}`, workerData: data });
    deps.onThread?.(worker, index);
    const slot: Slot = { worker, exited: new Promise<number>((resolve) => worker.once('exit', resolve)), readyAt: 0 };
    slots.set(index, slot);
    let failure: Error | undefined;
    worker.on('error', (error: unknown) => {
      failure = error instanceof Error ? error : new Error(String(error));
    });
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (message: ReaderMessage) => {
        if (message.kind === 'ready') {
          slot.readyAt = Date.now();
          resolve();
        } else metrics.setRemote(source(index), message.snapshot);
      });
      void slot.exited.then(async (code) => {
        if (slots.get(index) === slot) slots.delete(index);
        if (slot.readyAt === 0) {
          reject(failure ?? new Error(`availability reader ${index} ended (exit code ${code}) before it was ready`));
          return;
        }
        if (closing) return;
        // Its counts stay in the sums; the thread started next counts from zero.
        await metrics.retireRemote(source(index));
        metrics.readerRestarts.inc();
        const last = delays.get(index);
        const delay = last === undefined || Date.now() - slot.readyAt > STABLE_MS ? firstDelayMs : Math.min(last * 2, MAX_RESTART_DELAY_MS);
        logger.error({ reader: index, exitCode: code, err: failure, restartInMs: delay }, 'availability reader ended unasked; starting it again');
        schedule(index, delay);
      });
    });
  }

  function schedule(index: number, delayMs: number): void {
    delays.set(index, delayMs);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (closing) return;
      spawn(index).then(
        () => logger.info({ reader: index, port }, 'availability reader started again'),
        (error: unknown) => {
          if (closing) return;
          const next = Math.min(delayMs * 2, MAX_RESTART_DELAY_MS);
          logger.error({ reader: index, err: error, restartInMs: next }, 'availability reader did not start; trying again');
          schedule(index, next);
        },
      );
    }, delayMs);
    timers.add(timer);
  }

  async function close(): Promise<void> {
    closing = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    await Promise.all(
      [...slots.values()].map(async (slot) => {
        slot.worker.postMessage({ kind: 'close', graceMs: options.shutdownGraceMs } satisfies HubMessage);
        // A thread that does not finish (still folding a long log, or stuck) is ended.
        const deadline = setTimeout(() => void slot.worker.terminate(), options.shutdownGraceMs + 5000);
        await slot.exited;
        clearTimeout(deadline);
      }),
    );
  }

  try {
    await Promise.all(Array.from({ length: options.threads }, (_, n) => spawn(n + 1)));
  } catch (error) {
    closing = true;
    await Promise.all([...slots.values()].map((slot) => slot.worker.terminate()));
    throw error;
  }
  logger.debug({ threads: options.threads, port }, 'availability readers listening');

  return {
    port,
    wake() {
      Atomics.add(commits, 0, 1);
      Atomics.notify(commits, 0);
    },
    close,
  };
}
