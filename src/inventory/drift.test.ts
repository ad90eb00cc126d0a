import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inventoryKey } from '../domain/inventory/inventory-key.ts';
import { createIdGenerator, type Clock } from '../ports/clock.ts';
import { findDrift } from './drift.ts';
import { applyStockEvent, emptyStock, type StockState } from './projection.ts';

// Drift between Weft's stock and an observed system's counts (the tills, here), with the cause the
// numbers point to: a count lower than Weft's (a movement Weft missed), higher by exactly what Weft
// sold since (a sale the system has not posted), and reservations held far too long.

const clock: Clock = { now: () => Date.parse('2026-11-24T12:00:00.000Z') };
const ids = createIdGenerator(clock);
const STORE = ids.next('location');
const KEY = inventoryKey('TEE-M', STORE);
const options = { settleMs: 60_000, staleReservationMs: 72 * 3_600_000 };
const hour = (h: number): string => new Date(Date.parse('2026-11-24T12:00:00.000Z') - h * 3_600_000).toISOString();

function fold(events: { type: string; source: string; data: object }[]): StockState {
  const state = emptyStock(['pos']);
  events.forEach((event, n) => applyStockEvent(state, { type: event.type, subject: KEY, sequence: n + 1, source: event.source, data: event.data }));
  return state;
}
const erp = (onHand: number, at: string) => ({ type: 'weft.inventory.position_reported.v1', source: 'urn:weft:source:erp', data: { sku: 'TEE-M', locationId: STORE, onHand, reserved: 0, inTransit: 0, safetyStock: 0, available: onHand, asOf: at } });
const till = (onHand: number, at: string) => ({ type: 'weft.inventory.position_reported.v1', source: 'urn:weft:source:pos', data: { sku: 'TEE-M', locationId: STORE, onHand, reserved: 0, inTransit: 0, safetyStock: 0, available: onHand, asOf: at } });
const sold = (units: number, at: string, orderId?: string) => ({ type: 'weft.inventory.sold.v1', source: 'urn:weft:source:webshop', data: { id: ids.next('inventoryMovement'), sku: 'TEE-M', locationId: STORE, kind: 'sale', quantityDelta: -units, occurredAt: at, externalRefs: [], ...(orderId ? { reference: { kind: 'order', id: orderId } } : {}) } });

describe('inventory drift', () => {
  it('keeps an observed system\'s count beside Weft\'s stock instead of taking it', () => {
    const state = fold([erp(10, hour(3)), till(8, hour(2))]);
    assert.equal(state.records.get(KEY)?.onHand, 10);
    assert.deepEqual(state.records.get(KEY)?.observations.get('pos'), { onHand: 8, asOf: hour(2), salesSince: 0 });
  });

  it('reports a count lower than Weft\'s as a movement Weft missed, and proposes the count', () => {
    const [finding] = findDrift(fold([erp(10, hour(3)), till(8, hour(2))]), clock.now(), options);
    assert.equal(finding?.cause, 'missed_event');
    assert.deepEqual([finding?.system, finding?.weft, finding?.counted, finding?.correction], ['pos', 10, 8, { kind: 'set_on_hand', onHand: 8 }]);
    assert.match(finding?.explanation ?? '', /pos booked 2 unit\(s\) going out that Weft never heard of/);
  });

  it('reports a count higher by exactly what Weft sold since as a sale the system has not posted, with nothing for Weft to correct', () => {
    const [finding] = findDrift(fold([erp(10, hour(5)), till(10, hour(4)), sold(2, hour(3))]), clock.now(), options);
    assert.deepEqual([finding?.cause, finding?.weft, finding?.counted, finding?.correction], ['unposted_sale', 8, 10, { kind: 'none' }]);
    const other = findDrift(fold([erp(10, hour(5)), till(11, hour(4)), sold(2, hour(3))]), clock.now(), options)[0];
    assert.equal(other?.cause, 'missed_event', 'more than the sales since: something came in that Weft missed');
  });

  it('finds nothing when they agree, and waits for movements on their way to settle', () => {
    assert.deepEqual(findDrift(fold([erp(10, hour(3)), till(10, hour(2))]), clock.now(), options), []);
    const fresh = fold([erp(10, hour(3)), till(8, hour(2)), sold(1, new Date(clock.now() - 10_000).toISOString())]);
    assert.deepEqual(findDrift(fresh, clock.now(), options), [], 'a sale 10 s ago may not have reached the tills yet');
  });

  it('reports a reservation held longer than orders take, and proposes its release', () => {
    const orderId = ids.next('order');
    const reserve = (at: string) => ({ type: 'weft.inventory.reserved.v1', source: 'urn:weft:inventory', data: { id: ids.next('inventoryMovement'), sku: 'TEE-M', locationId: STORE, kind: 'reservation', quantityDelta: 2, reference: { kind: 'order', id: orderId, lineId: ids.next('orderLine') }, occurredAt: at, externalRefs: [] } });
    assert.deepEqual(findDrift(fold([erp(10, hour(100)), reserve(hour(24))]), clock.now(), options), [], 'a day is not long');
    const [finding] = findDrift(fold([erp(10, hour(100)), reserve(hour(80))]), clock.now(), options);
    assert.deepEqual([finding?.cause, finding?.orderId, finding?.units, finding?.correction], ['reservation_never_released', orderId, 2, { kind: 'release_reservation', orderId }]);
  });
});
