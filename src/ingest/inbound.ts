import { validateEventData } from '../domain/events/validate.ts';
import { parseJsonKeepingBigIntegers } from '../domain/shared/json.ts';
import type { IdKind } from '../domain/shared/ids.ts';
import { ConflictError, InputError, MappingError, WebhookError, WeftError, type FieldProblem } from '../errors/index.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { ConnectorLog, HttpClient } from '../ports/connector.ts';
import type { IdResolver, InboundSource, MappedEvent, WebhookDelivery, WebhookRequest } from '../ports/inbound.ts';
import type { AppendedEvent, CrossReference, InboundRejection, NewEvent, Store, StoredInboundRejection, UnitOfWork } from '../ports/store.ts';

// The way in from vendor systems: a webhook is verified (signature over the raw bytes), completed
// (a source may fetch what the webhook leaves out), mapped to canonical events with ids from the
// cross-reference map, checked against the event catalogue, and appended with its new
// cross-references in one commit. Its delivery id makes a redelivery a duplicate. What cannot be
// taken in is recorded as an inbound rejection with its reason (and, once the signature held, its
// body), so it can be read, fixed and replayed. Polled sources go the same way, their cursor moving
// in the same commit as the events their poll found.

/** What became of one webhook or polled change. */
export type InboundOutcome =
  | { status: 'accepted'; events: AppendedEvent[] }
  | { status: 'duplicate'; events: AppendedEvent[] }
  | { status: 'ignored'; reason: string }
  | { status: 'rejected'; rejectionId: string; code: string; message: string };

/** What the inbound pipeline needs. */
export interface InboundDeps {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  http: HttpClient;
  log: ConnectorLog;
  sources: ReadonlyMap<string, InboundSource>;
  /** Called once per webhook or polled change with its source and outcome, for metrics. */
  onOutcome?: (source: string, outcome: InboundOutcome['status']) => void;
}

/** Options of the pipeline. */
export interface InboundOptions {
  /** Longest an enrichment fetch may take, in ms. */
  enrichTimeoutMs: number;
}

/** The inbound operations: webhooks, polls, and the rejections they leave. */
export interface Inbound {
  /** Takes in one webhook; throws a WeftError (unknown_source, webhook_*, source_unavailable) the receiver answers with. */
  receiveWebhook(sourceName: string, request: WebhookRequest): Promise<InboundOutcome>;
  /** Polls a source once; returns the outcomes and whether the source has more right away. */
  poll(sourceName: string, signal?: AbortSignal): Promise<{ outcomes: InboundOutcome[]; more: boolean }>;
  listRejections(filter: Parameters<Store['listRejections']>[0]): Promise<StoredInboundRejection[]>;
  rejection(id: string): Promise<StoredInboundRejection>;
  /** Takes a rejection in again with today's mappings; audited. A rejection that fails again stays open and the error is thrown. */
  replayRejection(id: string, actor: string, reason: string): Promise<InboundOutcome>;
  /** Lets a rejection go; audited. */
  discardRejection(id: string, actor: string, reason: string): Promise<void>;
}

// Headers never kept with a rejection: signatures and credentials.
const SECRET_HEADER = /authorization|cookie|signature|hmac|token|secret|api-key|apikey|x-api/i;
const MAX_KEPT_HEADERS = 40;
const MAX_MAPPING_ATTEMPTS = 3;

/** The CloudEvents source of events taken in from a configured source. */
export function inboundEventSource(sourceName: string): string {
  return `urn:weft:source:${sourceName}`;
}

/** The CloudEvents id of the n-th event mapped from one vendor delivery: a redelivery maps to the same ids. */
export function inboundEventId(deliveryId: string, index: number): string {
  return index === 0 ? deliveryId : `${deliveryId}#${index}`;
}

function keptHeaders(headers: WebhookRequest['headers']): Record<string, string> {
  const kept: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || SECRET_HEADER.test(name)) continue;
    if (++count > MAX_KEPT_HEADERS) break;
    kept[name] = value.length > 500 ? `${value.slice(0, 500)}…` : value;
  }
  return kept;
}

