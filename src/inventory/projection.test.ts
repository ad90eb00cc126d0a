import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { inventoryKey } from '../domain/inventory/inventory-key.ts';
import type { MovementReference } from '../domain/inventory/inventory-movement.schema.ts';
import { createIdGenerator, type Clock } from '../ports/clock.ts';
import type { NewEvent } from '../ports/store.ts';
import { movementEvent, positionData, positionEvent, type MovementInput } from './concurrency-scenario.ts';
import { applyStockEvent, emptyStock, INVENTORY_EVENT_TYPES, viewOf, type ChannelRule, type StockEvent, type StockRecord, type StockState } from './projection.ts';

// The fold of inventory events per SKU × location: what each event does to its key (and a transfer
// to its destination), that a key's events fold once each and in order, and — as a property — that
// any interleaving of the keys' events that keeps each key's order folds to the same stock.

const clock: Clock = { now: () => Date.parse('2026-11-23T12:00:00.000Z') };
const ids = createIdGenerator(clock);
const [A, B, C] = [ids.next('location'), ids.next('location'), ids.next('location')] as [string, string, string];
const [ORDER, OTHER_ORDER] = [ids.next('order'), ids.next('order')] as [string, string];
const [LINE_1, LINE_2] = [ids.next('orderLine'), ids.next('orderLine')] as [string, string];
const TRANSFER = ids.next('transfer');
const SKU = 'TSH-0815-L-WHT';
const noRule = { safetyStock: 0, includeInTransit: false } as const;

const orderRef = (id: string, lineId?: string): MovementReference => (lineId === undefined ? { kind: 'order', id } : { kind: 'order', id, lineId });
const transferRef: MovementReference = { kind: 'transfer', id: TRANSFER };

/** A projection fed like the log feeds it: each key's events numbered 1, 2, 3, ... (events are validated by the builders). */
function book() {
  const state = emptyStock();
  const sequences = new Map<string, number>();
  const feed = (event: NewEvent): boolean => {
    const sequence = (sequences.get(event.subject) ?? 0) + 1;
    sequences.set(event.subject, sequence);
    return applyStockEvent(state, { type: event.type, subject: event.subject, sequence, data: event.data });
  };
  return {
    state,
    move: (input: Omit<MovementInput, 'sku'> & { sku?: string }) => feed(movementEvent(ids, { sku: SKU, ...input })),
    report: (locationId: string, position: { onHand: number; reserved?: number; inTransit?: number; safetyStock?: number; asOf?: string }) =>
      feed(positionEvent(ids, positionData({ sku: SKU, locationId, reserved: 0, inTransit: 0, safetyStock: 0, ...position }))),
    record: (locationId: string, sku = SKU): StockRecord | undefined => state.records.get(inventoryKey(sku, locationId)),
  };
}

function held(record: StockRecord | undefined): Record<string, number> {
  return Object.fromEntries(record?.reservations ?? []);
}

