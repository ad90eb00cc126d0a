import { inventoryKey } from '../domain/inventory/inventory-key.ts';
import type { InventoryMovement } from '../domain/inventory/inventory-movement.schema.ts';
import type { InventoryPosition } from '../domain/inventory/inventory-position.schema.ts';

// The stock of every SKU at every location, folded from inventory events. Pure: the same events in
// the same order per SKU × location give the same stock, whatever the order across keys, because what
// an event does to another key (a transfer's units in transit to its destination) is a sum, and sums
// commute. Sets (counts, positions a system reports) only touch their own key, which the log orders.
// Reservations are Weft's own: a system's reported `reserved` is not taken, Weft's reservations are.
// Systems named as observed (inventory.drift.observe) do not set stock: their counts are kept beside
// Weft's as observations, which drift detection compares (drift.ts).

/** The event types the projection folds. */
export const INVENTORY_EVENT_TYPES = [
  'weft.inventory.received.v1',
  'weft.inventory.sold.v1',
  'weft.inventory.adjusted.v1',
  'weft.inventory.counted.v1',
  'weft.inventory.reserved.v1',
  'weft.inventory.reservation_released.v1',
  'weft.inventory.transfer_shipped.v1',
  'weft.inventory.transfer_received.v1',
  'weft.inventory.position_reported.v1',
] as const;

/** The stock of one SKU at one location. */
export interface StockRecord {
  sku: string;
  locationId: string;
  /** Units at the location; negative when sales were booked before the receipt that covers them. */
  onHand: number;
  /** Units on transfers to this location that have left their origin and not arrived. */
  transfersInTransit: number;
  /** What the system of record last reported as in transit here (it may know transfers Weft does not). */
  reportedInTransit: number;
  /** The system of record's own safety stock, from its last position report. */
  reportedSafetyStock: number;
  /** Units Weft reserved and not yet released or sold. */
  reserved: number;
  /** Open reservations by `orderId/lineId` (lineId empty when the reservation is for the whole order): units. */
  reservations: Map<string, number>;
  /** When each open reservation was made. */
  reservedAt: Map<string, string>;
  /** The last count each observed system reported here, with the units Weft booked as sold here since. */
  observations: Map<string, { onHand: number; asOf: string; salesSince: number }>;
  /** Events of this key's subject folded so far (its sequence in the log). */
  version: number;
  /** When the stock last changed (the event's occurredAt or asOf). */
  updatedAt: string;
}

/** An event as the projection needs it. */
export interface StockEvent {
  type: string;
  subject: string;
  /** The event's sequence within its subject. */
  sequence: number;
  data: unknown;
  /** The event's source (`urn:weft:source:<system>` for what a system reported). */
  source?: string;
}

/** The whole projection: records by `sku@location`, with an index of reservations by order. */
export interface StockState {
  records: Map<string, StockRecord>;
  /** The same records by SKU, then location: a check reads these without building a key string. */
  bySku: Map<string, Map<string, StockRecord>>;
  /** Keys holding reservations of each order. */
  byOrder: Map<string, Set<string>>;
  /** Systems whose counts are observations, not stock (by configured name). */
  observed: ReadonlySet<string>;
}

/** An empty projection; counts from `observed` systems are kept as observations, not taken as stock. */
export function emptyStock(observed: readonly string[] = []): StockState {
  return { records: new Map(), bySku: new Map(), byOrder: new Map(), observed: new Set(observed) };
}

/** The configured system an event came from, when a system's connector reported it. */
function systemOf(source: string | undefined): string | undefined {
  return source?.startsWith('urn:weft:source:') ? source.slice('urn:weft:source:'.length) : undefined;
}

/** The record of a key, created empty when it is new. */
export function recordOf(state: StockState, sku: string, locationId: string): StockRecord {
  const key = inventoryKey(sku, locationId);
  let record = state.records.get(key);
  if (!record) {
    record = { sku, locationId, onHand: 0, transfersInTransit: 0, reportedInTransit: 0, reportedSafetyStock: 0, reserved: 0, reservations: new Map(), reservedAt: new Map(), observations: new Map(), version: 0, updatedAt: '' };
    state.records.set(key, record);
    let locations = state.bySku.get(sku);
    if (!locations) state.bySku.set(sku, (locations = new Map()));
    locations.set(locationId, record);
  }
  return record;
}

/** The reservation key of an order line. */
export function reservationKey(orderId: string, lineId: string | undefined): string {
  return `${orderId}/${lineId ?? ''}`;
}

function orderOfReservation(reservation: string): string {
  return reservation.slice(0, reservation.indexOf('/'));
}

function changeReservation(state: StockState, record: StockRecord, reservation: string, delta: number, at?: string): void {
  const held = (record.reservations.get(reservation) ?? 0) + delta;
  if (held > 0 && at !== undefined && !record.reservedAt.has(reservation)) record.reservedAt.set(reservation, at);
  if (held <= 0) record.reservedAt.delete(reservation);
  const key = inventoryKey(record.sku, record.locationId);
  const orderId = orderOfReservation(reservation);
  record.reserved += delta;
  if (held > 0) {
    record.reservations.set(reservation, held);
    let keys = state.byOrder.get(orderId);
    if (!keys) state.byOrder.set(orderId, (keys = new Set()));
    keys.add(key);
    return;
  }
  record.reservations.delete(reservation);
  if (![...record.reservations.keys()].some((other) => orderOfReservation(other) === orderId)) {
    const keys = state.byOrder.get(orderId);
    keys?.delete(key);
    if (keys?.size === 0) state.byOrder.delete(orderId);
  }
}

