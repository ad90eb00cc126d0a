import type { Config } from '../config/schema.ts';
import type { MetricsSnapshot } from '../telemetry/metrics.ts';

// What the hub and its availability reader threads say to each other (availability-readers.ts on
// the hub's side, availability-reader-thread.ts in each thread).

/** What the hub hands a reader thread at start (workerData). */
export interface ReaderData {
  /** The hub's configuration, as loaded: the thread opens the same store with it. */
  config: Config;
  /** Which reader this is (1, 2, …), for logs and metrics. */
  index: number;
  /** Where to listen; every reader listens on the same port (reusePort). */
  host: string;
  port: number;
  /** An Int32Array of one counter the hub bumps and notifies after each commit with events. */
  wake: SharedArrayBuffer;
  /** How often the thread sends its metrics to the hub, in ms. */
  metricsIntervalMs: number;
}

/** What a reader thread tells the hub. */
export type ReaderMessage =
  /** The view has folded the log and the listener takes connections. */
  | { kind: 'ready'; position: number }
  /** The thread's counts so far (cumulative). */
  | { kind: 'metrics'; snapshot: MetricsSnapshot }
  /** In-flight checks finished and the store is closed; the thread ends next. */
  | { kind: 'closed'; snapshot: MetricsSnapshot };

/** What the hub tells a reader thread. */
export type HubMessage = { kind: 'close'; graceMs: number };