describe('inventory projection', () => {
  it('books receipts, returns, sales, adjustments, damage and counts on hand', () => {
    const stock = book();
    const steps: [Omit<MovementInput, 'sku'>, number][] = [
      [{ locationId: A, kind: 'receipt', quantityDelta: 10, occurredAt: '2026-11-20T08:00:00.000Z' }, 10],
      [{ locationId: A, kind: 'sale', quantityDelta: -3 }, 7],
      [{ locationId: A, kind: 'return', quantityDelta: 1 }, 8],
      [{ locationId: A, kind: 'adjustment', quantityDelta: -2 }, 6],
      [{ locationId: A, kind: 'adjustment', quantityDelta: 4 }, 10],
      [{ locationId: A, kind: 'damage', quantityDelta: -1 }, 9],
      // A count sets on hand to what was found, whatever the delta says.
      [{ locationId: A, kind: 'count', quantityDelta: -5, countedQuantity: 4 }, 4],
      [{ locationId: A, kind: 'count', quantityDelta: 0, countedQuantity: 4 }, 4],
      // Sold before the receipt that covers it: on hand goes negative, availability does not.
      [{ locationId: A, kind: 'sale', quantityDelta: -6, occurredAt: '2026-11-21T09:30:00.000Z' }, -2],
    ];
    steps.forEach(([input, onHand], i) => {
      assert.equal(stock.move(input), true);
      assert.equal(stock.record(A)?.onHand, onHand, `after ${input.kind} ${input.quantityDelta}`);
      assert.equal(stock.record(A)?.version, i + 1);
    });
    assert.equal(stock.record(A)?.updatedAt, '2026-11-21T09:30:00.000Z');
    assert.deepEqual(viewOf(stock.record(A), SKU, A, noRule), { sku: SKU, locationId: A, onHand: -2, reserved: 0, inTransit: 0, safetyStock: 0, available: 0, updatedAt: '2026-11-21T09:30:00.000Z' });
    assert.equal(stock.record(B), undefined, 'other keys are untouched');
  });

  it('takes a position report as the stock, but keeps its own reservations', () => {
    const stock = book();
    stock.move({ locationId: A, kind: 'receipt', quantityDelta: 10 });
    stock.move({ locationId: A, kind: 'reservation', quantityDelta: 2, reference: orderRef(ORDER, LINE_1) });
    assert.equal(stock.report(A, { onHand: 7, reserved: 5, inTransit: 3, safetyStock: 1, asOf: '2026-11-22T06:00:00.000Z' }), true);
    const record = stock.record(A);
    assert.deepEqual(
      [record?.onHand, record?.reportedInTransit, record?.reportedSafetyStock, record?.reserved, record?.version, record?.updatedAt],
      [7, 3, 1, 2, 3, '2026-11-22T06:00:00.000Z'],
      'on hand, in transit and safety stock from the report; reserved stays Weft\'s 2, not the reported 5',
    );
    assert.deepEqual(viewOf(record, SKU, A, noRule), { sku: SKU, locationId: A, onHand: 7, reserved: 2, inTransit: 3, safetyStock: 1, available: 4, updatedAt: '2026-11-22T06:00:00.000Z' });
    stock.move({ locationId: A, kind: 'sale', quantityDelta: -1 });
    assert.equal(stock.record(A)?.onHand, 6, 'movements after a report move on from it');
  });

  it('moves a transfer from on hand at its origin to in transit at its destination, then to on hand there', () => {
    const stock = book();
    stock.move({ locationId: A, kind: 'receipt', quantityDelta: 10 });
    assert.equal(stock.move({ locationId: A, kind: 'transfer_out', quantityDelta: -4, counterpartLocationId: B, reference: transferRef }), true);
    assert.equal(stock.record(A)?.onHand, 6);
    assert.equal(stock.record(A)?.transfersInTransit, 0);
    const onTheWay = stock.record(B);
    assert.deepEqual([onTheWay?.onHand, onTheWay?.transfersInTransit, onTheWay?.version], [0, 4, 0], 'B sees 4 coming; its own events are still none');
    assert.equal(viewOf(onTheWay, SKU, B, { safetyStock: 0, includeInTransit: true }).available, 4);
    assert.equal(viewOf(onTheWay, SKU, B, noRule).available, 0);
    assert.equal(viewOf(onTheWay, SKU, B, noRule).inTransit, 4);
    // Three arrive first, then the last one.
    stock.move({ locationId: B, kind: 'transfer_in', quantityDelta: 3, counterpartLocationId: A, reference: transferRef });
    assert.deepEqual([stock.record(B)?.onHand, stock.record(B)?.transfersInTransit], [3, 1]);
    stock.move({ locationId: B, kind: 'transfer_in', quantityDelta: 1, counterpartLocationId: A, reference: transferRef });
    assert.deepEqual([stock.record(B)?.onHand, stock.record(B)?.transfersInTransit, stock.record(B)?.version], [4, 0, 2]);
    assert.equal(stock.record(C), undefined);
  });

  it('holds reservations per order line and releases them', () => {
    const stock = book();
    stock.move({ locationId: A, kind: 'receipt', quantityDelta: 10 });
    stock.move({ locationId: A, kind: 'reservation', quantityDelta: 3, reference: orderRef(ORDER, LINE_1) });
    stock.move({ locationId: A, kind: 'reservation', quantityDelta: 2, reference: orderRef(ORDER, LINE_2) });
    stock.move({ locationId: A, kind: 'reservation', quantityDelta: 1, reference: orderRef(ORDER, LINE_1) });
    stock.move({ locationId: B, kind: 'reservation', quantityDelta: 1, reference: orderRef(ORDER, LINE_2) });
    const key = inventoryKey(SKU, A);
    assert.equal(stock.record(A)?.reserved, 6);
    assert.deepEqual(held(stock.record(A)), { [`${ORDER}/${LINE_1}`]: 4, [`${ORDER}/${LINE_2}`]: 2 });
    assert.deepEqual([...(stock.state.byOrder.get(ORDER) ?? [])].sort(), [key, inventoryKey(SKU, B)].sort());
    assert.equal(viewOf(stock.record(A), SKU, A, noRule).available, 4);

    stock.move({ locationId: A, kind: 'release', quantityDelta: -4, reference: orderRef(ORDER, LINE_1) });
    assert.deepEqual(held(stock.record(A)), { [`${ORDER}/${LINE_2}`]: 2 });
    assert.equal(stock.record(A)?.reserved, 2);
    stock.move({ locationId: A, kind: 'release', quantityDelta: -2, reference: orderRef(ORDER, LINE_2) });
    assert.deepEqual([stock.record(A)?.reserved, held(stock.record(A))], [0, {}]);
    assert.deepEqual([...(stock.state.byOrder.get(ORDER) ?? [])], [inventoryKey(SKU, B)], 'the order is still held at B only');
    stock.move({ locationId: B, kind: 'release', quantityDelta: -1, reference: orderRef(ORDER) });
    assert.equal(stock.state.byOrder.has(ORDER), false, 'a release without a line releases the order\'s lines at the key');
    assert.equal(stock.record(A)?.onHand, 10, 'reservations never touch on hand');
  });

  it('lets a sale of an order consume that order\'s reservation at that key, and no more than it holds', () => {
    const stock = book();
    stock.move({ locationId: A, kind: 'receipt', quantityDelta: 10 });
    stock.move({ locationId: A, kind: 'reservation', quantityDelta: 2, reference: orderRef(ORDER, LINE_1) });
    stock.move({ locationId: A, kind: 'reservation', quantityDelta: 1, reference: orderRef(ORDER, LINE_2) });
    stock.move({ locationId: B, kind: 'reservation', quantityDelta: 1, reference: orderRef(ORDER, LINE_1) });
    stock.move({ locationId: A, kind: 'reservation', quantityDelta: 3, reference: orderRef(OTHER_ORDER, LINE_1) });
    assert.equal(viewOf(stock.record(A), SKU, A, noRule).available, 4);

    // Line 1 sells 3 at A: it held 2 there, so 2 come out of the reservation; line 2, B and the other order keep theirs.
    stock.move({ locationId: A, kind: 'sale', quantityDelta: -3, reference: orderRef(ORDER, LINE_1) });
    assert.deepEqual(held(stock.record(A)), { [`${ORDER}/${LINE_2}`]: 1, [`${OTHER_ORDER}/${LINE_1}`]: 3 });
    assert.deepEqual([stock.record(A)?.onHand, stock.record(A)?.reserved], [7, 4]);
    assert.deepEqual(held(stock.record(B)), { [`${ORDER}/${LINE_1}`]: 1 });
    assert.equal(viewOf(stock.record(A), SKU, A, noRule).available, 3, 'the unsold third unit came out of free stock');

    // A sale naming only the order takes from any of its lines at the key.
    stock.move({ locationId: A, kind: 'sale', quantityDelta: -1, reference: orderRef(ORDER) });
    assert.deepEqual(held(stock.record(A)), { [`${OTHER_ORDER}/${LINE_1}`]: 3 });
    assert.deepEqual([...(stock.state.byOrder.get(ORDER) ?? [])], [inventoryKey(SKU, B)]);

    // A sale without an order, or of another document, leaves reservations alone.
    stock.move({ locationId: A, kind: 'sale', quantityDelta: -1 });
    stock.move({ locationId: A, kind: 'sale', quantityDelta: -1, reference: { kind: 'shipment', id: ids.next('shipment') } });
    assert.deepEqual([stock.record(A)?.onHand, stock.record(A)?.reserved], [4, 3]);
  });

  it('never releases below zero', () => {
    const stock = book();
    stock.move({ locationId: A, kind: 'reservation', quantityDelta: 2, reference: orderRef(ORDER, LINE_1) });
    stock.move({ locationId: A, kind: 'reservation', quantityDelta: 1, reference: orderRef(OTHER_ORDER, LINE_1) });
    assert.equal(stock.move({ locationId: A, kind: 'release', quantityDelta: -5, reference: orderRef(ORDER, LINE_1) }), true);
    assert.deepEqual([stock.record(A)?.reserved, held(stock.record(A))], [1, { [`${OTHER_ORDER}/${LINE_1}`]: 1 }], 'the other order keeps its unit');
    stock.move({ locationId: A, kind: 'release', quantityDelta: -1, reference: orderRef(ORDER, LINE_2) });
    stock.move({ locationId: A, kind: 'release', quantityDelta: -3, reference: orderRef(ids.next('order')) });
    assert.equal(stock.record(A)?.reserved, 1);
    assert.equal(stock.state.byOrder.has(ORDER), false);
  });

  it('folds each event of a key once: a sequence not past the key\'s version changes nothing', () => {
    const state = emptyStock();
    const receipt = movementEvent(ids, { sku: SKU, locationId: A, kind: 'receipt', quantityDelta: 5 });
    const shipped = movementEvent(ids, { sku: SKU, locationId: A, kind: 'transfer_out', quantityDelta: -2, counterpartLocationId: B, reference: transferRef });
    const at = (event: NewEvent, sequence: number): StockEvent => ({ type: event.type, subject: event.subject, sequence, data: event.data });
    assert.equal(applyStockEvent(state, at(receipt, 1)), true);
    assert.equal(applyStockEvent(state, at(shipped, 2)), true);
    const before = structuredClone(state);
    assert.equal(applyStockEvent(state, at(receipt, 1)), false, 'redelivered');
    assert.equal(applyStockEvent(state, at(shipped, 2)), false, 'redelivered transfer');
    assert.equal(applyStockEvent(state, at(receipt, 0)), false, 'older than the version');
    assert.deepEqual(state, before, 'nothing changed, not even the destination\'s in transit');
    assert.equal(applyStockEvent(state, { type: 'weft.order.captured.v1', subject: ORDER, sequence: 1, data: {} }), false, 'not an inventory event');
    assert.equal(applyStockEvent(state, at(receipt, 7)), true, 'a later sequence folds');
    assert.deepEqual([state.records.get(inventoryKey(SKU, A))?.onHand, state.records.get(inventoryKey(SKU, A))?.version], [8, 7]);
    assert.equal(INVENTORY_EVENT_TYPES.length, 9);
  });

  it('shows a channel the larger safety stock and, if it wants, the stock in transit', () => {
    const stock = book();
    stock.move({ locationId: B, kind: 'receipt', quantityDelta: 10 });
    stock.move({ locationId: B, kind: 'reservation', quantityDelta: 2, reference: orderRef(ORDER, LINE_1) });
    stock.move({ locationId: A, kind: 'transfer_out', quantityDelta: -3, counterpartLocationId: B, reference: transferRef });
    const rule = (safetyStock: number, includeInTransit: boolean) => ({ safetyStock, includeInTransit });
    const view = (r: Pick<ChannelRule, 'safetyStock' | 'includeInTransit'>) => viewOf(stock.record(B), SKU, B, r);
    assert.deepEqual([view(rule(0, false)).available, view(rule(0, false)).safetyStock, view(rule(0, false)).inTransit], [8, 0, 3]);
    assert.equal(view(rule(0, true)).available, 11);
    assert.deepEqual([view(rule(2, false)).available, view(rule(2, false)).safetyStock], [6, 2]);
    // The system reports a safety stock of 4 and 5 in transit (it knows another transfer).
    stock.report(B, { onHand: 10, reserved: 2, inTransit: 5, safetyStock: 4 });
    assert.deepEqual([view(rule(2, false)).safetyStock, view(rule(2, false)).available], [4, 4], 'the system\'s 4 beats the channel\'s 2');
    assert.deepEqual([view(rule(6, false)).safetyStock, view(rule(6, false)).available], [6, 2], 'the channel\'s 6 beats the system\'s 4');
    assert.deepEqual([view(rule(2, true)).inTransit, view(rule(2, true)).available], [5, 9], 'in transit: the larger of what Weft and the system know');
    assert.equal(view(rule(20, true)).available, 0, 'never below zero');
    assert.deepEqual(viewOf(undefined, SKU, C, rule(3, true)), { sku: SKU, locationId: C, onHand: 0, reserved: 0, inTransit: 0, safetyStock: 3, available: 0, updatedAt: undefined });
  });
});

