// The availability benchmark's writers and visibility probes: the seed of the catalogue, and a
// steady stream of inventory events through POST /v1/events in which every batch carries one change
// to a probe SKU; once the hub has accepted the batch (answered 201), a probe asks GET
// /v1/availability for that SKU again and again, on connections of its own, until the change shows.
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { Pool } from 'undici';
import { createIdGenerator } from '../../src/ports/clock.ts';
import { PROBE_SKUS, SEED_ON_HAND, probeSkuName, skuName } from './availability-catalogue.ts';
import { seededRandom } from '../../src/domain/shared/random.ts';

const ids = createIdGenerator();
const BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';
/** A probe that has not seen its change after this long gives up and counts as not visible. */
const PROBE_TIMEOUT_MS = 10_000;

/** An event as POST /v1/events takes it: the hub fills in id, source, time. */
interface OutgoingEvent {
  type: string;
  subject: string;
  data: Record<string, unknown>;
}

function positionReport(sku: string, locationId: string, asOf: string): OutgoingEvent {
  return {
    type: 'weft.inventory.position_reported.v1',
    subject: `${sku}@${locationId}`,
    data: { sku, locationId, onHand: SEED_ON_HAND, reserved: 0, inTransit: 0, safetyStock: 0, available: SEED_ON_HAND, asOf },
  };
}

function movement(type: string, kind: string, sku: string, locationId: string, quantityDelta: number, occurredAt: string): OutgoingEvent {
  return { type, subject: `${sku}@${locationId}`, data: { id: ids.next('inventoryMovement'), sku, locationId, kind, quantityDelta, occurredAt, externalRefs: [] } };
}

/** The hub's address and a key that may write events and read availability. */
export interface HubAccess {
  /** The API: where events are posted. */
  url: string;
  token: string;
  /** Where availability is read (the hub's reader threads), when not the API. */
  readUrl?: string;
}

async function post(pool: Pool, access: HubAccess, events: readonly OutgoingEvent[]): Promise<void> {
  const response = await pool.request({
    method: 'POST',
    path: '/v1/events',
    headers: { authorization: `Bearer ${access.token}`, 'content-type': BATCH_CONTENT_TYPE },
    body: JSON.stringify(events),
  });
  const text = await response.body.text();
  if (response.statusCode !== 201) throw new Error(`POST /v1/events answered ${response.statusCode}: ${text.slice(0, 300)}`);
}

