import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CommitBatchStats, OutboxStat } from '../ports/store.ts';

/** A registry's metrics as plain data (prom-client's JSON form), to send from one thread to another. */
export type MetricsSnapshot = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/** Weft's Prometheus metrics, in their own registry so tests and several hubs in one process do not collide. */
export interface Metrics {
  /** The registry `/metrics` renders. */
  readonly registry: Registry;
  /** HTTP request duration by route, method and status code; its `_count` counts requests. */
  readonly httpDuration: Histogram<'route' | 'method' | 'status'>;
  /** Events appended to the log (duplicates not counted). */
  readonly eventsAppended: Counter;
  /** Requests and events refused, by error code. */
  readonly rejected: Counter<'code'>;
  /** Requests shed by admission control, by reason. */
  readonly shed: Counter<'reason'>;
  /** Availability reader threads that ended unasked and were started again. */
  readonly readerRestarts: Counter;
  /** Records one group commit. */
  observeCommit(stats: CommitBatchStats): void;
  /** Sets where the queue-depth gauge reads the events not yet durable, at scrape time. */
  watchPendingEvents(read: () => number): void;
  /** One delivery attempt finished. */
  delivered(target: string, action: string, outcome: 'done' | 'retry' | 'dead', durationMs: number): void;
  /** A target's circuit breaker changed state. */
  breakerState(target: string, state: 'closed' | 'open' | 'half_open'): void;
  /** Sets where the outbox gauges read their counts, at scrape time. */
  watchOutbox(read: () => Promise<OutboxStat[]>): void;
  /** One webhook or polled change from a source, by outcome (accepted, duplicate, ignored, rejected). */
  inbound(source: string, outcome: string): void;
  /** What this registry counted so far, without the metrics still at zero (what a reader thread sends to the hub). */
  snapshot(): Promise<MetricsSnapshot>;
  /** Sets the latest snapshot of another thread's metrics (a reader thread's), summed into `render`. */
  setRemote(source: string, snapshot: MetricsSnapshot): void;
  /** Keeps a source's last snapshot in the sums for good (its thread ended), so its counts never go back. */
  retireRemote(source: string): Promise<void>;
  /** The Prometheus text of this registry with every remote snapshot summed in. */
  render(): Promise<string>;
}

const BREAKER_STATES = ['closed', 'open', 'half_open'] as const;

/** Creates the metrics, in a registry of their own. */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  // One histogram per request rather than a counter and a histogram: each observation hashes its
  // labels, and at ingest rates that is a measurable share of a request.
  const httpDuration = new Histogram({
    name: 'weft_http_request_duration_seconds',
    help: 'Time from request received to response sent, by route, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const eventsAppended = new Counter({ name: 'weft_events_appended_total', help: 'Events appended to the log (duplicates not counted).', registers: [registry] });
  const rejected = new Counter({ name: 'weft_rejected_total', help: 'Requests refused, by error code.', labelNames: ['code'] as const, registers: [registry] });
  const shed = new Counter({ name: 'weft_admission_shed_total', help: 'Requests refused by admission control, by reason.', labelNames: ['reason'] as const, registers: [registry] });
  const readerRestarts = new Counter({ name: 'weft_availability_reader_restarts_total', help: 'Availability reader threads that ended unasked and were started again.', registers: [registry] });
  const commitDuration = new Histogram({
    name: 'weft_store_commit_duration_seconds',
    help: 'Time from handing a group-commit batch to the store until it is durable (the flush to disk included).',
    buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const commitUnits = new Histogram({
    name: 'weft_store_commit_units',
    help: 'Units of work per group-commit batch (the SQLite writer may merge queued batches into one transaction).',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
    registers: [registry],
  });
  const deliveryDuration = new Histogram({
    name: 'weft_delivery_attempt_duration_seconds',
    help: 'Duration of delivery attempts by target, action and outcome (done, retry, dead); its _count counts attempts.',
    labelNames: ['target', 'action', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const inboundTotal = new Counter({
    name: 'weft_inbound_total',
    help: 'Webhooks and polled changes from source systems, by source and outcome (accepted, duplicate, ignored, rejected).',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  const breaker = new Gauge({
    name: 'weft_delivery_breaker_state',
    help: 'Circuit breaker of each target: 1 for its current state (closed, open, half_open), 0 for the others.',
    labelNames: ['target', 'state'] as const,
    registers: [registry],
  });
  let outbox: (() => Promise<OutboxStat[]>) | undefined;
  // The registry collects metrics in parallel; both outbox gauges share one read per scrape.
  let read: { at: number; stats: Promise<OutboxStat[]> } | undefined;
  const outboxStats = (): Promise<OutboxStat[]> => {
    const now = Date.now();
    if (!outbox) return Promise.resolve([]);
    if (!read || now - read.at > 250) read = { at: now, stats: outbox() };
    return read.stats;
  };
  new Gauge({
    name: 'weft_outbox_commands',
    help: 'Commands in the outbox by target and status (pending, done, dead, discarded).',
    labelNames: ['target', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const stat of await outboxStats()) this.set({ target: stat.target, status: stat.status }, stat.count);
    },
  });
  new Gauge({
    name: 'weft_outbox_oldest_age_seconds',
    help: 'Age of the oldest pending and the oldest dead command, by target.',
    labelNames: ['target', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const now = Date.now();
      for (const stat of await outboxStats()) {
        if (stat.status === 'pending' || stat.status === 'dead') this.set({ target: stat.target, status: stat.status }, (now - Date.parse(stat.oldestCreatedAt)) / 1000);
      }
    },
  });
  let pending: (() => number) | undefined;
  new Gauge({
    name: 'weft_store_pending_events',
    help: 'Events accepted for writing and not yet durable.',
    registers: [registry],
    collect() {
      this.set(pending ? pending() : 0);
    },
  });
  // Other threads' counts by source, and the sum of those whose threads ended.
  const remote = new Map<string, MetricsSnapshot>();
  let retired: MetricsSnapshot = [];
  return {
    registry,
    httpDuration,
    eventsAppended,
    rejected,
    shed,
    readerRestarts,
    observeCommit(stats) {
      commitDuration.observe(stats.durationMs / 1000);
      commitUnits.observe(stats.units);
      eventsAppended.inc(stats.events);
    },
    watchPendingEvents(read) {
      pending = read;
    },
    delivered(target, action, outcome, durationMs) {
      deliveryDuration.observe({ target, action, outcome }, durationMs / 1000);
    },
    inbound(source, outcome) {
      inboundTotal.inc({ source, outcome });
    },
    breakerState(target, state) {
      for (const candidate of BREAKER_STATES) breaker.set({ target, state: candidate }, candidate === state ? 1 : 0);
    },
    watchOutbox(read) {
      outbox = read;
    },
    async snapshot() {
      return (await registry.getMetricsAsJSON()).filter((metric) => metric.values.some((value) => value.value !== 0));
    },
    setRemote(source, snapshot) {
      remote.set(source, snapshot);
    },
    async retireRemote(source) {
      const last = remote.get(source);
      remote.delete(source);
      if (last) retired = await AggregatorRegistry.aggregate([retired, last]).getMetricsAsJSON();
    },
    async render() {
      if (remote.size === 0 && retired.length === 0) return registry.metrics();
      // Summed per metric and label set; this registry's metrics come first, in their order.
      return AggregatorRegistry.aggregate([await registry.getMetricsAsJSON(), retired, ...remote.values()]).metrics();
    },
  };
}