// ---- The property: per-key order is all the fold needs ----------------------------------------

const POOL = {
  skus: ['SKU-1', 'SKU-2'],
  locations: Array.from({ length: 3 }, () => ids.next('location')),
  orders: Array.from({ length: 3 }, () => ids.next('order')),
  lines: Array.from({ length: 2 }, () => ids.next('orderLine')),
  transfers: Array.from({ length: 2 }, () => ids.next('transfer')),
};

type Op =
  | { op: 'receipt' | 'return' | 'damage'; q: number }
  | { op: 'adjustment'; delta: number }
  | { op: 'count'; counted: number; delta: number }
  | { op: 'position'; onHand: number; reserved: number; inTransit: number; safetyStock: number }
  | { op: 'sale'; q: number; order: number | undefined; line: number | undefined }
  | { op: 'reservation' | 'release'; q: number; order: number; line: number | undefined }
  | { op: 'transfer_out' | 'transfer_in'; q: number; other: number };

const units = fc.integer({ min: 1, max: 6 });
const orderArb = fc.nat({ max: POOL.orders.length - 1 });
const lineArb = fc.option(fc.nat({ max: POOL.lines.length - 1 }), { nil: undefined, freq: 4 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constantFrom('receipt' as const, 'return' as const, 'damage' as const), q: units }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('adjustment' as const), delta: fc.integer({ min: -4, max: 4 }).filter((d) => d !== 0) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('count' as const), counted: fc.nat({ max: 12 }), delta: fc.integer({ min: -5, max: 5 }) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('position' as const), onHand: fc.integer({ min: -2, max: 15 }), reserved: fc.nat({ max: 4 }), inTransit: fc.nat({ max: 5 }), safetyStock: fc.nat({ max: 3 }) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('sale' as const), q: units, order: fc.option(orderArb, { nil: undefined }), line: lineArb }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constantFrom('reservation' as const, 'release' as const), q: units, order: orderArb, line: lineArb }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constantFrom('transfer_out' as const, 'transfer_in' as const), q: units, other: fc.nat({ max: 1 }) }), weight: 2 },
);

