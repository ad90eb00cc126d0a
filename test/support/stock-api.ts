import assert from 'node:assert/strict';
import { inventoryKey } from '../../src/domain/inventory/inventory-key.ts';
import type { Order } from '../../src/domain/order/order.schema.ts';
import type { Store } from '../../src/ports/store.ts';
import type { ApiAnswer } from './wait.ts';

// What the order-to-cash tests with Weft's stock do through the public API: post events, report
// stock, read availability and an order's reservations, and read where its process stands.

/** The calls, over an API caller (apiCaller) and the hub's store. */
export function stockApi(call: (method: string, path: string, body?: unknown) => Promise<ApiAnswer>, store: () => Store) {
  /** Appends one event through POST /v1/events; anything but 201 fails the test. */
  const post = async (type: string, subject: string, data: unknown): Promise<void> => {
    const answer = await call('POST', '/v1/events', { type, subject, data });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
  };
  return {
    post,
    /** The system of record reports `onHand` units of `sku` at `locationId`, none reserved. */
    stock: (sku: string, locationId: string, onHand: number): Promise<void> =>
      post('weft.inventory.position_reported.v1', inventoryKey(sku, locationId), { sku, locationId, onHand, reserved: 0, inTransit: 0, safetyStock: 0, available: onHand, asOf: new Date().toISOString() }),
    /** Units of `sku` the API says may be sold at `location`. */
    available: async (sku: string, location: string): Promise<number> => {
      const answer = await call('GET', `/v1/availability?sku=${sku}&location=${location}`);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return (answer.body.items as { available: number }[])[0]?.available ?? -1;
    },
    /** What an order holds, per line and location. */
    reservationsOf: async (o: Pick<Order, 'id'>): Promise<{ locationId: string; quantity: number }[]> => (await call('GET', `/v1/reservations/${o.id}`)).body.reservations as { locationId: string; quantity: number }[],
    /** The state of the order's order-to-cash instance. */
    stateOf: async (o: Pick<Order, 'id'>): Promise<string | undefined> => (await store().processInstance('order-to-cash', o.id))?.state,
  };
}
