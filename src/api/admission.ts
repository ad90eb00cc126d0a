import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CapacityError } from '../errors/index.ts';
import type { Metrics } from '../telemetry/metrics.ts';

// Admission control: past capacity a request is refused at once with 503 and Retry-After, before
// its body is read, instead of joining a queue without bound. Latency for admitted requests stays
// flat and background work keeps its share of the process.

/** Limits of admission control. */
export interface AdmissionOptions {
  /** Requests being processed at once. */
  maxInFlightRequests: number;
  /** Events accepted for writing but not yet durable (writes only). */
  maxPendingEvents: number;
  /** p99 event-loop delay over the last second; 0 disables the check. */
  maxEventLoopDelayMs: number;
  /** Seconds in the Retry-After header. */
  retryAfterSeconds: number;
}

/** Decides whether a request may start, and tracks what is in flight. */
export interface Admission {
  /**
   * Counts a request in flight, and throws CapacityError when it must be shed. `exempt` requests
   * (health, metrics) are counted but never shed, so monitoring sees an overloaded hub.
   */
  admit(kind: 'write' | 'read' | 'exempt'): void;
  /** Counts a request that was admitted (or refused) as finished. */
  release(): void;
  /** Starts refusing everything with shutting_down. */
  close(): void;
  /** Stops the event-loop monitor. */
  stop(): void;
}

const WINDOW_MS = 1000;

/** Creates admission control reading the write queue depth from `pendingEvents`. */
export function createAdmission(options: AdmissionOptions, deps: { pendingEvents: () => number; metrics: Metrics }): Admission {
  let inFlight = 0;
  let closing = false;
  let loopDelayMs = 0;
  const monitor = options.maxEventLoopDelayMs > 0 ? monitorEventLoopDelay({ resolution: 20 }) : undefined;
  let sampler: NodeJS.Timeout | undefined;
  if (monitor) {
    monitor.enable();
    sampler = setInterval(() => {
      // No sample in a whole window means the loop was blocked throughout; the next window tells
      // how long. Reading that as "infinitely late" would shed everything after one long pause.
      if (monitor.count > 0) loopDelayMs = monitor.percentile(99) / 1e6;
      monitor.reset();
    }, WINDOW_MS);
    sampler.unref();
  }
  const shed = (reason: string, detail: string): never => {
    deps.metrics.shed.inc({ reason });
    throw new CapacityError('overloaded', `${detail}; retry after the indicated time.`, { retryAfterSeconds: options.retryAfterSeconds });
  };

  return {
    admit(kind) {
      inFlight++;
      if (kind === 'exempt') return;
      if (closing) throw new CapacityError('shutting_down', 'Weft is shutting down; retry shortly.', { retryAfterSeconds: options.retryAfterSeconds });
      if (inFlight > options.maxInFlightRequests) shed('in_flight', `Weft is at capacity (${options.maxInFlightRequests} requests in flight)`);
      if (kind === 'write' && deps.pendingEvents() >= options.maxPendingEvents) shed('write_queue', 'Weft\'s write queue is full');
      if (monitor && loopDelayMs > options.maxEventLoopDelayMs) shed('event_loop_delay', `Weft is over capacity (event loop ${Math.round(loopDelayMs)} ms late)`);
    },
    release() {
      inFlight--;
    },
    close() {
      closing = true;
    },
    stop() {
      if (sampler) clearInterval(sampler);
      monitor?.disable();
    },
  };
}