/** Several keys, each with its events in order, and transfers between them placed in both keys' orders. */
const worldArb = fc
  .record({ skus: fc.integer({ min: 1, max: POOL.skus.length }), locations: fc.integer({ min: 2, max: POOL.locations.length }) })
  .chain(({ skus, locations }) =>
    fc.record({
      skus: fc.constant(skus),
      locations: fc.constant(locations),
      ops: fc.array(fc.array(opArb, { maxLength: 9 }), { minLength: skus * locations, maxLength: skus * locations }),
      // sku, from, to (offset from `from`), units, and where in each key's order the two halves go (fractions).
      transfers: fc.array(fc.record({ sku: fc.nat({ max: skus - 1 }), from: fc.nat({ max: locations - 1 }), to: fc.nat({ max: locations - 2 }), q: units, at: fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })) }), { maxLength: 4 }),
      // The interleaving: which key goes next (among those with events left), and now and then a redelivery.
      picks: fc.array(fc.record({ key: fc.nat(), redeliver: fc.boolean() }), { maxLength: 120 }),
    }),
  );

type World = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

/** The events of each key, in the key's order (unnumbered); every one validated by the builders. */
function eventsOf(world: World): { keys: string[]; byKey: NewEvent[][] } {
  const skus = POOL.skus.slice(0, world.skus);
  const locations = POOL.locations.slice(0, world.locations);
  const keys: string[] = [];
  const plans: { sku: string; locationId: string; inputs: (MovementInput | Parameters<typeof positionData>[0])[] }[] = [];
  skus.forEach((sku, s) => locations.forEach((locationId, l) => {
    keys.push(inventoryKey(sku, locationId));
    const ops = world.ops[s * locations.length + l] ?? [];
    const otherThan = (offset: number): string => locations[(l + 1 + (offset % (locations.length - 1))) % locations.length] as string;
    const ref = (order: number, line: number | undefined): MovementReference => orderRef(POOL.orders[order] as string, line === undefined ? undefined : POOL.lines[line]);
    const inputs = ops.map((op): MovementInput | Parameters<typeof positionData>[0] => {
      const base = { sku, locationId };
      switch (op.op) {
        case 'receipt': case 'return': return { ...base, kind: op.op, quantityDelta: op.q };
        case 'damage': return { ...base, kind: 'damage', quantityDelta: -op.q };
        case 'adjustment': return { ...base, kind: 'adjustment', quantityDelta: op.delta };
        case 'count': return { ...base, kind: 'count', quantityDelta: op.delta, countedQuantity: op.counted };
        case 'position': return { ...base, onHand: op.onHand, reserved: op.reserved, inTransit: op.inTransit, safetyStock: op.safetyStock };
        case 'sale': return { ...base, kind: 'sale', quantityDelta: -op.q, ...(op.order === undefined ? {} : { reference: ref(op.order, op.line) }) };
        case 'reservation': return { ...base, kind: 'reservation', quantityDelta: op.q, reference: ref(op.order, op.line) };
        case 'release': return { ...base, kind: 'release', quantityDelta: -op.q, reference: ref(op.order, op.line) };
        case 'transfer_out': return { ...base, kind: 'transfer_out', quantityDelta: -op.q, counterpartLocationId: otherThan(op.other), reference: { kind: 'transfer', id: POOL.transfers[0] as string } };
        case 'transfer_in': return { ...base, kind: 'transfer_in', quantityDelta: op.q, counterpartLocationId: otherThan(op.other), reference: { kind: 'transfer', id: POOL.transfers[0] as string } };
      }
    });
    plans.push({ sku, locationId, inputs });
  }));
  // Matched transfers: the shipment at the origin, the arrival at the destination, each somewhere in its key's order.
  for (const transfer of world.transfers) {
    const from = transfer.from;
    const to = (from + 1 + transfer.to) % locations.length;
    const origin = plans[transfer.sku * locations.length + from];
    const destination = plans[transfer.sku * locations.length + to];
    assert.ok(origin && destination && origin !== destination);
    const reference: MovementReference = { kind: 'transfer', id: POOL.transfers[1] as string };
    origin.inputs.splice(Math.floor(transfer.at[0] * (origin.inputs.length + 1)), 0, { sku: origin.sku, locationId: origin.locationId, kind: 'transfer_out', quantityDelta: -transfer.q, counterpartLocationId: destination.locationId, reference });
    destination.inputs.splice(Math.floor(transfer.at[1] * (destination.inputs.length + 1)), 0, { sku: origin.sku, locationId: destination.locationId, kind: 'transfer_in', quantityDelta: transfer.q, counterpartLocationId: origin.locationId, reference });
  }
  const byKey = plans.map((plan) => plan.inputs.map((input, i) => {
    const at = new Date(Date.parse('2026-11-01T00:00:00.000Z') + i * 60_000).toISOString();
    return 'kind' in input ? movementEvent(ids, { ...input, occurredAt: at }) : positionEvent(ids, positionData({ ...input, asOf: at }));
  }));
  return { keys, byKey };
}