/** Takes up to `units` off the reservations of an order at a record (of one line, or of any line in order); returns what it took. */
function consumeReservations(state: StockState, record: StockRecord, orderId: string, lineId: string | undefined, units: number): number {
  let left = units;
  const candidates = lineId !== undefined ? [reservationKey(orderId, lineId)] : [...record.reservations.keys()].filter((reservation) => orderOfReservation(reservation) === orderId);
  for (const reservation of candidates) {
    if (left <= 0) break;
    const held = record.reservations.get(reservation) ?? 0;
    const take = Math.min(held, left);
    if (take > 0) changeReservation(state, record, reservation, -take);
    left -= take;
  }
  return units - left;
}

/**
 * Folds one event into the state; returns false (and changes nothing) when the event's key has folded
 * it already (its sequence is not past the key's version) or it is not an inventory event.
 */
export function applyStockEvent(state: StockState, event: StockEvent): boolean {
  if (!(INVENTORY_EVENT_TYPES as readonly string[]).includes(event.type)) return false;
  const observer = systemOf(event.source);
  const observes = observer !== undefined && state.observed.has(observer);
  if (event.type === 'weft.inventory.position_reported.v1') {
    const position = event.data as InventoryPosition;
    const record = recordOf(state, position.sku, position.locationId);
    if (event.sequence <= record.version) return false;
    record.version = event.sequence;
    if (observes) {
      record.observations.set(observer, { onHand: position.onHand, asOf: position.asOf, salesSince: 0 });
      return true;
    }
    record.onHand = position.onHand;
    record.reportedInTransit = position.inTransit;
    record.reportedSafetyStock = position.safetyStock;
    record.updatedAt = position.asOf;
    return true;
  }
  const movement = event.data as InventoryMovement;
  const record = recordOf(state, movement.sku, movement.locationId);
  if (event.sequence <= record.version) return false;
  record.version = event.sequence;
  if (observes && movement.kind === 'count') {
    record.observations.set(observer, { onHand: movement.countedQuantity ?? record.onHand + movement.quantityDelta, asOf: movement.occurredAt, salesSince: 0 });
    return true;
  }
  record.updatedAt = movement.occurredAt;
  const reference = movement.reference;
  switch (movement.kind) {
    case 'reservation':
      if (reference?.kind === 'order') changeReservation(state, record, reservationKey(reference.id, reference.lineId), movement.quantityDelta, movement.occurredAt);
      break;
    case 'release':
      // Never below zero: the release of something a sale already consumed releases what is left.
      if (reference?.kind === 'order') consumeReservations(state, record, reference.id, reference.lineId, -movement.quantityDelta);
      break;
    case 'count':
      record.onHand = movement.countedQuantity ?? record.onHand + movement.quantityDelta;
      break;
    case 'transfer_out':
      record.onHand += movement.quantityDelta;
      if (movement.counterpartLocationId !== undefined) recordOf(state, movement.sku, movement.counterpartLocationId).transfersInTransit -= movement.quantityDelta;
      break;
    case 'transfer_in':
      record.onHand += movement.quantityDelta;
      record.transfersInTransit -= movement.quantityDelta;
      break;
    case 'sale':
      record.onHand += movement.quantityDelta;
      // What each observed system has not counted yet, if it has not booked the sale.
      for (const observation of record.observations.values()) observation.salesSince -= movement.quantityDelta;
      // A sale of a reserved order line takes its units out of the reservation, not again out of what is free.
      if (reference?.kind === 'order') consumeReservations(state, record, reference.id, reference.lineId, -movement.quantityDelta);
      break;
    default:
      record.onHand += movement.quantityDelta;
  }
  return true;
}

/** How a channel sees stock: which locations serve it, what it holds back, whether stock in transit counts. */
export interface ChannelRule {
  /** Locations whose stock the channel may sell, in the order orders are fulfilled from them. */
  locations: readonly string[];
  /** Units held back at every location from this channel (the larger of this and the system's own). */
  safetyStock: number;
  /** Whether units on their way to a location count as available there. */
  includeInTransit: boolean;
}

/** The stock of one SKU at one location, with what a channel may promise of it. */
export interface StockView {
  sku: string;
  locationId: string;
  onHand: number;
  reserved: number;
  inTransit: number;
  safetyStock: number;
  available: number;
  updatedAt: string | undefined;
}

/** A record (or an empty one) as a channel sees it. */
export function viewOf(record: StockRecord | undefined, sku: string, locationId: string, rule: Pick<ChannelRule, 'safetyStock' | 'includeInTransit'>): StockView {
  if (!record) return { sku, locationId, onHand: 0, reserved: 0, inTransit: 0, safetyStock: rule.safetyStock, available: 0, updatedAt: undefined };
  const inTransit = Math.max(record.transfersInTransit, record.reportedInTransit, 0);
  const safetyStock = Math.max(record.reportedSafetyStock, rule.safetyStock);
  const free = record.onHand - record.reserved - safetyStock + (rule.includeInTransit ? inTransit : 0);
  return { sku, locationId, onHand: record.onHand, reserved: record.reserved, inTransit, safetyStock, available: free > 0 ? free : 0, updatedAt: record.updatedAt || undefined };
}
