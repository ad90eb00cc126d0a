import assert from 'node:assert/strict';
import { validateEventData } from '../domain/events/validate.ts';
import { inventoryKey } from '../domain/inventory/inventory-key.ts';
import type { InventoryMovement, MovementKind, MovementReference } from '../domain/inventory/inventory-movement.schema.ts';
import type { InventoryPosition } from '../domain/inventory/inventory-position.schema.ts';
import { ConflictError } from '../errors/index.ts';
import { createIdGenerator, type Clock, type IdGenerator } from '../ports/clock.ts';
import type { NewEvent, Store, StoredEvent } from '../ports/store.ts';
import { applyStockEvent, emptyStock, viewOf, type ChannelRule } from './projection.ts';
import { createInventory, type Inventory, type LineReservation, type ReserveOutcome, type ReserveRequest } from './service.ts';
import { seededRandom } from '../domain/shared/random.ts';

// Test support for the inventory service, shared by the SQLite and PostgreSQL tests: builders of
// valid inventory events, and a reservation storm run by two hubs on one store. The storm's verdict
// comes from the log, read back after the fact: the log is what every hub agrees on, so a race that
// let two hubs promise the same unit shows up there whatever either hub's memory says.

/** The event type each movement kind is booked with. */
export const movementEventType: Readonly<Record<MovementKind, string>> = {
  receipt: 'weft.inventory.received.v1',
  return: 'weft.inventory.received.v1',
  sale: 'weft.inventory.sold.v1',
  adjustment: 'weft.inventory.adjusted.v1',
  damage: 'weft.inventory.adjusted.v1',
  count: 'weft.inventory.counted.v1',
  reservation: 'weft.inventory.reserved.v1',
  release: 'weft.inventory.reservation_released.v1',
  transfer_out: 'weft.inventory.transfer_shipped.v1',
  transfer_in: 'weft.inventory.transfer_received.v1',
};

/** What a test says about a movement; the builder fills in its id, time and external refs. */
export interface MovementInput {
  sku: string;
  locationId: string;
  kind: MovementKind;
  quantityDelta: number;
  countedQuantity?: number;
  counterpartLocationId?: string;
  reference?: MovementReference;
  occurredAt?: string;
}

const defaultTime = '2026-11-23T12:00:00.000Z';

/** The data of a movement event. */
export function movementData(ids: IdGenerator, input: MovementInput): InventoryMovement {
  const { occurredAt, ...rest } = input;
  return { id: ids.next('inventoryMovement'), ...rest, occurredAt: occurredAt ?? defaultTime, externalRefs: [] };
}

/** The data of a position report; `available` follows from the rest, as the rules require. */
export function positionData(input: Omit<InventoryPosition, 'available' | 'asOf'> & { asOf?: string }): InventoryPosition {
  const free = input.onHand - input.reserved - input.safetyStock;
  return { ...input, available: free > 0 ? free : 0, asOf: input.asOf ?? defaultTime };
}

/** Throws unless the catalogue accepts the event: tests feed the code only what ingest would let in. */
export function assertValidEvent(type: string, subject: string, data: unknown): void {
  const verdict = validateEventData(type, subject, data);
  if (!verdict.ok) assert.fail(`invalid ${type} for ${subject}: ${JSON.stringify(verdict.problems)} in ${JSON.stringify(data)}`);
}

/** A movement as an event a system (the WMS, the POS) appends; validated. */
export function movementEvent(ids: IdGenerator, input: MovementInput, source = '/test/wms'): NewEvent {
  const data = movementData(ids, input);
  const type = movementEventType[input.kind];
  const subject = inventoryKey(input.sku, input.locationId);
  assertValidEvent(type, subject, data);
  return { id: ids.next('event'), source, type, subject, time: data.occurredAt, data };
}