const numbered = (event: NewEvent, index: number): StockEvent => ({ type: event.type, subject: event.subject, sequence: index + 1, data: event.data });

/** Everything a reader can see of the stock: views under several rules, the records, each order's reservations. */
function observe(state: StockState, keys: readonly string[]) {
  const rules = [{ safetyStock: 0, includeInTransit: false }, { safetyStock: 2, includeInTransit: false }, { safetyStock: 2, includeInTransit: true }];
  const perKey = keys.map((key) => {
    const record = state.records.get(key);
    const [sku, locationId] = [key.slice(0, key.lastIndexOf('@')), key.slice(key.lastIndexOf('@') + 1)];
    return {
      key,
      views: rules.map((rule) => viewOf(record, sku, locationId, rule)),
      record: record && { ...record, reservations: [...record.reservations].sort() },
    };
  });
  const orders = [...state.byOrder].map(([orderId, held]) => [orderId, [...held].sort()] as const).sort();
  const reservations = POOL.orders.map((orderId) => [...state.records.values()]
    .flatMap((record) => [...record.reservations].filter(([reservation]) => reservation.startsWith(`${orderId}/`)).map(([reservation, q]) => `${inventoryKey(record.sku, record.locationId)}:${reservation}:${q}`))
    .sort());
  return { perKey, records: [...state.records.keys()].sort(), orders, reservations };
}

