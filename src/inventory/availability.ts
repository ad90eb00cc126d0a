import { InputError } from '../errors/index.ts';
import type { ConnectorLog } from '../ports/connector.ts';
import type { Store } from '../ports/store.ts';
import { createLogFollower } from '../delivery/log-follower.ts';
import { applyStockEvent, emptyStock, INVENTORY_EVENT_TYPES, viewOf, type ChannelRule, type StockState, type StockView } from './projection.ts';

// The availability view on its own: the projection kept by a log follower, answering checks from
// memory. It only reads the store, so any number of them can follow one log: the hub's inventory
// service is built on one (and folds its own reservations into it), and each availability reader
// thread keeps its own.

/** A check: some SKUs, at one location or across a channel's locations. */
export interface AvailabilityQuery {
  skus: readonly string[];
  locationId?: string | undefined;
  channel?: string | undefined;
}

/** The answer for one SKU: what may be promised, and the stock behind it per location. */
export interface SkuAvailability {
  sku: string;
  /** Units that may be promised: the sum over the locations asked about. */
  available: number;
  locations: StockView[];
}

/** The channel's rule; InputError unknown_channel when it is not configured, undefined when no channel is named. */
export function channelRule(channels: Readonly<Record<string, ChannelRule>>, channel: string | undefined): ChannelRule | undefined {
  if (channel === undefined) return undefined;
  const found = channels[channel];
  if (!found) throw new InputError('unknown_channel', `No channel "${channel}" is configured for inventory (channels: ${Object.keys(channels).join(', ') || 'none'}).`);
  return found;
}

/** Answers a check from the projection; InputError when the query names no place, or a location the channel does not sell from. */
export function checkAvailability(state: StockState, channels: Readonly<Record<string, ChannelRule>>, query: AvailabilityQuery): SkuAvailability[] {
  const rule = channelRule(channels, query.channel);
  if (query.locationId === undefined && rule === undefined) throw new InputError('malformed_request', 'Say where: a location, a channel, or both.');
  if (query.locationId !== undefined && rule !== undefined && !rule.locations.includes(query.locationId)) {
    throw new InputError('malformed_request', `Location ${query.locationId} does not serve channel ${query.channel}.`);
  }
  const locations = query.locationId !== undefined ? [query.locationId] : (rule?.locations ?? []);
  const applied = rule ?? { safetyStock: 0, includeInTransit: false };
  return query.skus.map((sku) => {
    const records = state.bySku.get(sku);
    const views = locations.map((locationId) => viewOf(records?.get(locationId), sku, locationId, applied));
    return { sku, available: views.reduce((sum, view) => sum + view.available, 0), locations: views };
  });
}

/** Options of an availability view. */
export interface AvailabilityViewOptions {
  /** Rules per channel (a storefront or marketplace, by its configured system name). */
  channels: Readonly<Record<string, ChannelRule>>;
  /** Systems whose counts are compared with Weft's stock rather than taken as it (drift detection). */
  observe?: readonly string[];
  /** How often the log is looked at when nothing wakes the view, in ms. */
  pollMs?: number;
  /** Events folded per read. */
  batchSize?: number;
}

/** Stock folded from the log, answering checks from memory. Never writes to the store. */
export interface AvailabilityView {
  /** Folds the log so far, then follows it. */
  start(): Promise<void>;
  /** Looks at the log now (an append happened). */
  wake(): void;
  stop(): Promise<void>;
  /** Folds everything in the log now. */
  drain(): Promise<void>;
  /** Where the log has been folded to. */
  position(): number;
  /** Availability of some SKUs; synchronous, from memory. */
  check(query: AvailabilityQuery): SkuAvailability[];
  /** The projection itself, for the inventory service that folds its own appends into it at once. */
  readonly state: StockState;
}

/** Creates a view over the store's log; call start() before checking. */
export function createAvailabilityView(deps: { store: Store; log: ConnectorLog }, options: AvailabilityViewOptions): AvailabilityView {
  const state: StockState = emptyStock(options.observe ?? []);
  const follower = createLogFollower(deps, {
    name: 'inventory',
    types: INVENTORY_EVENT_TYPES,
    apply: (event) => applyStockEvent(state, event),
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
  });
  return {
    start: follower.start,
    wake: follower.wake,
    stop: follower.stop,
    drain: follower.catchUp,
    position: follower.position,
    check: (query) => checkAvailability(state, options.channels, query),
    state,
  };
}
