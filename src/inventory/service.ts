import { inventoryKey } from '../domain/inventory/inventory-key.ts';
import { ConflictError, InputError, WeftError } from '../errors/index.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { ConnectorLog } from '../ports/connector.ts';
import type { NewEvent, Store, SubjectExpectation } from '../ports/store.ts';
import { channelRule, createAvailabilityView, type AvailabilityQuery, type SkuAvailability } from './availability.ts';
import { findDrift, type DriftFinding, type DriftOptions } from './drift.ts';
import { applyStockEvent, reservationKey, viewOf, type ChannelRule, type StockState } from './projection.ts';

// Availability answered from memory, kept by the log. The hub folds every inventory event of the log
// into the projection (at start, then as appends wake it), and answers checks without touching the
// store. A reservation is decided against memory and committed with an expectation on the version of
// every SKU × location it touches: if anything was appended to one of them meanwhile (a sale, another
// hub's reservation), nothing is written, the hub catches up and decides again. Within one hub,
// reservations touching the same keys take turns, so they do not even conflict: two channels racing
// for the last unit cannot both win.

/** The source of the events the inventory service appends. */
export const INVENTORY_SOURCE = 'urn:weft:inventory';

/** What the service needs. */
export interface InventoryDeps {
  store: Store;
  ids: IdGenerator;
  clock: Clock;
  log: ConnectorLog;
}

/** Options of the service. */
export interface InventoryOptions {
  /** Rules per channel (a storefront or marketplace, by its configured system name). */
  channels: Readonly<Record<string, ChannelRule>>;
  /** Systems whose counts are compared with Weft's stock rather than taken as it (drift detection). */
  observe?: readonly string[];
  /** How often the log is looked at when nothing wakes the service, in ms. */
  pollMs?: number;
  /** Events folded per read. */
  batchSize?: number;
}

export type { AvailabilityQuery, SkuAvailability };

/** One line to reserve. */
export interface ReserveLine {
  lineId: string;
  sku: string;
  quantity: number;
  /** Where the units must come from (a pick-up store); absent: the channel's locations, in their order. */
  locationId?: string | undefined;
}

/** A reservation request for an order. */
export interface ReserveRequest {
  orderId: string;
  lines: readonly ReserveLine[];
  /** The channel whose locations and rules apply to lines without a location. */
  channel?: string | undefined;
  /** Reserve what there is and report the rest (backorder), instead of all or nothing. */
  partial?: boolean;
}

/** What was reserved where for one line. */
export interface LineReservation {
  lineId: string;
  sku: string;
  locationId: string;
  quantity: number;
}

/** A line that could not be reserved in full. */
export interface Shortfall {
  lineId: string;
  sku: string;
  requested: number;
  /** Units that could be reserved for it (0 unless `partial`). */
  reserved: number;
}

/** What a reservation did: reserved (now or already before), or short (nothing reserved unless partial). */
export type ReserveOutcome =
  | { status: 'reserved'; existing: boolean; reservations: LineReservation[] }
  | { status: 'short'; reservations: LineReservation[]; shortfall: Shortfall[] };

/** The inventory service. */
export interface Inventory {
  /** Folds the log so far, then follows it. */
  start(): Promise<void>;
  /** Looks at the log now (an append happened). */
  wake(): void;
  stop(): Promise<void>;
  /** Folds everything in the log now (tests, benchmarks). */
  drain(): Promise<void>;
  /** Availability of some SKUs; synchronous, from memory. */
  check(query: AvailabilityQuery): SkuAvailability[];
  /** Reserves an order's lines; an order that holds reservations already gets them back (idempotent). */
  reserve(request: ReserveRequest): Promise<ReserveOutcome>;
  /** Releases an order's reservations (of some lines, or all); returns what was released. */
  release(orderId: string, options?: { lineIds?: readonly string[] }): Promise<LineReservation[]>;
  /** The reservations an order holds. */
  reservationsOf(orderId: string): LineReservation[];
  /** Where the log has been folded to. */
  position(): number;
  /** The channels configured. */
  channels(): readonly string[];
  /** Where Weft's stock and the observed systems' counts disagree now, and reservations never released. */
  drift(options: DriftOptions): DriftFinding[];
  /** Sets Weft's on hand at a SKU × location (a count from `why`); false when the stock moved meanwhile and nothing was written. */
  setOnHand(sku: string, locationId: string, expected: number, onHand: number, why: string): Promise<boolean>;
}

const MAX_ATTEMPTS = 20;