/** What must hold of any state: reserved is the sum of the reservations, all positive, and the order index matches them. */
function assertConsistent(state: StockState): void {
  for (const [key, record] of state.records) {
    const sum = [...record.reservations.values()].reduce((a, b) => a + b, 0);
    assert.equal(record.reserved, sum, `${key}: reserved is the sum of its reservations`);
    for (const q of record.reservations.values()) assert.ok(q > 0);
    for (const reservation of record.reservations.keys()) assert.ok(state.byOrder.get(reservation.slice(0, reservation.indexOf('/')))?.has(key), `${key}: ${reservation} indexed`);
  }
  for (const [orderId, held] of state.byOrder) {
    assert.ok(held.size > 0);
    for (const key of held) assert.ok([...(state.records.get(key)?.reservations.keys() ?? [])].some((r) => r.startsWith(`${orderId}/`)), `${orderId} indexed at ${key} without holding there`);
  }
}

describe('inventory projection, as a property', () => {
  it('folds any interleaving that keeps each key\'s order (with redeliveries) to the same stock', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { keys, byKey } = eventsOf(world);
        // The reference: key by key, and key by key backwards.
        const reference = emptyStock();
        byKey.forEach((events) => events.forEach((event, i) => assert.equal(applyStockEvent(reference, numbered(event, i)), true)));
        const backwards = emptyStock();
        [...byKey].reverse().forEach((events) => events.forEach((event, i) => applyStockEvent(backwards, numbered(event, i))));
        const expected = observe(reference, keys);
        assert.deepEqual(observe(backwards, keys), expected);

        // The interleaving the picks drive; when they run out, the first key with events left goes next.
        const state = emptyStock();
        const next = byKey.map(() => 0);
        const total = byKey.reduce((sum, events) => sum + events.length, 0);
        let folded = 0;
        for (let p = 0; folded < total; p++) {
          const pick = world.picks[p];
          const open = byKey.map((events, k) => k).filter((k) => (next[k] as number) < (byKey[k] as NewEvent[]).length);
          const k = open[(pick?.key ?? 0) % open.length] as number;
          const events = byKey[k] as NewEvent[];
          const done = next[k] as number;
          if (pick?.redeliver && done > 0) {
            // At-least-once delivery: an event already folded comes again and changes nothing.
            const again = pick.key % done;
            const snapshot = observe(state, keys);
            assert.equal(applyStockEvent(state, numbered(events[again] as NewEvent, again)), false);
            assert.deepEqual(observe(state, keys), snapshot);
          }
          assert.equal(applyStockEvent(state, numbered(events[done] as NewEvent, done)), true);
          next[k] = done + 1;
          folded++;
        }
        assertConsistent(state);
        assert.deepEqual(observe(state, keys), expected);
      }),
      { numRuns: 200 },
    );
  });
});
