import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { inventoryKey } from '../domain/inventory/inventory-key.ts';
import type { InventoryMovement } from '../domain/inventory/inventory-movement.schema.ts';
import { InputError, WeftError } from '../errors/index.ts';
import { createIdGenerator, type Clock } from '../ports/clock.ts';
import type { NewEvent, Store } from '../ports/store.ts';
import { createSqliteStore } from '../store/sqlite/store.ts';
import { assertValidEvent, movementEvent, positionData, positionEvent, readWholeLog, runReservationStorm, type MovementInput } from './concurrency-scenario.ts';
import { createInventory, type Inventory, type LineReservation } from './service.ts';

// The inventory service over the real embedded store: availability from the log, reservations that
// are all or nothing (or partial), idempotent, released, allocated to as few parcels as can be, and
// consumed by the sale that ships them; two hubs sharing one store file never promise a unit twice.

const dir = mkdtempSync(join(tmpdir(), 'weft-inventory-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const clock: Clock = { now: () => Date.parse('2026-11-23T12:00:00.000Z') };
const ids = createIdGenerator(clock);
const [L1, L2, L3] = [ids.next('location'), ids.next('location'), ids.next('location')] as [string, string, string];
const channels = {
  web: { locations: [L1, L2], safetyStock: 1, includeInTransit: false },
  store: { locations: [L3], safetyStock: 0, includeInTransit: true },
};
let stores = 0;

function open(path = join(dir, `inventory-${++stores}.db`)): Store {
  const store = createSqliteStore({ path });
  after(() => store.close());
  return store;
}

function hub(store: Store): Inventory {
  return createInventory({ store, ids: createIdGenerator(clock), clock, log: quiet }, { channels });
}

const move = (input: MovementInput): NewEvent => movementEvent(ids, input);
const receipt = (sku: string, locationId: string, units: number): NewEvent => move({ sku, locationId, kind: 'receipt', quantityDelta: units });

/** A store holding these events, and a hub that has folded them. */
async function stocked(events: NewEvent[]): Promise<{ store: Store; inventory: Inventory }> {
  const store = open();
  if (events.length > 0) assert.equal((await store.commit({ events })).status, 'committed');
  const inventory = hub(store);
  await inventory.drain();
  return { store, inventory };
}

function line(sku: string, quantity: number, locationId?: string) {
  return { lineId: ids.next('orderLine'), sku, quantity, ...(locationId === undefined ? {} : { locationId }) };
}

const available = (inventory: Inventory, sku: string, channel = 'web'): number[] =>
  (inventory.check({ skus: [sku], channel })[0]?.locations ?? []).map((view) => view.available);

function byLine(reservations: readonly LineReservation[]): string[] {
  return reservations.map((r) => `${r.lineId}:${r.sku}@${r.locationId}x${r.quantity}`).sort();
}

function rejectsWith(code: string) {
  return (error: unknown) => error instanceof InputError && error.code === code;
}

describe('inventory service (sqlite)', () => {
  it('answers availability per location and across a channel\'s locations once it has folded the log', async () => {
    const store = open();
    const inventory = hub(store);
    await inventory.drain();
    // The log holds other events too: the hub folds inventory events only.
    const orderId = ids.next('order');
    const unrelated: NewEvent = { id: ids.next('event'), source: '/test', type: 'weft.order.validated.v1', subject: orderId, time: '2026-11-23T12:00:00.000Z', data: { orderId, occurredAt: '2026-11-23T12:00:00.000Z' } };
    assertValidEvent(unrelated.type, unrelated.subject, unrelated.data);
    await store.commit({
      events: [
        receipt('X', L1, 10),
        unrelated,
        move({ sku: 'X', locationId: L1, kind: 'sale', quantityDelta: -3 }),
        receipt('X', L2, 4),
        move({ sku: 'X', locationId: L2, kind: 'damage', quantityDelta: -1 }),
        move({ sku: 'X', locationId: L2, kind: 'transfer_out', quantityDelta: -2, counterpartLocationId: L3, reference: { kind: 'transfer', id: ids.next('transfer') } }),
        receipt('X', L3, 1),
        move({ sku: 'Y', locationId: L1, kind: 'count', quantityDelta: 2, countedQuantity: 2 }),
        positionEvent(ids, positionData({ sku: 'Y', locationId: L2, onHand: 6, reserved: 0, inTransit: 0, safetyStock: 3 })),
      ],
    });
    assert.deepEqual(inventory.check({ skus: ['X'], locationId: L1 })[0]?.available, 0, 'answers from memory: nothing folded yet');
    await inventory.drain();
    assert.equal(inventory.position(), await store.lastPosition());

    const [atL1] = inventory.check({ skus: ['X'], locationId: L1 });
    assert.deepEqual(atL1, {
      sku: 'X',
      available: 7,
      locations: [{ sku: 'X', locationId: L1, onHand: 7, reserved: 0, inTransit: 0, safetyStock: 0, available: 7, updatedAt: '2026-11-23T12:00:00.000Z' }],
    }, 'a location without a channel holds nothing back');
    const web = inventory.check({ skus: ['X', 'Y', 'NEW'], channel: 'web' });
    assert.deepEqual(web.map((answer) => [answer.sku, answer.available, answer.locations.map((view) => [view.locationId, view.onHand, view.safetyStock, view.available])]), [
      ['X', 6, [[L1, 7, 1, 6], [L2, 1, 1, 0]]],
      ['Y', 4, [[L1, 2, 1, 1], [L2, 6, 3, 3]]],
      ['NEW', 0, [[L1, 0, 1, 0], [L2, 0, 1, 0]]],
    ]);
    assert.deepEqual(inventory.check({ skus: ['X'], channel: 'store' })[0]?.locations.map((view) => [view.onHand, view.inTransit, view.available]), [[1, 2, 3]], 'the store channel counts what is on its way');
    assert.deepEqual(inventory.check({ skus: ['X'], channel: 'web', locationId: L2 })[0]?.available, 0, 'a location of the channel, by the channel\'s rules');
    assert.deepEqual([...inventory.channels()], ['web', 'store']);
  });

  it('refuses an unknown channel, a location that does not serve the channel, and a check that says no place', async () => {
    const { store, inventory } = await stocked([receipt('X', L1, 5)]);
    assert.throws(() => inventory.check({ skus: ['X'], channel: 'marketplace' }), rejectsWith('unknown_channel'));
    assert.throws(() => inventory.check({ skus: ['X'], channel: 'web', locationId: L3 }), rejectsWith('malformed_request'));
    assert.throws(() => inventory.check({ skus: ['X'] }), rejectsWith('malformed_request'));
    const orderId = ids.next('order');
    await assert.rejects(inventory.reserve({ orderId, channel: 'marketplace', lines: [line('X', 1)] }), rejectsWith('unknown_channel'));
    await assert.rejects(inventory.reserve({ orderId, lines: [line('X', 1)] }), rejectsWith('malformed_request'), 'a line without a location needs a channel');
    await assert.rejects(inventory.reserve({ orderId, channel: 'web', lines: [line('X', 0)] }), rejectsWith('schema_violation'));
    await assert.rejects(inventory.reserve({ orderId, channel: 'web', lines: [line('X', 1.5)] }), rejectsWith('schema_violation'));
    assert.equal(await store.lastPosition(), 1, 'nothing appended');
  });

  it('reserves all or nothing: a short order appends nothing and leaves availability as it was', async () => {
    const { store, inventory } = await stocked([receipt('X', L1, 3), receipt('X', L2, 1), receipt('Y', L1, 5)]);
    const before = inventory.check({ skus: ['X', 'Y'], channel: 'web' });
    const position = await store.lastPosition();
    const x = line('X', 3);
    const outcome = await inventory.reserve({ orderId: ids.next('order'), channel: 'web', lines: [x, line('Y', 1)] });
    assert.deepEqual(outcome, { status: 'short', reservations: [], shortfall: [{ lineId: x.lineId, sku: 'X', requested: 3, reserved: 0 }] }, 'X has 2 to promise (safety stock 1 at each location); Y is not short');
    assert.equal(await store.lastPosition(), position);
    assert.deepEqual(inventory.check({ skus: ['X', 'Y'], channel: 'web' }), before);
    // A pick-up line at a location that lacks it: short too.
    const pickup = line('Y', 1, L2);
    assert.deepEqual(await inventory.reserve({ orderId: ids.next('order'), channel: 'web', lines: [line('X', 1), pickup] }), { status: 'short', reservations: [], shortfall: [{ lineId: pickup.lineId, sku: 'Y', requested: 1, reserved: 0 }] });
    assert.equal(await store.lastPosition(), position);
  });

  it('reserves what there is when the order takes a partial reservation, and says what is missing', async () => {
    const { store, inventory } = await stocked([receipt('X', L1, 3), receipt('X', L2, 2), receipt('Y', L1, 5)]);
    const position = await store.lastPosition();
    const [x, y] = [line('X', 5), line('Y', 1)];
    const orderId = ids.next('order');
    const outcome = await inventory.reserve({ orderId, channel: 'web', lines: [x, y], partial: true });
    assert.equal(outcome.status, 'short');
    assert.ok(outcome.status === 'short');
    assert.deepEqual(byLine(outcome.reservations), byLine([
      { lineId: x.lineId, sku: 'X', locationId: L1, quantity: 2 },
      { lineId: x.lineId, sku: 'X', locationId: L2, quantity: 1 },
      { lineId: y.lineId, sku: 'Y', locationId: L1, quantity: 1 },
    ]));
    assert.deepEqual(outcome.shortfall, [{ lineId: x.lineId, sku: 'X', requested: 5, reserved: 3 }]);
    assert.deepEqual(byLine(inventory.reservationsOf(orderId)), byLine(outcome.reservations));
    assert.deepEqual([available(inventory, 'X'), available(inventory, 'Y')], [[0, 0], [3, 0]]);

    const appended = (await readWholeLog(store)).filter((event) => event.position > position);
    for (const event of appended) assertValidEvent(event.type, event.subject, event.data);
    assert.deepEqual(appended.map((event) => [event.type, event.subject]), [
      ['weft.inventory.reserved.v1', inventoryKey('X', L1)],
      ['weft.inventory.reserved.v1', inventoryKey('X', L2)],
      ['weft.inventory.reserved.v1', inventoryKey('Y', L1)],
      ['weft.order.reserved.v1', orderId],
    ]);
    assert.deepEqual(appended.slice(0, 3).map((event) => (event.data as InventoryMovement).quantityDelta), [2, 1, 1]);
    assert.deepEqual((appended[3]?.data as { reservations: LineReservation[] }).reservations, outcome.reservations);

    const nothing = line('Z', 2);
    assert.deepEqual(await inventory.reserve({ orderId: ids.next('order'), channel: 'web', lines: [nothing], partial: true }), { status: 'short', reservations: [], shortfall: [{ lineId: nothing.lineId, sku: 'Z', requested: 2, reserved: 0 }] });
    assert.equal(await store.lastPosition(), position + 4);
  });

  it('is idempotent: reserving an order again gives back what it holds and appends nothing', async () => {
    const { store, inventory } = await stocked([receipt('X', L1, 10)]);
    const orderId = ids.next('order');
    const first = await inventory.reserve({ orderId, channel: 'web', lines: [line('X', 2)] });
    assert.equal(first.status, 'reserved');
    assert.ok(first.status === 'reserved');
    assert.equal(first.existing, false);
    const position = await store.lastPosition();
    const again = await inventory.reserve({ orderId, channel: 'web', lines: [line('X', 5)] });
    assert.deepEqual(again, { status: 'reserved', existing: true, reservations: first.reservations });
    assert.equal(await store.lastPosition(), position);
    assert.deepEqual(available(inventory, 'X'), [7, 0]);

    // Two calls at once for a new order (a client retrying): one reserves, the other gets it back.
    const twice = ids.next('order');
    const request = { orderId: twice, channel: 'web', lines: [line('X', 3)] };
    const outcomes = await Promise.all([inventory.reserve(request), inventory.reserve(request)]);
    assert.deepEqual(outcomes.map((outcome) => outcome.status === 'reserved' && outcome.existing).sort(), [false, true]);
    assert.deepEqual(available(inventory, 'X'), [4, 0]);
    const orderEvents = (await readWholeLog(store)).filter((event) => event.type === 'weft.order.reserved.v1' && event.subject === twice);
    assert.equal(orderEvents.length, 1);
  });

  it('releases an order\'s reservations, of some lines or all, giving the units back', async () => {
    const { store, inventory } = await stocked([receipt('X', L1, 10), receipt('Y', L2, 4)]);
    const before = inventory.check({ skus: ['X', 'Y'], channel: 'web' });
    const orderId = ids.next('order');
    const [x, y] = [line('X', 3), line('Y', 2)];
    const reserved = await inventory.reserve({ orderId, channel: 'web', lines: [x, y] });
    assert.equal(reserved.status, 'reserved');
    assert.deepEqual([available(inventory, 'X'), available(inventory, 'Y')], [[6, 0], [0, 1]]);

    const some = await inventory.release(orderId, { lineIds: [y.lineId] });
    assert.deepEqual(byLine(some), byLine([{ lineId: y.lineId, sku: 'Y', locationId: L2, quantity: 2 }]));
    assert.deepEqual([available(inventory, 'X'), available(inventory, 'Y')], [[6, 0], [0, 3]]);
    assert.deepEqual(byLine(inventory.reservationsOf(orderId)), byLine([{ lineId: x.lineId, sku: 'X', locationId: L1, quantity: 3 }]));

    const rest = await inventory.release(orderId);
    assert.deepEqual(byLine(rest), byLine([{ lineId: x.lineId, sku: 'X', locationId: L1, quantity: 3 }]));
    const position = await store.lastPosition();
    assert.deepEqual(await inventory.release(orderId), [], 'nothing left to release');
    assert.deepEqual(await inventory.release(ids.next('order')), [], 'an order that never reserved');
    assert.equal(await store.lastPosition(), position, 'releasing nothing appends nothing');
    assert.deepEqual(inventory.check({ skus: ['X', 'Y'], channel: 'web' }).map((a) => a.locations.map((v) => [v.reserved, v.available])), before.map((a) => a.locations.map((v) => [v.reserved, v.available])));

    const releases = (await readWholeLog(store)).filter((event) => event.type === 'weft.inventory.reservation_released.v1');
    for (const event of releases) assertValidEvent(event.type, event.subject, event.data);
    assert.deepEqual(releases.map((event) => [event.subject, (event.data as InventoryMovement).quantityDelta]), [[inventoryKey('Y', L2), -2], [inventoryKey('X', L1), -3]]);
    // A fresh hub folding the log agrees.
    const replayed = hub(store);
    await replayed.drain();
    assert.deepEqual(replayed.check({ skus: ['X', 'Y'], channel: 'web' }), inventory.check({ skus: ['X', 'Y'], channel: 'web' }));
  });

  it('allocates from one location for the whole order if one can, else each line from one location, else split', async () => {
    const { inventory } = await stocked([
      // Whole: L2 has both SKUs, L1 (first in the channel) only one of them.
      receipt('W1', L1, 5), receipt('W1', L2, 5), receipt('W2', L2, 5),
      // Both locations have everything: the first one wins.
      receipt('F1', L1, 5), receipt('F1', L2, 5), receipt('F2', L1, 5), receipt('F2', L2, 5),
      // Per line: no location has both.
      receipt('P1', L1, 5), receipt('P2', L2, 5),
      // Split: neither location has 4 to promise.
      receipt('S', L1, 3), receipt('S', L2, 4),
    ]);
    const reserve = async (lines: ReturnType<typeof line>[]) => {
      const outcome = await inventory.reserve({ orderId: ids.next('order'), channel: 'web', lines });
      assert.equal(outcome.status, 'reserved');
      return outcome.reservations.map((r) => [r.sku, r.locationId, r.quantity]).sort();
    };
    assert.deepEqual(await reserve([line('W1', 2), line('W2', 2)]), [['W1', L2, 2], ['W2', L2, 2]]);
    assert.deepEqual(await reserve([line('F1', 2), line('F2', 2)]), [['F1', L1, 2], ['F2', L1, 2]]);
    assert.deepEqual(await reserve([line('P1', 2), line('P2', 2)]), [['P1', L1, 2], ['P2', L2, 2]]);
    assert.deepEqual(await reserve([line('S', 4)]), [['S', L1, 2], ['S', L2, 2]]);
    // A pick-up line stays at its location; the rest still goes to one place where it can.
    assert.deepEqual(await reserve([line('F1', 1, L2), line('F2', 1)]), [['F1', L2, 1], ['F2', L1, 1]]);
  });

  it('lets the warehouse\'s sale of a reserved line consume the reservation, not the free stock', async () => {
    const { store, inventory } = await stocked([receipt('X', L1, 5)]);
    const orderId = ids.next('order');
    const x = line('X', 2);
    assert.equal((await inventory.reserve({ orderId, channel: 'web', lines: [x] })).status, 'reserved');
    assert.deepEqual(available(inventory, 'X'), [2, 0]);
    await store.commit({ events: [move({ sku: 'X', locationId: L1, kind: 'sale', quantityDelta: -2, reference: { kind: 'order', id: orderId, lineId: x.lineId } })] });
    await inventory.drain();
    const view = inventory.check({ skus: ['X'], locationId: L1, channel: 'web' })[0]?.locations[0];
    assert.deepEqual([view?.onHand, view?.reserved, view?.available], [3, 0, 2], 'the sale took the reserved units: still 2 to promise');
    assert.deepEqual(inventory.reservationsOf(orderId), []);
    const position = await store.lastPosition();
    assert.deepEqual(await inventory.release(orderId), [], 'a shipped order has nothing left to release');
    assert.equal(await store.lastPosition(), position);

    // A sale of more than was reserved (one unit was added at the till) takes the rest from free stock.
    const other = ids.next('order');
    const y = line('X', 1);
    await inventory.reserve({ orderId: other, channel: 'web', lines: [y] });
    await store.commit({ events: [move({ sku: 'X', locationId: L1, kind: 'sale', quantityDelta: -2, reference: { kind: 'order', id: other } })] });
    await inventory.drain();
    const after = inventory.check({ skus: ['X'], locationId: L1, channel: 'web' })[0]?.locations[0];
    assert.deepEqual([after?.onHand, after?.reserved, after?.available], [1, 0, 0]);
  });

  it('two hubs on one store file, racing 200 orders for 30 units, never promise a unit twice', async (t) => {
    const path = join(dir, 'shared.db');
    const report = await runReservationStorm([open(path), open(path)]);
    t.diagnostic(`storm: ${JSON.stringify(report)}`);
    assert.ok(report.reserved + report.partial > 0 && report.short > 0, `the stock ran out: ${JSON.stringify(report)}`);
    assert.ok(report.versionConflicts > 0, `the hubs raced for the same keys: ${JSON.stringify(report)}`);
  });

  it('does not reserve an order again on a hub that has not yet folded its reservation on another hub', async () => {
    const path = join(dir, 'two-hubs-one-order.db');
    const [storeA, storeB] = [open(path), open(path)];
    await storeA.commit({ events: [receipt('X', L2, 5)] });
    const [a, b] = [hub(storeA), hub(storeB)];
    await Promise.all([a.drain(), b.drain()]);
    // Stock arrives at L1; hub A has seen it, hub B not yet.
    await storeA.commit({ events: [receipt('X', L1, 5)] });
    await a.drain();
    const request = { orderId: ids.next('order'), channel: 'web', lines: [line('X', 1)] };
    await a.reserve(request);
    const again = await b.reserve(request);
    await Promise.all([a.drain(), b.drain()]);
    const orderEvents = (await readWholeLog(storeA)).filter((event) => event.type === 'weft.order.reserved.v1');
    assert.equal(orderEvents.length, 1, `reserved twice: ${JSON.stringify(again)}`);
    assert.equal(a.reservationsOf(request.orderId).reduce((sum, r) => sum + r.quantity, 0), 1);
  });

  it('releases on a hub that has not yet folded the reservation made on another hub', async () => {
    const path = join(dir, 'two-hubs-release.db');
    const [storeA, storeB] = [open(path), open(path)];
    await storeA.commit({ events: [receipt('X', L1, 5)] });
    const [a, b] = [hub(storeA), hub(storeB)];
    await Promise.all([a.drain(), b.drain()]);
    const orderId = ids.next('order');
    const reserved = await a.reserve({ orderId, channel: 'web', lines: [line('X', 1)] });
    const released = await b.release(orderId);
    assert.deepEqual(released, reserved.reservations);
  });

  it('reports a store that refuses the commit for another reason than a conflict', async () => {
    const { store, inventory } = await stocked([receipt('X', L1, 5)]);
    const refusing = new Proxy(store, {
      get(target, property) {
        if (property === 'commit') return async () => ({ status: 'event_conflict', id: 'evt', source: 'urn:weft:inventory' });
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    const broken = createInventory({ store: refusing, ids, clock, log: quiet }, { channels });
    await broken.drain();
    await assert.rejects(broken.reserve({ orderId: ids.next('order'), channel: 'web', lines: [line('X', 1)] }), (error: unknown) => error instanceof WeftError && error.code === 'internal');
    assert.deepEqual(available(inventory, 'X'), [4, 0]);
  });
});