/** Creates the service; call start() before checking. */
export function createInventory(deps: InventoryDeps, options: InventoryOptions): Inventory {
  const { store, ids, clock, log } = deps;
  // The view answers checks; reservations are decided against its state and folded into it at once.
  const view = createAvailabilityView({ store, log }, options);
  const state: StockState = view.state;
  const locks = new Map<string, Promise<void>>();
  const catchUp = view.drain;

  /** Runs `fn` after every earlier holder of any of `keys` is done (registration is synchronous, so waits never cycle). */
  async function withLocks<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const earlier = [...new Set(keys)].map((key) => locks.get(key)).filter((held): held is Promise<void> => held !== undefined);
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    for (const key of keys) locks.set(key, mine);
    try {
      await Promise.all(earlier);
      return await fn();
    } finally {
      done();
      for (const key of keys) if (locks.get(key) === mine) locks.delete(key);
    }
  }

  const rule = (channel: string | undefined): ChannelRule | undefined => channelRule(options.channels, channel);

  function reservationsOf(orderId: string): LineReservation[] {
    const out: LineReservation[] = [];
    for (const key of state.byOrder.get(orderId) ?? []) {
      const record = state.records.get(key);
      if (!record) continue;
      for (const [reservation, quantity] of record.reservations) {
        if (!reservation.startsWith(`${orderId}/`)) continue;
        out.push({ lineId: reservation.slice(orderId.length + 1), sku: record.sku, locationId: record.locationId, quantity });
      }
    }
    return out;
  }

  /** Free units at a key for a rule, less what this decision took already. */
  function free(sku: string, locationId: string, channelRule: ChannelRule | undefined, taken: Map<string, number>): number {
    const key = inventoryKey(sku, locationId);
    const view = viewOf(state.records.get(key), sku, locationId, channelRule ?? { safetyStock: 0, includeInTransit: false });
    return view.available - (taken.get(key) ?? 0);
  }

  /** Decides where each line's units come from: one location for all lines if one can, else each line whole from the first that can, else split. */
  function allocate(request: ReserveRequest, channelRule: ChannelRule | undefined): { reservations: LineReservation[]; shortfall: Shortfall[] } {
    const taken = new Map<string, number>();
    const reservations: LineReservation[] = [];
    const shortfall: Shortfall[] = [];
    const take = (line: ReserveLine, locationId: string, quantity: number): void => {
      const key = inventoryKey(line.sku, locationId);
      taken.set(key, (taken.get(key) ?? 0) + quantity);
      const same = reservations.find((r) => r.lineId === line.lineId && r.locationId === locationId);
      if (same) same.quantity += quantity;
      else reservations.push({ lineId: line.lineId, sku: line.sku, locationId, quantity });
    };
    const fixed = request.lines.filter((line) => line.locationId !== undefined);
    const open = request.lines.filter((line) => line.locationId === undefined);
    for (const line of fixed) {
      const can = Math.max(0, Math.min(line.quantity, free(line.sku, line.locationId as string, channelRule, taken)));
      if (can > 0 && (can === line.quantity || request.partial)) take(line, line.locationId as string, can);
      if (can < line.quantity) shortfall.push({ lineId: line.lineId, sku: line.sku, requested: line.quantity, reserved: request.partial ? can : 0 });
    }
    const locations = channelRule?.locations ?? [];
    if (open.length > 0 && locations.length === 0) throw new InputError('malformed_request', 'Lines without a location need a channel whose locations they may come from.');
    // One location for every open line: one parcel.
    const whole = locations.find((locationId) => {
      const trial = new Map(taken);
      return open.every((line) => {
        const ok = free(line.sku, locationId, channelRule, trial) >= line.quantity;
        if (ok) trial.set(inventoryKey(line.sku, locationId), (trial.get(inventoryKey(line.sku, locationId)) ?? 0) + line.quantity);
        return ok;
      });
    });
    for (const line of open) {
      if (whole !== undefined) {
        take(line, whole, line.quantity);
        continue;
      }
      const single = locations.find((locationId) => free(line.sku, locationId, channelRule, taken) >= line.quantity);
      if (single !== undefined) {
        take(line, single, line.quantity);
        continue;
      }
      let left = line.quantity;
      const parts: [string, number][] = [];
      for (const locationId of locations) {
        const can = Math.min(left, free(line.sku, locationId, channelRule, taken));
        if (can > 0) {
          parts.push([locationId, can]);
          left -= can;
        }
        if (left === 0) break;
      }
      if (left === 0 || request.partial) for (const [locationId, quantity] of parts) take(line, locationId, quantity);
      if (left > 0) shortfall.push({ lineId: line.lineId, sku: line.sku, requested: line.quantity, reserved: request.partial ? line.quantity - left : 0 });
    }
    // All or nothing unless partial.
    if (shortfall.length > 0 && !request.partial) return { reservations: [], shortfall };
    return { reservations, shortfall };
  }

  /** Commits reserved or released movements with the order's event; false when a key moved meanwhile. */
  async function commitMovements(kind: 'reservation' | 'release', orderId: string, lines: readonly LineReservation[], orderEvent: NewEvent | undefined, orderVersion?: number): Promise<boolean> {
    const at = new Date(clock.now()).toISOString();
    // With the order's version expected too, two hubs cannot both reserve one order (each at other keys).
    const expect: SubjectExpectation[] = orderVersion === undefined ? [] : [{ subject: orderId, version: orderVersion }];
    const events: NewEvent[] = [];
    for (const line of lines) {
      const key = inventoryKey(line.sku, line.locationId);
      if (!expect.some((e) => e.subject === key)) expect.push({ subject: key, version: state.records.get(key)?.version ?? 0 });
      events.push({
        id: ids.next('event'),
        source: INVENTORY_SOURCE,
        type: kind === 'reservation' ? 'weft.inventory.reserved.v1' : 'weft.inventory.reservation_released.v1',
        subject: key,
        time: at,
        data: {
          id: ids.next('inventoryMovement'),
          sku: line.sku,
          locationId: line.locationId,
          kind,
          quantityDelta: kind === 'reservation' ? line.quantity : -line.quantity,
          reference: { kind: 'order', id: orderId, lineId: line.lineId },
          occurredAt: at,
          externalRefs: [],
        },
      });
    }
    if (orderEvent) events.push(orderEvent);
    const result = await store.commit({ expect, events });
    if (result.status === 'version_conflict') return false;
    if (result.status !== 'committed') throw new WeftError('internal', `inventory: ${kind} of ${orderId} not committed: ${result.status}`);
    // Read your writes: fold what was just appended now, not when the log is next read.
    result.events.forEach((appended, index) => {
      const event = events[index] as NewEvent;
      applyStockEvent(state, { type: event.type, subject: event.subject, sequence: appended.sequence, data: event.data });
    });
    return true;
  }

  return {
    start: view.start,
    wake: view.wake,
    stop: view.stop,
    drain: catchUp,
    position: view.position,
    channels: () => Object.keys(options.channels),
    drift: (driftOptions) => findDrift(state, clock.now(), driftOptions),
    async setOnHand(sku, locationId, expected, onHand, why) {
      const key = inventoryKey(sku, locationId);
      return withLocks([key], async () => {
        await catchUp();
        const record = state.records.get(key);
        // Only the correction of what was found: if the stock moved since, the finding is stale.
        if ((record?.onHand ?? 0) !== expected) return false;
        const at = new Date(clock.now()).toISOString();
        const data = { id: ids.next('inventoryMovement'), sku, locationId, kind: 'count', quantityDelta: onHand - expected, countedQuantity: onHand, reason: 'drift_correction', note: why.slice(0, 1000), occurredAt: at, externalRefs: [] };
        const event: NewEvent = { id: ids.next('event'), source: INVENTORY_SOURCE, type: 'weft.inventory.counted.v1', subject: key, time: at, data };
        const result = await store.commit({ expect: [{ subject: key, version: record?.version ?? 0 }], events: [event] });
        if (result.status === 'version_conflict') return false;
        if (result.status !== 'committed') throw new WeftError('internal', `inventory: the correction of ${key} was not committed: ${result.status}`);
        applyStockEvent(state, { type: event.type, subject: key, sequence: result.events[0]?.sequence ?? 0, data, source: INVENTORY_SOURCE });
        return true;
      });
    },
    reservationsOf,
    check: view.check,
    async reserve(request) {
      const channelRule = rule(request.channel);
      for (const line of request.lines) {
        if (!Number.isInteger(line.quantity) || line.quantity < 1) throw new InputError('schema_violation', `Line ${line.lineId}: quantity must be a whole number from 1.`);
      }
      const candidates = request.lines.flatMap((line) => (line.locationId !== undefined ? [line.locationId] : (channelRule?.locations ?? [])).map((locationId) => inventoryKey(line.sku, locationId)));
      return withLocks([`order:${request.orderId}`, ...candidates], async () => {
        for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
          // The order's version first, then everything up to it: what another hub reserved for the order is seen.
          const orderVersion = await store.subjectVersion(request.orderId);
          await catchUp();
          const existing = reservationsOf(request.orderId);
          if (existing.length > 0) return { status: 'reserved', existing: true, reservations: existing };
          const decision = allocate(request, channelRule);
          if (decision.reservations.length === 0) return { status: 'short', reservations: [], shortfall: decision.shortfall };
          const at = new Date(clock.now()).toISOString();
          const orderEvent: NewEvent = { id: ids.next('event'), source: INVENTORY_SOURCE, type: 'weft.order.reserved.v1', subject: request.orderId, time: at, data: { orderId: request.orderId, reservations: decision.reservations, occurredAt: at } };
          if (await commitMovements('reservation', request.orderId, decision.reservations, orderEvent, orderVersion)) {
            return decision.shortfall.length === 0 ? { status: 'reserved', existing: false, reservations: decision.reservations } : { status: 'short', reservations: decision.reservations, shortfall: decision.shortfall };
          }
        }
        throw new ConflictError('version_conflict', `Stock for order ${request.orderId} kept changing while reserving; try again.`);
      });
    },
    async release(orderId, releaseOptions = {}) {
      // What another hub reserved for the order must be seen to be released.
      await catchUp();
      const keys = [...(state.byOrder.get(orderId) ?? [])];
      return withLocks([`order:${orderId}`, ...keys], async () => {
        for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
          const held = reservationsOf(orderId).filter((line) => releaseOptions.lineIds === undefined || releaseOptions.lineIds.includes(line.lineId));
          if (held.length === 0) return [];
          if (await commitMovements('release', orderId, held, undefined)) return held;
          await catchUp();
        }
        throw new ConflictError('version_conflict', `Stock for order ${orderId} kept changing while releasing; try again.`);
      });
    },
  };
}

export { reservationKey };