/** An id resolver over the store's cross-reference map that collects the references it mints. */
function createResolver(store: Store, ids: IdGenerator, system: string): IdResolver & { minted: CrossReference[] } {
  const known = new Map<string, string>();
  const minted: CrossReference[] = [];
  const keyOf = (kind: string, system: string, externalId: string): string => `${kind}\u0000${system}\u0000${externalId}`;
  const find = async (inSystem: string, kind: IdKind, externalId: string): Promise<string | undefined> => {
    const key = keyOf(kind, inSystem, externalId);
    const cached = known.get(key);
    if (cached !== undefined) return cached;
    const found = await store.resolveXref(kind, inSystem, externalId);
    if (found !== undefined) known.set(key, found);
    return found;
  };
  return {
    minted,
    find: (kind, externalId) => find(system, kind, externalId),
    findIn: (inSystem, kind, externalId) => find(inSystem, kind, externalId),
    async ref(kind, externalId) {
      const found = await find(system, kind, externalId);
      if (found !== undefined) return found;
      const canonicalId = ids.next(kind);
      known.set(keyOf(kind, system, externalId), canonicalId);
      minted.push({ entity: kind, system, externalId, canonicalId });
      return canonicalId;
    },
  };
}

/** Checks mapped events against the catalogue; a mapping that produces an invalid event is a mapping failure. */
function checkEvents(events: readonly MappedEvent[]): void {
  const problems: FieldProblem[] = [];
  events.forEach((event, index) => {
    const verdict = validateEventData(event.type, event.subject, event.data);
    if (!verdict.ok) for (const problem of verdict.problems) problems.push({ pointer: `/events/${index}/data${problem.pointer}`, message: problem.message });
  });
  if (problems.length > 0) {
    throw new MappingError(`The mapping produced ${problems.length === 1 ? 'an event' : 'events'} the catalogue refuses: ${problems.slice(0, 3).map((p) => `${p.pointer} ${p.message}`).join('; ')}`, problems);
  }
}

