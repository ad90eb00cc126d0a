// What a connector offers on the way in: verifying a vendor's webhook, turning its payload into
// canonical events, and polling a system that does not push. Connectors (src/connectors/<vendor>/)
// implement these; the inbound pipeline (src/ingest/webhooks.ts) runs them, writes what they map
// and records what they reject. Neither imports the other.

import type { IdKind } from '../domain/shared/ids.ts';
import type { ConnectorLog, HttpClient } from './connector.ts';

/** A webhook as it reached Weft: the raw bytes, because signatures are over the bytes sent, never over re-serialised JSON. */
export interface WebhookRequest {
  /** Header names in lower case; a header sent twice is joined with `, `. */
  headers: Readonly<Record<string, string | undefined>>;
  rawBody: Buffer;
  /**
   * The URL the vendor was told to call, as the vendor sees it (Square signs it with the body). It
   * is the source's configured `notificationUrl` when set, else the URL of the request as received.
   */
  notificationUrl: string;
  /** Path and query of the request as received (`/webhooks/shipstation?token=…`): where a vendor that signs nothing carries a shared token. */
  requestUrl: string;
  /** When Weft received it, in ms since the epoch. */
  receivedAtMs: number;
}

/** A webhook whose signature held, decoded. */
export interface WebhookDelivery {
  /** The vendor's topic or event type (`orders/create`, `order.updated`). */
  topic: string;
  /** The vendor's id of this delivery (`X-Shopify-Webhook-Id`, Square's `event_id`): a redelivery has the same one. */
  deliveryId: string;
  /** The payload, parsed with ids above 2^53 kept exact (as strings). */
  payload: unknown;
  /** When the vendor says the change happened or the webhook was triggered (ISO 8601 UTC), if it says. */
  occurredAt?: string;
}

/**
 * Turns vendor ids into Weft's canonical ids through the cross-reference map: the id already linked
 * to (kind, system, vendor id), or a new one that is linked in the same commit as the events.
 */
export interface IdResolver {
  /** The canonical id of a vendor id of this system, minting one on first sight. */
  ref(kind: IdKind, externalId: string): Promise<string>;
  /** The canonical id of a vendor id of this system, or undefined when it was never seen. Mints nothing. */
  find(kind: IdKind, externalId: string): Promise<string | undefined>;
  /** The canonical id of a vendor id of another configured system (`netsuite`), or undefined. */
  findIn(system: string, kind: IdKind, externalId: string): Promise<string | undefined>;
}

/** One canonical event a mapping produced; the pipeline adds id, source and trace. */
export interface MappedEvent {
  /** Catalogue type (`weft.order.captured.v1`). */
  type: string;
  /** Aggregate key: the canonical id of the aggregate (see the catalogue). */
  subject: string;
  /** When the change happened (ISO 8601 UTC). */
  time: string;
  data: unknown;
  /**
   * A stable id for a fact the vendor repeats across deliveries (Square sends payment.updated again
   * for a payment captured long ago): the first event with a key is kept, later ones are dropped.
   * Without a key an event's id comes from its delivery, so only a redelivery is a duplicate.
   */
  key?: string;
}

/** What a mapping made of a payload: events, or a reason to take nothing from it. */
export type MappingOutcome =
  | { kind: 'events'; events: MappedEvent[] }
  /** Nothing to take: said why (e.g. "a test order", "a topic Weft does not use"). Recorded, not an error. */
  | { kind: 'ignored'; reason: string };

/** What a mapping may use: ids, the source's name, its settings. No store, no clock reads, no I/O. */
export interface MappingContext {
  /** Configured name of the source system (`shopify`, `pos-berlin`). */
  system: string;
  ids: IdResolver;
  /** The source's settings, as validated by the connector (e.g. a default currency or location). */
  settings: unknown;
}

/** Vendor → canonical for one topic. */
export interface InboundMapping {
  /** What the mapping reads and writes, for the docs. */
  description: string;
  /** Throws a MappingError (src/connectors/sdk/mapping-error.ts) naming the field when the payload cannot be mapped. */
  map(payload: unknown, context: MappingContext): Promise<MappingOutcome>;
}

/** What a source may use to complete a webhook that carries only an id (Square's order events). */
export interface EnrichContext {
  http: HttpClient;
  log: ConnectorLog;
  signal: AbortSignal;
}

/** One configured system Weft receives from. */
export interface InboundSource {
  /** Configured name; webhooks arrive at `/webhooks/<name>`. */
  name: string;
  /** Connector it is an instance of. */
  connector: string;
  /** Checks the signature (and timestamp where the vendor has one) and decodes; throws a WebhookError when they do not hold. */
  verify(request: WebhookRequest): WebhookDelivery;
  /** Mappings by topic; a topic without one is recorded as ignored. */
  mappings: Readonly<Record<string, InboundMapping>>;
  /** Fetches what the webhook leaves out (the full order for an id), before mapping. Optional. */
  enrich?(delivery: WebhookDelivery, context: EnrichContext): Promise<WebhookDelivery>;
  /** Asks the system for what changed since a durable cursor, for systems that do not push. Optional. */
  poll?: Poller;
  /** The source's settings, handed to its mappings. */
  settings: unknown;
}

/** What one poll found. */
export interface PollResult {
  /** Changes found, oldest first; each goes through mapping like a webhook, deduplicated by its deliveryId. */
  deliveries: WebhookDelivery[];
  /** Where the next poll starts; stored in the same commit as the events of `deliveries`. */
  cursor: string;
  /** True when the system has more right away (poll again without waiting). */
  more: boolean;
}

/** Polling of a system that does not push (or whose webhooks are not subscribed). */
export interface Poller {
  /** Wait between two polls that found nothing more, in ms. */
  intervalMs: number;
  /** One poll from `cursor` (undefined on the first poll ever). */
  run(cursor: string | undefined, context: EnrichContext): Promise<PollResult>;
}