/** The on-hand stock the hub shows for a SKU at a location, undefined when it shows none. */
async function onHandOf(pool: Pool, access: HubAccess, sku: string, locationId: string): Promise<number | undefined> {
  const response = await pool.request({ method: 'GET', path: `/v1/availability?sku=${encodeURIComponent(sku)}&location=${locationId}`, headers: { authorization: `Bearer ${access.token}` } });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`GET /v1/availability answered ${response.statusCode}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { items: { locations: { onHand: number; updatedAt?: string }[] }[] };
  const view = body.items[0]?.locations[0];
  return view?.updatedAt === undefined ? undefined : view.onHand;
}

/**
 * Reports SEED_ON_HAND units of every catalogue SKU at every location, and of every probe SKU at the
 * first location, then waits until the hub's availability (where `readUrl` points) shows the last of them.
 */
export async function seedCatalogue(access: HubAccess, skus: number, locations: readonly string[]): Promise<{ events: number; ms: number }> {
  const pool = new Pool(access.url, { connections: 4 });
  const readPool = access.readUrl === undefined ? pool : new Pool(access.readUrl, { connections: 1 });
  const started = performance.now();
  const asOf = new Date().toISOString();
  const events: OutgoingEvent[] = [];
  for (let n = 0; n < skus; n++) for (const locationId of locations) events.push(positionReport(skuName(n), locationId, asOf));
  for (let n = 0; n < PROBE_SKUS; n++) events.push(positionReport(probeSkuName(n), locations[0] as string, asOf));
  try {
    const batches: OutgoingEvent[][] = [];
    for (let i = 0; i < events.length; i += 1000) batches.push(events.slice(i, i + 1000));
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let i = next++; i < batches.length; i = next++) await post(pool, access, batches[i] as OutgoingEvent[]);
    }));
    const last = events.at(-1)?.data as { sku: string; locationId: string };
    const deadline = Date.now() + 60_000;
    while ((await onHandOf(readPool, access, last.sku, last.locationId)) !== SEED_ON_HAND) {
      if (Date.now() > deadline) throw new Error('the seeded stock did not show in GET /v1/availability within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { events: events.length, ms: Math.round(performance.now() - started) };
  } finally {
    await Promise.all([pool.close(), readPool === pool ? undefined : readPool.close()]);
  }
}

/** Settings of the stream. */
export interface StreamOptions {
  /** Catalogue SKUs the changes fall on. */
  skus: number;
  locations: readonly string[];
  eventsPerSecond: number;
  /** Events per POST; the last of each is the probe's change. */
  batchSize: number;
  /** Most POSTs waiting for their answer at once; past it the stream falls behind its schedule. */
  maxInFlight: number;
  /** Connections the probes poll on (apart from the stream's). */
  probeConnections: number;
}

/** One visibility sample: a probe SKU's change, from its batch's 201 to the first check that showed it. */
interface Sample {
  acceptedAt: number;
  visibleAfterMs: number | undefined;
  /** Round trips of the probe's checks, in ms. */
  roundTrips: number[];
}

/** What the stream did within a window. */
export interface StreamFigures {
  batchesAccepted: number;
  batchesFailed: number;
  firstFailure?: string;
  eventsAccepted: number;
  eventsPerSecond: number;
  /** How far the stream was behind its schedule at worst since it started (warm-up included), in ms; 0: every batch left on time. */
  maxBehindMs: number;
  /** From sending a batch to its 201. */
  postLatencyMs: Percentiles;
  visibility: {
    samples: number;
    /** Probes that had not seen their change after PROBE_TIMEOUT_MS. */
    notVisible: number;
    /** From the batch's 201 to the answer of the first check that showed the change. */
    latencyMs: Percentiles;
    /** Checks a probe sent until it saw its change, on average (1: the first check already showed it). */
    checksPerSample: number;
    /** Round trip of one probe check (the resolution of the latency above). */
    checkRoundTripMs: Percentiles;
  };
}

/** Percentiles in ms. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

const msOf = (ns: number): number => Number((ns / 1e6).toFixed(2));
function percentilesOf(histogram: RecordableHistogram): Percentiles {
  return { p50: msOf(histogram.percentile(50)), p90: msOf(histogram.percentile(90)), p99: msOf(histogram.percentile(99)), max: msOf(histogram.max) };
}
const nanos = (ms: number): number => Math.max(1, Math.round(ms * 1e6));

/** A running stream. */
export interface Stream {
  /** Stops sending, waits for the batches in flight and the probes running, and reports on [from, to] (performance.now() times). */
  stop(from: number, to: number): Promise<StreamFigures>;
}

/** Starts streaming inventory events to the hub at the given pace. */
export function startStream(access: HubAccess, options: StreamOptions): Stream {
  const pool = new Pool(access.url, { connections: options.maxInFlight, pipelining: 1, keepAliveTimeout: 60_000 });
  // Probes read where channels read: the reader threads when the hub runs them.
  const probePool = new Pool(access.readUrl ?? access.url, { connections: options.probeConnections, pipelining: 1, keepAliveTimeout: 60_000 });
  const random = seededRandom(7);
  const intervalMs = (1000 * options.batchSize) / options.eventsPerSecond;
  const accepted: { at: number; sentAt: number; events: number }[] = [];
  const samples: Sample[] = [];
  const probesAccepted = new Array<number>(PROBE_SKUS).fill(0);
  const probeLocation = options.locations[0] as string;
  const running = new Set<Promise<void>>();
  let failed = 0;
  let firstFailure: string | undefined;
  let sent = 0;
  let inFlight = 0;
  let maxBehindMs = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const started = performance.now();

  function batch(n: number): { events: OutgoingEvent[]; probe: number } {
    const at = new Date().toISOString();
    const events: OutgoingEvent[] = [];
    for (let i = 0; i < options.batchSize - 1; i++) {
      const sku = skuName(Math.floor(random() * options.skus));
      const locationId = options.locations[Math.floor(random() * options.locations.length)] as string;
      const draw = random();
      if (draw < 0.7) events.push(movement('weft.inventory.sold.v1', 'sale', sku, locationId, -1 - Math.floor(random() * 2), at));
      else if (draw < 0.85) events.push(movement('weft.inventory.received.v1', 'receipt', sku, locationId, 5 + Math.floor(random() * 46), at));
      else events.push(movement('weft.inventory.adjusted.v1', 'adjustment', sku, locationId, random() < 0.5 ? -1 : 1, at));
    }
    // The probe's change: one more unit received, so its on-hand stock only grows and a later change cannot hide an earlier one.
    const probe = n % PROBE_SKUS;
    events.push(movement('weft.inventory.received.v1', 'receipt', probeSkuName(probe), probeLocation, 1, at));
    return { events, probe };
  }

  async function probe(index: number, acceptedAt: number): Promise<void> {
    const target = SEED_ON_HAND + (probesAccepted[index] as number);
    const sample: Sample = { acceptedAt, visibleAfterMs: undefined, roundTrips: [] };
    samples.push(sample);
    while (performance.now() - acceptedAt < PROBE_TIMEOUT_MS) {
      const sentAt = performance.now();
      const onHand = await onHandOf(probePool, access, probeSkuName(index), probeLocation);
      const answeredAt = performance.now();
      sample.roundTrips.push(answeredAt - sentAt);
      if (onHand !== undefined && onHand >= target) {
        sample.visibleAfterMs = answeredAt - acceptedAt;
        return;
      }
    }
  }

  async function send(n: number): Promise<void> {
    const { events, probe: index } = batch(n);
    const sentAt = performance.now();
    inFlight++;
    try {
      await post(pool, access, events);
      const at = performance.now();
      accepted.push({ at, sentAt, events: events.length });
      probesAccepted[index] = (probesAccepted[index] as number) + 1;
      const polling = probe(index, at).catch((error: unknown) => {
        failed++;
        firstFailure ??= `probe: ${(error as Error).message}`;
      });
      running.add(polling);
      void polling.finally(() => running.delete(polling));
    } catch (error) {
      failed++;
      firstFailure ??= (error as Error).message;
    } finally {
      inFlight--;
    }
  }

  // Each tick sends the batches that are due, as many as the in-flight limit lets.
  function tick(): void {
    if (stopped) return;
    const now = performance.now();
    const due = Math.floor((now - started) / intervalMs) + 1;
    while (sent < due && inFlight < options.maxInFlight) {
      const pending = send(sent++);
      running.add(pending);
      void pending.finally(() => running.delete(pending));
    }
    if (sent < due) maxBehindMs = Math.max(maxBehindMs, now - (started + sent * intervalMs));
    timer = setTimeout(tick, Math.max(0, started + sent * intervalMs - performance.now()));
  }
  tick();

  return {
    async stop(from, to) {
      stopped = true;
      clearTimeout(timer);
      while (running.size > 0) await Promise.all([...running]);
      await Promise.all([pool.close(), probePool.close()]);
      const inWindow = accepted.filter((batchAccepted) => batchAccepted.at >= from && batchAccepted.at <= to);
      const postLatency = createHistogram();
      for (const batchAccepted of inWindow) postLatency.record(nanos(batchAccepted.at - batchAccepted.sentAt));
      const windowSamples = samples.filter((sample) => sample.acceptedAt >= from && sample.acceptedAt <= to);
      const visibility = createHistogram();
      const roundTrips = createHistogram();
      for (const sample of windowSamples) {
        if (sample.visibleAfterMs !== undefined) visibility.record(nanos(sample.visibleAfterMs));
        for (const roundTrip of sample.roundTrips) roundTrips.record(nanos(roundTrip));
      }
      const eventsAccepted = inWindow.reduce((sum, batchAccepted) => sum + batchAccepted.events, 0);
      return {
        batchesAccepted: inWindow.length,
        batchesFailed: failed,
        ...(firstFailure === undefined ? {} : { firstFailure }),
        eventsAccepted,
        eventsPerSecond: Math.round(eventsAccepted / ((to - from) / 1000)),
        maxBehindMs: Math.round(maxBehindMs),
        postLatencyMs: percentilesOf(postLatency),
        visibility: {
          samples: windowSamples.length,
          notVisible: windowSamples.filter((sample) => sample.visibleAfterMs === undefined).length,
          latencyMs: percentilesOf(visibility),
          checksPerSample: Number((windowSamples.reduce((sum, sample) => sum + sample.roundTrips.length, 0) / Math.max(1, windowSamples.length)).toFixed(2)),
          checkRoundTripMs: percentilesOf(roundTrips),
        },
      };
    },
  };
}