/** A position report as an event; validated. */
export function positionEvent(ids: IdGenerator, position: InventoryPosition, source = '/test/wms'): NewEvent {
  const type = 'weft.inventory.position_reported.v1';
  const subject = inventoryKey(position.sku, position.locationId);
  assertValidEvent(type, subject, position);
  return { id: ids.next('event'), source, type, subject, time: position.asOf, data: position };
}

/** Every event of the log, in log order. */
export async function readWholeLog(store: Store): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after: out.at(-1)?.position ?? 0, limit: 1000 });
    out.push(...page);
    if (page.length < 1000) return out;
  }
}


/** Options of the storm. */
export interface StormOptions {
  /** Seed of the orders, their hubs and their releases (default: from the clock; reported on failure). */
  seed?: number;
  /** Orders fired at once (default 200). */
  orders?: number;
}

/** What the storm did, for the test to show and sanity-check. */
export interface StormReport {
  seed: number;
  orders: number;
  /** Orders reserved in full. */
  reserved: number;
  /** Partial orders that got some of their units. */
  partial: number;
  /** Orders that got nothing. */
  short: number;
  /** Orders whose reserve gave up with a version_conflict after its retries. */
  gaveUp: number;
  /** Short orders tried again on the other hub. */
  retried: number;
  /** Orders released during the storm. */
  releasedDuringStorm: number;
  /** Commits the store refused for a version conflict: proof the hubs did race. */
  versionConflicts: number;
  /** Units the channel could promise before the storm, summed over the keys. */
  unitsAvailable: number;
  ms: number;
}

const SKUS = ['STORM-A', 'STORM-B', 'STORM-C'] as const;
const CHANNEL = 'web';
const CHANNEL_SAFETY = 1;