/** Creates the inbound pipeline. */
export function createInbound(deps: InboundDeps, options: InboundOptions): Inbound {
  const { store, clock, ids, log } = deps;

  function sourceOf(name: string): InboundSource {
    const source = deps.sources.get(name);
    if (!source) throw new InputError('unknown_source', `No source "${name}" is configured (sources: ${[...deps.sources.keys()].join(', ') || 'none'}).`);
    return source;
  }

  function rejectionOf(source: string, error: WeftError, request: { topic?: string | undefined; deliveryId?: string | undefined; headers: Record<string, string>; body: string | undefined; receivedAt: string }): InboundRejection {
    return {
      id: ids.next('inboundRejection'),
      source,
      topic: request.topic,
      deliveryId: request.deliveryId,
      code: error.code,
      message: error.message,
      problems: error.problems.slice(0, 100).map((problem) => ({ pointer: problem.pointer, message: problem.message })),
      headers: request.headers,
      body: request.body,
      receivedAt: request.receivedAt,
    };
  }

  async function record(rejection: InboundRejection, extra: UnitOfWork = {}): Promise<string> {
    const result = await store.commit({ ...extra, rejections: [rejection] });
    if (result.status !== 'committed') throw new ConflictError('version_conflict', `Recording the rejection failed: ${result.status}`);
    return rejection.id;
  }

  async function enrich(source: InboundSource, delivery: WebhookDelivery): Promise<WebhookDelivery> {
    if (!source.enrich) return delivery;
    const signal = AbortSignal.timeout(options.enrichTimeoutMs);
    try {
      return await source.enrich(delivery, { http: deps.http, log, signal });
    } catch (error) {
      if (error instanceof MappingError) throw error;
      const retryable = !(error instanceof WeftError) || error.retryable;
      if (!retryable) throw error;
      throw new WeftError('source_unavailable', `${source.name}: fetching what the ${delivery.topic} webhook leaves out failed: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * Maps a delivery and builds the unit that appends its events and cross-references. Returns
   * undefined events for a delivery with nothing to take. Throws MappingError when it cannot be mapped.
   */
  async function mapDelivery(source: InboundSource, delivery: WebhookDelivery): Promise<{ events: NewEvent[]; xrefs: CrossReference[]; repeated: number } | { ignored: string }> {
    const mapping = source.mappings[delivery.topic];
    if (!mapping) return { ignored: `${source.connector} topic "${delivery.topic}" has no mapping` };
    const resolver = createResolver(store, ids, source.name);
    const outcome = await mapping.map(delivery.payload, { system: source.name, ids: resolver, settings: source.settings });
    if (outcome.kind === 'ignored') return { ignored: outcome.reason };
    checkEvents(outcome.events);
    const eventSource = inboundEventSource(source.name);
    const events: NewEvent[] = [];
    let repeated = 0;
    for (const [index, event] of outcome.events.entries()) {
      const id = event.key ?? inboundEventId(delivery.deliveryId, index);
      // A keyed fact the log holds already is dropped, whatever this delivery says of it: the first stays.
      if (event.key !== undefined && (await store.eventsWithId(event.key)).some((stored) => stored.source === eventSource)) {
        repeated++;
        continue;
      }
      events.push({ id, source: eventSource, type: event.type, subject: event.subject, time: event.time, data: event.data });
    }
    return { events, xrefs: resolver.minted, repeated };
  }

  /** Maps and commits one delivery (with `extra` in the same unit), retrying when another delivery minted the same reference first. */
  async function take(source: InboundSource, delivery: WebhookDelivery, extra: UnitOfWork = {}): Promise<InboundOutcome> {
    for (let attempt = 1; ; attempt++) {
      const mapped = await mapDelivery(source, delivery);
      if ('ignored' in mapped) {
        if (Object.keys(extra).length > 0) await store.commit(extra);
        return { status: 'ignored', reason: mapped.ignored };
      }
      if (mapped.events.length === 0 && mapped.repeated > 0) {
        if (Object.keys(extra).length > 0) await store.commit(extra);
        return { status: 'duplicate', events: [] };
      }
      const result = await store.commit({ ...extra, events: mapped.events, xrefs: mapped.xrefs });
      if (result.status === 'committed') {
        const duplicate = result.events.length > 0 && result.events.every((event) => event.duplicate);
        return { status: duplicate ? 'duplicate' : 'accepted', events: result.events };
      }
      // Another delivery took in a reference or a keyed fact first: map again, seeing what it wrote.
      if ((result.status === 'xref_conflict' || result.status === 'event_conflict') && attempt < MAX_MAPPING_ATTEMPTS) continue;
      if (result.status === 'event_conflict') {
        // The delivery id was taken in before with other content (the mapping changed since): the first stays.
        log.info({ source: source.name, deliveryId: delivery.deliveryId }, 'delivery already taken in with different content; kept the first');
        if (Object.keys(extra).length > 0) await store.commit(extra);
        return { status: 'duplicate', events: [] };
      }
      throw new ConflictError('version_conflict', `${source.name}: taking in delivery ${delivery.deliveryId} failed: ${result.status}`);
    }
  }

  async function alreadyTaken(source: InboundSource, deliveryId: string): Promise<AppendedEvent[] | undefined> {
    const eventSource = inboundEventSource(source.name);
    const found = (await store.eventsWithId(inboundEventId(deliveryId, 0))).filter((event) => event.source === eventSource);
    return found.length > 0 ? found.map((event) => ({ id: event.id, source: event.source, subject: event.subject, position: event.position, sequence: event.sequence, duplicate: true })) : undefined;
  }

  function settle(source: string, outcome: InboundOutcome): InboundOutcome {
    deps.onOutcome?.(source, outcome.status);
    return outcome;
  }

  return {
    async receiveWebhook(sourceName, request) {
      const source = sourceOf(sourceName);
      const receivedAt = new Date(request.receivedAtMs).toISOString();
      const headers = keptHeaders(request.headers);
      let delivery: WebhookDelivery;
      try {
        delivery = source.verify(request);
      } catch (error) {
        const weftError = error instanceof WeftError ? error : new WebhookError('webhook_malformed', `The webhook cannot be decoded: ${(error as Error).message}`, { cause: error });
        // A body whose signature did not hold is not kept: anyone can send one.
        const body = weftError.code === 'webhook_malformed' ? request.rawBody.toString('utf8') : undefined;
        const rejectionId = await record(rejectionOf(source.name, weftError, { headers, body, receivedAt }));
        log.warn({ source: source.name, rejectionId, code: weftError.code }, `webhook refused: ${weftError.message}`);
        settle(source.name, { status: 'rejected', rejectionId, code: weftError.code, message: weftError.message });
        throw weftError;
      }
      const seen = await alreadyTaken(source, delivery.deliveryId);
      if (seen) return settle(source.name, { status: 'duplicate', events: seen });
      const body = request.rawBody.toString('utf8');
      try {
        return settle(source.name, await take(source, await enrich(source, delivery)));
      } catch (error) {
        if (!(error instanceof MappingError)) throw error;
        // Authentic but unmappable: kept with its body; the vendor is told it arrived, so it does not retry in vain.
        const rejection = rejectionOf(source.name, error, { topic: delivery.topic, deliveryId: delivery.deliveryId, headers, body, receivedAt });
        await record(rejection);
        log.warn({ source: source.name, topic: delivery.topic, deliveryId: delivery.deliveryId, rejectionId: rejection.id, code: error.code }, `webhook rejected: ${error.message}`);
        return settle(source.name, { status: 'rejected', rejectionId: rejection.id, code: error.code, message: error.message });
      }
    },

    async poll(sourceName, signal) {
      const source = sourceOf(sourceName);
      if (!source.poll) throw new InputError('unknown_source', `Source "${sourceName}" (${source.connector}) does not poll.`);
      const cursor = await store.sourceCursor(source.name);
      let result;
      try {
        result = await source.poll.run(cursor, { http: deps.http, log, signal: signal ?? AbortSignal.timeout(options.enrichTimeoutMs) });
      } catch (error) {
        throw new WeftError('source_unavailable', `${source.name}: polling failed: ${(error as Error).message}`, { cause: error });
      }
      const receivedAt = new Date(clock.now()).toISOString();
      const outcomes: InboundOutcome[] = [];
      // Each change commits alone; the cursor moves with the last one, so a crash mid-poll repeats
      // changes (deduplicated by delivery id) but never skips one.
      for (let i = 0; i < result.deliveries.length; i++) {
        const delivery = result.deliveries[i] as WebhookDelivery;
        const extra: UnitOfWork = i === result.deliveries.length - 1 ? { cursors: [{ source: source.name, cursor: result.cursor }] } : {};
        const seen = await alreadyTaken(source, delivery.deliveryId);
        if (seen) {
          if (extra.cursors) await store.commit(extra);
          outcomes.push(settle(source.name, { status: 'duplicate', events: seen }));
          continue;
        }
        try {
          outcomes.push(settle(source.name, await take(source, delivery, extra)));
        } catch (error) {
          if (!(error instanceof MappingError)) throw error;
          const rejection = rejectionOf(source.name, error, { topic: delivery.topic, deliveryId: delivery.deliveryId, headers: {}, body: JSON.stringify(delivery.payload), receivedAt });
          await record(rejection, extra);
          outcomes.push(settle(source.name, { status: 'rejected', rejectionId: rejection.id, code: error.code, message: error.message }));
        }
      }
      if (result.deliveries.length === 0 && result.cursor !== cursor) await store.commit({ cursors: [{ source: source.name, cursor: result.cursor }] });
      return { outcomes, more: result.more };
    },

    listRejections: (filter) => store.listRejections(filter),

    async rejection(id) {
      const found = await store.rejection(id);
      if (!found) throw new InputError('not_found', `No inbound rejection ${id}.`);
      return found;
    },

    async replayRejection(id, actor, reason) {
      const rejection = await this.rejection(id);
      if (rejection.status !== 'open') throw new ConflictError('not_dead_letter', `Inbound rejection ${id} is ${rejection.status} already.`);
      if (rejection.body === undefined || rejection.topic === undefined || rejection.deliveryId === undefined) {
        throw new InputError('webhook_malformed', `Inbound rejection ${id} (${rejection.code}) has no verified body, topic and delivery id to replay; the vendor must send it again.`);
      }
      const source = sourceOf(rejection.source);
      const payload = parsePayload(rejection.body);
      const audit = { id: ids.next('auditEntry'), actor, action: 'inbound.replay', subject: id, reason };
      const extra: UnitOfWork = { resolveRejections: [{ id, status: 'replayed' }], audit: [audit] };
      const delivery = await enrich(source, { topic: rejection.topic, deliveryId: rejection.deliveryId, payload });
      return settle(source.name, await take(source, delivery, extra));
    },

    async discardRejection(id, actor, reason) {
      const rejection = await this.rejection(id);
      if (rejection.status !== 'open') throw new ConflictError('not_dead_letter', `Inbound rejection ${id} is ${rejection.status} already.`);
      const result = await store.commit({ resolveRejections: [{ id, status: 'discarded' }], audit: [{ id: ids.next('auditEntry'), actor, action: 'inbound.discard', subject: id, reason }] });
      if (result.status !== 'committed') throw new ConflictError('version_conflict', `Discarding ${id} failed: ${result.status}`);
    },
  };
}

function parsePayload(body: string): unknown {
  try {
    return parseJsonKeepingBigIntegers(body);
  } catch (error) {
    throw new WebhookError('webhook_malformed', `The kept body is not JSON: ${(error as Error).message}`, { cause: error });
  }
}