/** A store whose refused commits are counted. */
function countingConflicts(store: Store, counter: { conflicts: number }): Store {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'commit') {
        return async (...args: Parameters<Store['commit']>) => {
          const result = await target.commit(...args);
          if (result.status === 'version_conflict') counter.conflicts++;
          return result;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function lineKey(orderId: string, line: LineReservation): string {
  return `${orderId}|${line.lineId}|${inventoryKey(line.sku, line.locationId)}`;
}

function addTo(map: Map<string, number>, key: string, delta: number): void {
  const next = (map.get(key) ?? 0) + delta;
  if (next === 0) map.delete(key);
  else map.set(key, next);
}

function sorted(lines: readonly LineReservation[]): LineReservation[] {
  return [...lines].sort((a, b) => lineKey('', a).localeCompare(lineKey('', b)));
}

/**
 * Two hubs, one on each store (two connections to the same database), take `orders` reservations
 * fired at once for 30 units of three SKUs at two locations, with some orders released as soon as
 * they are reserved. Asserts from the log that no unit was promised twice, at any point, and that
 * both hubs' memory, the log and the answers the callers got agree; then releases everything and
 * asserts the stock is back where it started. The stores must be empty.
 */
export async function runReservationStorm(stores: readonly [Store, Store], options: StormOptions = {}): Promise<StormReport> {
  const seed = options.seed ?? (Date.now() % 2 ** 31);
  const say = (message: string): string => `${message} (storm seed ${seed})`;
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const started = performance.now();
  const clock: Clock = { now: () => Date.parse(defaultTime) };
  const ids = createIdGenerator(clock);
  assert.equal(await stores[0].lastPosition(), 0, 'the storm needs an empty store');

  // 30 units: capacity per key is on hand less the larger of the channel's and the WMS's safety stock.
  const [l1, l2] = [ids.next('location'), ids.next('location')];
  const locations = [l1, l2];
  const receipts: [string, string, number][] = [
    ['STORM-A', l1, 6], ['STORM-A', l2, 4],
    ['STORM-B', l1, 5], ['STORM-B', l2, 5],
    ['STORM-C', l1, 3], ['STORM-C', l2, 4],
  ];
  const seedEvents = receipts.map(([sku, locationId, units]) => movementEvent(ids, { sku, locationId, kind: 'receipt', quantityDelta: units }));
  // The WMS reports 7 on hand at C@l2 with a safety stock of its own, larger than the channel's.
  seedEvents.push(positionEvent(ids, positionData({ sku: 'STORM-C', locationId: l2, onHand: 7, reserved: 0, inTransit: 0, safetyStock: 2 })));
  const onHand = new Map<string, number>(receipts.map(([sku, locationId, units]) => [inventoryKey(sku, locationId), units]));
  onHand.set(inventoryKey('STORM-C', l2), 7);
  const safety = (key: string): number => (key === inventoryKey('STORM-C', l2) ? 2 : CHANNEL_SAFETY);
  assert.equal([...onHand.values()].reduce((a, b) => a + b, 0), 30);
  const committed = await stores[0].commit({ events: seedEvents });
  assert.equal(committed.status, 'committed');

  const counter = { conflicts: 0 };
  const errors: unknown[] = [];
  const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (fields: object) => void errors.push(fields) };
  const rule: ChannelRule = { locations, safetyStock: CHANNEL_SAFETY, includeInTransit: false };
  const hubs: [Inventory, Inventory] = [
    createInventory({ store: countingConflicts(stores[0], counter), ids: createIdGenerator(clock), clock, log }, { channels: { [CHANNEL]: rule }, pollMs: 10 }),
    createInventory({ store: countingConflicts(stores[1], counter), ids: createIdGenerator(clock), clock, log }, { channels: { [CHANNEL]: rule }, pollMs: 10 }),
  ];
  await Promise.all(hubs.map((hub) => hub.start()));
  try {
    const snapshot = (hub: Inventory) =>
      hub.check({ skus: SKUS, channel: CHANNEL }).flatMap((answer) => answer.locations.map((view) => ({ key: inventoryKey(view.sku, view.locationId), onHand: view.onHand, reserved: view.reserved, safetyStock: view.safetyStock, available: view.available })));
    const before = snapshot(hubs[0]);
    assert.deepEqual(snapshot(hubs[1]), before);
    for (const view of before) assert.equal(view.available, (onHand.get(view.key) ?? 0) - safety(view.key), `start: ${view.key}`);
    const unitsAvailable = before.reduce((sum, view) => sum + view.available, 0);

    // The orders: 1–3 units each, on one or two SKUs, some for a pick-up location, some partial.
    const requests: ReserveRequest[] = Array.from({ length: options.orders ?? 200 }, () => {
      const skus = random() < 0.6 ? [pick(SKUS)] : [...SKUS].sort(() => random() - 0.5).slice(0, 2);
      const quantities = skus.length === 1 ? [1 + Math.floor(random() * 3)] : [1, 1 + Math.floor(random() * 2)];
      const lines = skus.map((sku, i) => ({ lineId: ids.next('orderLine'), sku, quantity: quantities[i] as number, ...(random() < 0.15 ? { locationId: pick(locations) } : {}) }));
      return { orderId: ids.next('order'), lines, channel: CHANNEL, ...(random() < 0.2 ? { partial: true } : {}) };
    });
    // Some reserved orders are released a moment later (cancelled); some short ones try again a
    // moment later on the other hub (the shopper retries), so released units are raced for too.
    const plans = requests.map((request, i) => ({
      request,
      hub: hubs[i % 2] as Inventory,
      other: hubs[(i + 1) % 2] as Inventory,
      releaseAfterMs: random() < 0.3 ? Math.floor(random() * 15) : undefined,
      retryAfterMs: random() < 0.5 ? Math.floor(random() * 30) : undefined,
    }));

    // Fired at once; the callers' view of what happened.
    const outcomes = new Map<string, ReserveOutcome>();
    const releasedInStorm = new Map<string, LineReservation[]>();
    const gaveUp = new Set<string>();
    let retried = 0;
    await Promise.all(plans.map(async ({ request, hub, other, releaseAfterMs, retryAfterMs }) => {
      let outcome: ReserveOutcome;
      // The hub that reserved releases: the other may not have folded the reservation yet.
      let reservedBy = hub;
      try {
        outcome = await hub.reserve(request);
        if (outcome.reservations.length === 0 && retryAfterMs !== undefined) {
          retried++;
          await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
          reservedBy = other;
          outcome = await other.reserve(request);
        }
      } catch (error) {
        if (error instanceof ConflictError && error.code === 'version_conflict') {
          gaveUp.add(request.orderId);
          return;
        }
        throw error;
      }
      outcomes.set(request.orderId, outcome);
      if (releaseAfterMs !== undefined && outcome.reservations.length > 0) {
        await new Promise((resolve) => setTimeout(resolve, releaseAfterMs));
        releasedInStorm.set(request.orderId, await reservedBy.release(request.orderId));
      }
    }));
    await Promise.all(hubs.map((hub) => hub.drain()));

    // Every event the hubs wrote is one the catalogue accepts.
    const events = await readWholeLog(stores[1]);
    for (const event of events) assertValidEvent(event.type, event.subject, event.data);

    // What the callers were told, per order line and key, net of their releases.
    const told = new Map<string, number>();
    let reserved = 0, partial = 0, short = 0;
    for (const { request } of plans) {
      const outcome = outcomes.get(request.orderId);
      if (!outcome) continue;
      if (outcome.status === 'reserved') {
        reserved++;
        assert.equal(outcome.existing, false, say(`${request.orderId} was reserved once only`));
        const asked = request.lines.map((line) => [line.lineId, line.quantity]);
        const got = request.lines.map((line) => [line.lineId, outcome.reservations.filter((r) => r.lineId === line.lineId).reduce((sum, r) => sum + r.quantity, 0)]);
        assert.deepEqual(got, asked, say(`${request.orderId}: reserved means every unit`));
      } else if (outcome.reservations.length > 0) {
        partial++;
        assert.equal(request.partial, true, say(`${request.orderId}: only partial orders reserve part`));
      } else short++;
      for (const line of outcome.reservations) {
        const asked = request.lines.find((l) => l.lineId === line.lineId);
        assert.ok(asked && asked.sku === line.sku && (asked.locationId === undefined || asked.locationId === line.locationId) && locations.includes(line.locationId), say(`${request.orderId}: reservation ${JSON.stringify(line)} fits its line`));
        addTo(told, lineKey(request.orderId, line), line.quantity);
      }
      const released = releasedInStorm.get(request.orderId);
      if (released) {
        assert.deepEqual(sorted(released), sorted(outcome.reservations), say(`${request.orderId}: release gave back what was reserved`));
        for (const line of released) addTo(told, lineKey(request.orderId, line), -line.quantity);
      }
    }

    // The log, folded: net reservations per order line and key, one order event per reserved order,
    // and — event by event, in commit order — never more reserved at a key than it may promise.
    const inLog = new Map<string, number>();
    const orderEvents = new Map<string, number>();
    const replay = emptyStock();
    for (const event of events) {
      if (event.type === 'weft.order.reserved.v1') {
        const orderId = (event.data as { orderId: string }).orderId;
        orderEvents.set(orderId, (orderEvents.get(orderId) ?? 0) + 1);
        continue;
      }
      applyStockEvent(replay, event);
      if (event.type !== 'weft.inventory.reserved.v1' && event.type !== 'weft.inventory.reservation_released.v1') continue;
      const movement = event.data as InventoryMovement;
      const reference = movement.reference;
      assert.ok(reference?.kind === 'order' && reference.lineId !== undefined);
      addTo(inLog, `${reference.id}|${reference.lineId}|${event.subject}`, movement.quantityDelta);
      const record = replay.records.get(event.subject);
      assert.ok(record);
      assert.ok(record.reserved >= 0 && record.reserved <= record.onHand - safety(event.subject), say(`at log position ${event.position}, ${event.subject} has ${record.reserved} reserved of ${record.onHand} on hand (safety ${safety(event.subject)}): a unit was promised twice`));
    }
    assert.deepEqual(new Map([...inLog].sort()), new Map([...told].sort()), say('the log holds exactly the reservations the callers were told of'));
    for (const { request } of plans) {
      const outcome = outcomes.get(request.orderId);
      assert.equal(orderEvents.get(request.orderId) ?? 0, outcome && outcome.reservations.length > 0 ? 1 : 0, say(`${request.orderId}: one weft.order.reserved.v1 when reserved, none otherwise`));
    }
    for (const orderId of gaveUp) assert.ok(![...inLog.keys()].some((key) => key.startsWith(`${orderId}|`)), say(`${orderId} gave up and holds nothing`));

    // Both hubs' memory agrees with the log, key by key and order by order; nothing is over-promised.
    const heldInLog = new Map<string, number>();
    for (const [key, units] of inLog) addTo(heldInLog, key.slice(key.lastIndexOf('|') + 1), units);
    for (const hub of hubs) {
      for (const view of snapshot(hub)) {
        assert.equal(view.reserved, heldInLog.get(view.key) ?? 0, say(`hub memory vs log at ${view.key}`));
        assert.equal(view.onHand, onHand.get(view.key));
        assert.ok(view.reserved <= view.onHand - safety(view.key), say(`${view.key}: ${view.reserved} reserved of ${view.onHand} on hand`));
      }
    }
    const orderIds = plans.map(({ request }) => request.orderId);
    for (const orderId of orderIds) assert.deepEqual(sorted(hubs[0].reservationsOf(orderId)), sorted(hubs[1].reservationsOf(orderId)), say(`${orderId}: both hubs know the same reservations`));
    const totalTold = [...told.values()].reduce((a, b) => a + b, 0);
    assert.equal([...heldInLog.values()].reduce((a, b) => a + b, 0), totalTold);
    assert.ok(totalTold <= unitsAvailable, say(`${totalTold} units held of ${unitsAvailable} there were`));

    // Everything released (each hub releasing half), stock is back where it started.
    const releases = await Promise.all(orderIds.map(async (orderId, i) => {
      const held = hubs[0].reservationsOf(orderId);
      const released = await (hubs[(i + 1) % 2] as Inventory).release(orderId);
      assert.deepEqual(sorted(released), sorted(held), say(`${orderId}: the final release gives back what it held`));
      return released.length;
    }));
    assert.ok(releases.some((n) => n > 0) || totalTold === 0);
    await Promise.all(hubs.map((hub) => hub.drain()));
    for (const hub of hubs) {
      assert.deepEqual(snapshot(hub), before, say('after releasing everything the stock is as it started'));
      for (const orderId of orderIds) assert.deepEqual(hub.reservationsOf(orderId), [], say(`${orderId} holds nothing`));
    }
    const after = await readWholeLog(stores[0]);
    const net = new Map<string, number>();
    for (const event of after) {
      if (event.type === 'weft.inventory.reserved.v1' || event.type === 'weft.inventory.reservation_released.v1') addTo(net, event.subject, (event.data as InventoryMovement).quantityDelta);
    }
    assert.deepEqual([...net], [], say('reserved minus released is 0 at every key in the log'));
    const final = emptyStock();
    for (const event of after) applyStockEvent(final, event);
    for (const view of before) {
      const [sku, locationId] = [view.key.slice(0, view.key.lastIndexOf('@')), view.key.slice(view.key.lastIndexOf('@') + 1)];
      assert.equal(viewOf(final.records.get(view.key), sku, locationId, rule).available, view.available);
    }
    assert.deepEqual(errors, [], 'no hub failed to fold the log');

    return {
      seed,
      orders: plans.length,
      reserved,
      partial,
      short,
      gaveUp: gaveUp.size,
      retried,
      releasedDuringStorm: releasedInStorm.size,
      versionConflicts: counter.conflicts,
      unitsAvailable,
      ms: Math.round(performance.now() - started),
    };
  } finally {
    await Promise.all(hubs.map((hub) => hub.stop()));
  }
}
